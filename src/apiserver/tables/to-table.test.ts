import { test } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "kubernetes-types/core/v1";
import { columnDefinitions, toTable } from "./to-table.ts";
import { NOW, ago } from "./test-fixtures.ts";

// The headers kubectl prints (upper-cased column names), without and with -o wide.
const headers: [group: string, plural: string, normal: string[], wide: string[]][] = [
  ["", "pods", ["NAME", "READY", "STATUS", "RESTARTS", "AGE"], ["IP", "NODE", "NOMINATED NODE", "READINESS GATES"]],
  ["", "nodes", ["NAME", "STATUS", "ROLES", "AGE", "VERSION"], ["INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"]],
  ["", "namespaces", ["NAME", "STATUS", "AGE"], []],
  ["", "services", ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"], ["SELECTOR"]],
  ["", "endpoints", ["NAME", "ENDPOINTS", "AGE"], []],
  ["", "configmaps", ["NAME", "DATA", "AGE"], []],
  ["", "secrets", ["NAME", "TYPE", "DATA", "AGE"], []],
  ["", "serviceaccounts", ["NAME", "SECRETS", "AGE"], []],
  ["", "events", ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"], ["SUBOBJECT", "SOURCE", "FIRST SEEN", "COUNT", "NAME"]],
  ["", "persistentvolumes", ["NAME", "CAPACITY", "ACCESS MODES", "RECLAIM POLICY", "STATUS", "CLAIM", "STORAGECLASS", "VOLUMEATTRIBUTESCLASS", "REASON", "AGE"], ["VOLUMEMODE"]],
  ["", "persistentvolumeclaims", ["NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS", "VOLUMEATTRIBUTESCLASS", "AGE"], ["VOLUMEMODE"]],
  ["", "replicationcontrollers", ["NAME", "DESIRED", "CURRENT", "READY", "AGE"], ["CONTAINERS", "IMAGES", "SELECTOR"]],
  ["", "resourcequotas", ["NAME", "AGE", "REQUEST", "LIMIT"], []],
  ["", "limitranges", ["NAME", "CREATED AT"], []],
  ["events.k8s.io", "events", ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"], ["SUBOBJECT", "SOURCE", "FIRST SEEN", "COUNT", "NAME"]],
  ["discovery.k8s.io", "endpointslices", ["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"], []],
  ["apps", "deployments", ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"], ["CONTAINERS", "IMAGES", "SELECTOR"]],
  ["apps", "replicasets", ["NAME", "DESIRED", "CURRENT", "READY", "AGE"], ["CONTAINERS", "IMAGES", "SELECTOR"]],
  ["apps", "statefulsets", ["NAME", "READY", "AGE"], ["CONTAINERS", "IMAGES"]],
  ["apps", "daemonsets", ["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR", "AGE"], ["CONTAINERS", "IMAGES", "SELECTOR"]],
  ["apps", "controllerrevisions", ["NAME", "CONTROLLER", "REVISION", "AGE"], []],
  ["batch", "jobs", ["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"], ["CONTAINERS", "IMAGES", "SELECTOR"]],
  ["batch", "cronjobs", ["NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST SCHEDULE", "AGE"], ["CONTAINERS", "IMAGES", "SELECTOR"]],
  ["networking.k8s.io", "ingresses", ["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"], []],
  ["networking.k8s.io", "ingressclasses", ["NAME", "CONTROLLER", "PARAMETERS", "AGE"], []],
  ["networking.k8s.io", "networkpolicies", ["NAME", "POD-SELECTOR", "AGE"], []],
  ["storage.k8s.io", "storageclasses", ["NAME", "PROVISIONER", "RECLAIMPOLICY", "VOLUMEBINDINGMODE", "ALLOWVOLUMEEXPANSION", "AGE"], []],
  ["coordination.k8s.io", "leases", ["NAME", "HOLDER", "AGE"], []],
  ["scheduling.k8s.io", "priorityclasses", ["NAME", "VALUE", "GLOBAL-DEFAULT", "AGE"], ["PREEMPTIONPOLICY"]],
  ["autoscaling", "horizontalpodautoscalers", ["NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"], []],
  ["policy", "poddisruptionbudgets", ["NAME", "MIN AVAILABLE", "MAX UNAVAILABLE", "ALLOWED DISRUPTIONS", "AGE"], []],
  ["rbac.authorization.k8s.io", "roles", ["NAME", "CREATED AT"], []],
  ["rbac.authorization.k8s.io", "clusterroles", ["NAME", "CREATED AT"], []],
  ["rbac.authorization.k8s.io", "rolebindings", ["NAME", "ROLE", "AGE"], ["USERS", "GROUPS", "SERVICEACCOUNTS"]],
  ["rbac.authorization.k8s.io", "clusterrolebindings", ["NAME", "ROLE", "AGE"], ["USERS", "GROUPS", "SERVICEACCOUNTS"]],
  ["apiextensions.k8s.io", "customresourcedefinitions", ["NAME", "CREATED AT"], []],
  ["admissionregistration.k8s.io", "mutatingwebhookconfigurations", ["NAME", "WEBHOOKS", "AGE"], []],
  ["admissionregistration.k8s.io", "validatingwebhookconfigurations", ["NAME", "WEBHOOKS", "AGE"], []],
  ["example.com", "widgets", ["NAME", "AGE"], []],
  ["", "podtemplates", ["NAME", "CONTAINERS", "IMAGES", "POD LABELS"], []],
];

for (const [group, plural, normal, wide] of headers) {
  test(`columns of ${group || "core"}/${plural}`, () => {
    const columns = columnDefinitions({ group, plural });
    const printed = (priority: (p: number) => boolean) =>
      columns.filter((c) => priority(c.priority)).map((c) => c.name.toUpperCase());
    assert.deepEqual(printed((p) => p === 0), normal);
    assert.deepEqual(printed((p) => p > 0), wide);
    const name = columns.find((c) => c.name === "Name");
    assert.equal(name?.format, "name");
    assert.equal(name?.type, "string");
    for (const column of columns) {
      assert.ok(column.description.length > 0, `${column.name} has a description`);
    }
  });
}

const pod: Pod = {
  kind: "Pod",
  apiVersion: "v1",
  metadata: {
    name: "web",
    namespace: "shop",
    uid: "u-1",
    resourceVersion: "42",
    labels: { app: "web" },
    creationTimestamp: ago(5),
  },
  spec: { containers: [{ name: "app" }] },
  status: { phase: "Succeeded" },
};

test("toTable wraps rows in a meta.k8s.io/v1 Table with list metadata", () => {
  const table = toTable({ group: "", plural: "pods" }, [pod], {
    includeObject: "Metadata",
    now: NOW,
    listMeta: { resourceVersion: "77", continue: "token", remainingItemCount: 3 },
  });
  assert.equal(table.kind, "Table");
  assert.equal(table.apiVersion, "meta.k8s.io/v1");
  assert.deepEqual(table.metadata, { resourceVersion: "77", continue: "token", remainingItemCount: 3 });
  assert.equal(table.columnDefinitions.length, 9);
  assert.equal(table.rows.length, 1);
  assert.deepEqual(table.rows[0]?.cells, ["web", "0/1", "Succeeded", "0", "5s", "<none>", "<none>", "<none>", "<none>"]);
  assert.equal(table.rows[0]?.conditions?.[0]?.reason, "Succeeded");
});

test("toTable leaves list metadata empty when none is given", () => {
  const table = toTable({ group: "apps", plural: "deployments" }, [], { includeObject: "Metadata", now: NOW });
  assert.deepEqual(table.metadata, {});
  assert.deepEqual(table.rows, []);
  assert.equal(table.columnDefinitions[0]?.name, "Name");
});

test("includeObject=Metadata carries the full metadata as PartialObjectMetadata", () => {
  const row = toTable({ group: "", plural: "pods" }, [pod], { includeObject: "Metadata", now: NOW }).rows[0];
  assert.deepEqual(row?.object, { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: pod.metadata });
});

test("includeObject=Object carries the object itself", () => {
  const row = toTable({ group: "", plural: "pods" }, [pod], { includeObject: "Object", now: NOW }).rows[0];
  assert.equal(row?.object, pod);
});

test("includeObject=None leaves the object out", () => {
  const row = toTable({ group: "", plural: "pods" }, [pod], { includeObject: "None", now: NOW }).rows[0];
  assert.ok(row && !("object" in row));
});

test("rows without conditions have no conditions field", () => {
  const running = { ...pod, status: { phase: "Running" } };
  const row = toTable({ group: "", plural: "pods" }, [running], { includeObject: "None", now: NOW }).rows[0];
  assert.ok(row && !("conditions" in row));
});

test("built-in resources without printers show the creation time as RFC3339", () => {
  const role = { metadata: { name: "pod-reader", creationTimestamp: "2024-05-01T10:00:00Z" } };
  const table = toTable({ group: "rbac.authorization.k8s.io", plural: "roles" }, [role], { includeObject: "None", now: NOW });
  assert.deepEqual(table.columnDefinitions.map((c) => [c.name, c.type]), [
    ["Name", "string"],
    ["Created At", "date"],
  ]);
  assert.deepEqual(table.rows[0]?.cells, ["pod-reader", "2024-05-01T10:00:00Z"]);
});

test("custom resources show their age, null when the timestamp is absent", () => {
  const resource = { group: "example.com", plural: "widgets" };
  const table = toTable(resource, [{ metadata: { name: "w1", creationTimestamp: ago(400) } }, { metadata: { name: "w2" } }], {
    includeObject: "None",
    now: NOW,
  });
  assert.deepEqual(table.columnDefinitions.map((c) => [c.name, c.type]), [
    ["Name", "string"],
    ["Age", "date"],
  ]);
  assert.deepEqual(
    table.rows.map((r) => r.cells),
    [
      ["w1", "6m40s"],
      ["w2", null],
    ],
  );
});

test("columnDefinitions returns copies callers may change", () => {
  const first = columnDefinitions({ group: "", plural: "pods" });
  first[0]!.name = "changed";
  assert.equal(columnDefinitions({ group: "", plural: "pods" })[0]?.name, "Name");
});
