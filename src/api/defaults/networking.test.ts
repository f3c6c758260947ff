import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { applyDefaults } from "./index.ts";
import type { JsonObject } from "./fields.ts";

const cases: [kind: string, version: string, name: string, input: JsonObject, expected: JsonObject][] = [
  [
    "NetworkPolicy", "v1", "ingress only by default; ports get TCP",
    { spec: { podSelector: {}, ingress: [{ ports: [{ port: 80 }, { port: 53, protocol: "UDP" }] }] } },
    { spec: { podSelector: {}, ingress: [{ ports: [{ port: 80, protocol: "TCP" }, { port: 53, protocol: "UDP" }] }], policyTypes: ["Ingress"] } },
  ],
  [
    "NetworkPolicy", "v1", "egress rules add Egress",
    { spec: { podSelector: {}, egress: [{ ports: [{ port: 443 }] }] } },
    { spec: { podSelector: {}, egress: [{ ports: [{ port: 443, protocol: "TCP" }] }], policyTypes: ["Ingress", "Egress"] } },
  ],
  [
    "NetworkPolicy", "v1", "given policy types are kept",
    { spec: { podSelector: {}, policyTypes: ["Egress"] } },
    { spec: { podSelector: {}, policyTypes: ["Egress"] } },
  ],
  [
    "IngressClass", "v1", "parameters are cluster-scoped unless said otherwise",
    { spec: { controller: "example.com/c", parameters: { kind: "Params", name: "p" } } },
    { spec: { controller: "example.com/c", parameters: { kind: "Params", name: "p", scope: "Cluster" } } },
  ],
  ["IngressClass", "v1", "no parameters, nothing to default", { spec: { controller: "example.com/c" } }, { spec: { controller: "example.com/c" } }],
  [
    "Ingress", "v1", "has no defaults (pathType is required)",
    { spec: { rules: [{ http: { paths: [{ path: "/", backend: { service: { name: "s", port: { number: 80 } } } }] } }] } },
    { spec: { rules: [{ http: { paths: [{ path: "/", backend: { service: { name: "s", port: { number: 80 } } } }] } }] } },
  ],
];

describe("networking.k8s.io/v1 defaults", () => {
  for (const [kind, version, name, input, expected] of cases) {
    test(`${kind} ${version}: ${name}`, () => {
      const target = { group: "networking.k8s.io", version, kind };
      const obj = structuredClone(input);
      applyDefaults(target, obj);
      assert.deepEqual(obj, expected);
      applyDefaults(target, obj);
      assert.deepEqual(obj, expected, "a second pass changes nothing");
    });
  }
});
