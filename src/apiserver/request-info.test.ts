import { test } from "node:test";
import assert from "node:assert/strict";
import { parseRequestInfo } from "./request-info.ts";

const cases: [string, string, string, Record<string, string> | "nonResource"][] = [
  ["GET", "/api/v1/pods", "", { verb: "list", group: "", version: "v1", namespace: "", resource: "pods", name: "" }],
  ["GET", "/api/v1/namespaces/default/pods", "", { verb: "list", namespace: "default", resource: "pods" }],
  ["GET", "/api/v1/namespaces/default/pods", "watch=true", { verb: "watch", resource: "pods" }],
  ["GET", "/api/v1/namespaces/default/pods", "watch=0", { verb: "list" }],
  ["GET", "/api/v1/watch/namespaces/default/pods", "", { verb: "watch", namespace: "default", resource: "pods" }],
  ["GET", "/api/v1/namespaces/default/pods/p1", "", { verb: "get", name: "p1" }],
  ["GET", "/api/v1/namespaces/default/pods/p1/log", "", { verb: "get", name: "p1", subresource: "log" }],
  ["POST", "/api/v1/namespaces/default/pods/p1/binding", "", { verb: "create", subresource: "binding" }],
  ["GET", "/api/v1/namespaces/kube-system", "", { verb: "get", namespace: "", resource: "namespaces", name: "kube-system" }],
  ["PUT", "/api/v1/namespaces/foo/finalize", "", { verb: "update", resource: "namespaces", name: "foo", subresource: "finalize" }],
  ["GET", "/api/v1/namespaces", "", { verb: "list", resource: "namespaces", name: "" }],
  ["DELETE", "/apis/apps/v1/namespaces/ns/deployments", "", { verb: "deletecollection", group: "apps", resource: "deployments" }],
  ["DELETE", "/apis/apps/v1/namespaces/ns/deployments/d", "", { verb: "delete", name: "d" }],
  ["PATCH", "/apis/apps/v1/namespaces/ns/deployments/d/scale", "", { verb: "patch", subresource: "scale" }],
  ["GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/admin", "", { verb: "get", group: "rbac.authorization.k8s.io", namespace: "", resource: "clusterroles", name: "admin" }],
  ["GET", "/api/v1/nodes/n1/proxy/stats/summary", "", { verb: "get", resource: "nodes", name: "n1", subresource: "proxy" }],
  ["GET", "/api", "", "nonResource"],
  ["GET", "/apis/apps/v1", "", "nonResource"],
  ["GET", "/healthz", "", "nonResource"],
  ["OPTIONS", "/api/v1/pods", "", "nonResource"],
];

for (const [method, path, query, want] of cases) {
  test(`${method} ${path}?${query}`, () => {
    const info = parseRequestInfo(method, path, new URLSearchParams(query));
    if (want === "nonResource") {
      assert.equal(info.kind, "nonResource");
      return;
    }
    assert.equal(info.kind, "resource");
    for (const [field, value] of Object.entries(want)) {
      assert.equal((info as unknown as Record<string, string>)[field], value, field);
    }
  });
}
