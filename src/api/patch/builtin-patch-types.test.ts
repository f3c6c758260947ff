import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { builtinPatchKinds, builtinPatchTypes } from "./builtin-patch-types.ts";
import type { FieldPatchMeta } from "./patch-meta.ts";
import { patchMetaFor } from "./patch-meta.ts";
import { applyStrategicMergePatch } from "./strategic-merge-patch.ts";

function fieldAt(group: string, version: string, kind: string, path: string): FieldPatchMeta | undefined {
  const [first, ...rest] = path.split(".");
  let field = patchMetaFor(group, version, kind)?.field(first ?? "");
  for (const name of rest) field = field?.schema?.field(name);
  return field;
}

describe("built-in patch types", () => {
  test("every type a field names is in the table", () => {
    for (const [typeName, fields] of Object.entries(builtinPatchTypes)) {
      for (const [name, spec] of Object.entries(fields)) {
        if (spec.type !== undefined) assert.ok(Object.hasOwn(builtinPatchTypes, spec.type), `${typeName}.${name} names ${spec.type}`);
      }
    }
  });

  test("every kind names a type in the table", () => {
    for (const [kind, typeName] of Object.entries(builtinPatchKinds)) assert.ok(Object.hasOwn(builtinPatchTypes, typeName), kind);
  });

  test("every kind has ObjectMeta's metadata", () => {
    for (const key of Object.keys(builtinPatchKinds)) {
      const [group = "", version = "", kind = ""] = key.split("/");
      assert.equal(fieldAt(group, version, kind, "metadata.finalizers")?.strategy, "merge", key);
      assert.equal(fieldAt(group, version, kind, "metadata.ownerReferences")?.mergeKey, "uid", key);
    }
  });

  // The struct tags of k8s.io/api, field by field; "atomic" is a list without a strategy.
  const facts: Array<[gvk: string, path: string, expected: { strategy?: string; mergeKey?: string; retainKeys?: boolean } | "atomic"]> = [
    ["/v1/Pod", "spec.containers", { strategy: "merge", mergeKey: "name" }],
    ["/v1/Pod", "spec.initContainers", { strategy: "merge", mergeKey: "name" }],
    ["/v1/Pod", "spec.ephemeralContainers", { strategy: "merge", mergeKey: "name" }],
    ["/v1/Pod", "spec.containers.ports", { strategy: "merge", mergeKey: "containerPort" }],
    ["/v1/Pod", "spec.containers.env", { strategy: "merge", mergeKey: "name" }],
    ["/v1/Pod", "spec.containers.envFrom", "atomic"],
    ["/v1/Pod", "spec.containers.volumeMounts", { strategy: "merge", mergeKey: "mountPath" }],
    ["/v1/Pod", "spec.containers.volumeDevices", { strategy: "merge", mergeKey: "devicePath" }],
    ["/v1/Pod", "spec.ephemeralContainers.env", { strategy: "merge", mergeKey: "name" }],
    ["/v1/Pod", "spec.volumes", { strategy: "merge", mergeKey: "name", retainKeys: true }],
    ["/v1/Pod", "spec.imagePullSecrets", { strategy: "merge", mergeKey: "name" }],
    ["/v1/Pod", "spec.hostAliases", { strategy: "merge", mergeKey: "ip" }],
    ["/v1/Pod", "spec.topologySpreadConstraints", { strategy: "merge", mergeKey: "topologyKey" }],
    ["/v1/Pod", "spec.tolerations", "atomic"],
    ["/v1/Pod", "status.conditions", { strategy: "merge", mergeKey: "type" }],
    ["/v1/Pod", "status.podIPs", { strategy: "merge", mergeKey: "ip" }],
    ["/v1/Pod", "status.containerStatuses", "atomic"],
    ["/v1/Service", "spec.ports", { strategy: "merge", mergeKey: "port" }],
    ["/v1/Node", "spec.taints", "atomic"],
    ["/v1/Node", "spec.podCIDRs", { strategy: "merge" }],
    ["/v1/Node", "status.conditions", { strategy: "merge", mergeKey: "type" }],
    ["/v1/Node", "status.addresses", { strategy: "merge", mergeKey: "type" }],
    ["/v1/Node", "status.images", "atomic"],
    ["/v1/ServiceAccount", "secrets", { strategy: "merge", mergeKey: "name" }],
    ["/v1/ServiceAccount", "imagePullSecrets", "atomic"],
    ["/v1/Endpoints", "subsets", "atomic"],
    ["/v1/PersistentVolumeClaim", "status.conditions", { strategy: "merge", mergeKey: "type" }],
    ["/v1/ReplicationController", "spec.template.spec.containers", { strategy: "merge", mergeKey: "name" }],
    ["/v1/PodTemplate", "template.spec.volumes", { strategy: "merge", mergeKey: "name", retainKeys: true }],
    ["apps/v1/Deployment", "spec.template.spec.containers.env", { strategy: "merge", mergeKey: "name" }],
    ["apps/v1/Deployment", "spec.template.metadata.finalizers", { strategy: "merge" }],
    ["apps/v1/Deployment", "spec.strategy", { retainKeys: true }],
    ["apps/v1/Deployment", "status.conditions", { strategy: "merge", mergeKey: "type" }],
    ["apps/v1/StatefulSet", "spec.volumeClaimTemplates", "atomic"],
    ["apps/v1/StatefulSet", "spec.template.spec.containers", { strategy: "merge", mergeKey: "name" }],
    ["apps/v1/DaemonSet", "status.conditions", { strategy: "merge", mergeKey: "type" }],
    ["apps/v1/ReplicaSet", "spec.template.spec.initContainers", { strategy: "merge", mergeKey: "name" }],
    ["batch/v1/Job", "spec.template.spec.containers", { strategy: "merge", mergeKey: "name" }],
    ["batch/v1/Job", "status.conditions", { strategy: "merge", mergeKey: "type" }],
    ["batch/v1/CronJob", "spec.jobTemplate.spec.template.spec.containers", { strategy: "merge", mergeKey: "name" }],
    ["policy/v1/PodDisruptionBudget", "spec.selector", { strategy: "replace" }],
    ["policy/v1/PodDisruptionBudget", "status.conditions", { strategy: "merge", mergeKey: "type" }],
    ["autoscaling/v2/HorizontalPodAutoscaler", "status.conditions", { strategy: "merge", mergeKey: "type" }],
    ["rbac.authorization.k8s.io/v1/Role", "rules", "atomic"],
    ["rbac.authorization.k8s.io/v1/RoleBinding", "subjects", "atomic"],
    ["discovery.k8s.io/v1/EndpointSlice", "endpoints", "atomic"],
  ];
  for (const [gvk, path, expected] of facts) {
    test(`${gvk} ${path}`, () => {
      const [group = "", version = "", kind = ""] = gvk.split("/");
      const field = fieldAt(group, version, kind, path);
      if (expected === "atomic") {
        assert.equal(field?.strategy, undefined);
      } else {
        assert.deepEqual(
          { strategy: field?.strategy, mergeKey: field?.mergeKey, retainKeys: field?.retainKeys ?? false },
          { strategy: expected.strategy, mergeKey: expected.mergeKey, retainKeys: expected.retainKeys ?? false },
        );
      }
    });
  }
});

// Patches as kubectl and the components send them, applied to real kinds.
describe("strategic merge patch of built-in kinds", () => {
  const container = (name: string, extra: Record<string, unknown> = {}) => ({ name, image: `${name}:1`, ...extra });
  const deployment = (podSpec: Record<string, unknown>, spec: Record<string, unknown> = {}) => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "default", labels: { app: "web" } },
    spec: { replicas: 1, ...spec, template: { metadata: { labels: { app: "web" } }, spec: podSpec } },
  });
  const apply = (group: string, version: string, kind: string, doc: unknown, patch: unknown) => {
    const meta = patchMetaFor(group, version, kind);
    assert.ok(meta);
    return applyStrategicMergePatch(doc, patch, meta);
  };

  const cases: Array<{ name: string; gvk: [string, string, string]; doc: unknown; patch: unknown; expected: unknown }> = [
    {
      name: "kubectl set image",
      gvk: ["apps", "v1", "Deployment"],
      doc: deployment({ containers: [container("nginx", { ports: [{ containerPort: 80 }] }), container("sidecar")] }),
      patch: { spec: { template: { spec: { "$setElementOrder/containers": [{ name: "nginx" }, { name: "sidecar" }], containers: [{ image: "nginx:2", name: "nginx" }] } } } },
      expected: deployment({ containers: [{ name: "nginx", image: "nginx:2", ports: [{ containerPort: 80 }] }, container("sidecar")] }),
    },
    {
      name: "kubectl rollout restart",
      gvk: ["apps", "v1", "Deployment"],
      doc: deployment({ containers: [container("app")] }),
      patch: { spec: { template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": "2024-05-01T10:00:00Z" } } } } },
      expected: {
        ...deployment({ containers: [container("app")] }),
        spec: {
          replicas: 1,
          template: { metadata: { labels: { app: "web" }, annotations: { "kubectl.kubernetes.io/restartedAt": "2024-05-01T10:00:00Z" } }, spec: { containers: [container("app")] } },
        },
      },
    },
    {
      name: "kubectl apply removes one env var and keeps the rest",
      gvk: ["apps", "v1", "Deployment"],
      doc: deployment({ containers: [container("app", { env: [{ name: "A", value: "1" }, { name: "B", value: "2" }, { name: "C", value: "3" }] })] }),
      patch: {
        spec: {
          template: {
            spec: {
              "$setElementOrder/containers": [{ name: "app" }],
              containers: [{ "$setElementOrder/env": [{ name: "A" }, { name: "C" }], env: [{ $patch: "delete", name: "B" }], name: "app" }],
            },
          },
        },
      },
      expected: deployment({ containers: [container("app", { env: [{ name: "A", value: "1" }, { name: "C", value: "3" }] })] }),
    },
    {
      name: "kubectl apply switches the deployment strategy (retainKeys)",
      gvk: ["apps", "v1", "Deployment"],
      doc: deployment({ containers: [container("app")] }, { strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } } }),
      patch: { spec: { strategy: { $retainKeys: ["type"], rollingUpdate: null, type: "Recreate" } } },
      expected: deployment({ containers: [container("app")] }, { strategy: { type: "Recreate" } }),
    },
    {
      name: "kubectl apply changes a volume's source (retainKeys in a merged list)",
      gvk: ["", "v1", "Pod"],
      doc: { metadata: { name: "p" }, spec: { containers: [container("app")], volumes: [{ name: "data", emptyDir: {} }, { name: "tmp", emptyDir: {} }] } },
      patch: { spec: { "$setElementOrder/volumes": [{ name: "data" }, { name: "tmp" }], volumes: [{ $retainKeys: ["configMap", "name"], configMap: { name: "settings" }, name: "data" }] } },
      expected: {
        metadata: { name: "p" },
        spec: { containers: [container("app")], volumes: [{ name: "data", configMap: { name: "settings" } }, { name: "tmp", emptyDir: {} }] },
      },
    },
    {
      name: "container ports merge on containerPort, volume mounts on mountPath",
      gvk: ["", "v1", "Pod"],
      doc: { spec: { containers: [container("app", { ports: [{ containerPort: 80, name: "http" }], volumeMounts: [{ name: "a", mountPath: "/a" }] })] } },
      patch: { spec: { containers: [{ name: "app", ports: [{ containerPort: 80, protocol: "TCP" }], volumeMounts: [{ name: "b", mountPath: "/a", readOnly: true }] }] } },
      expected: {
        spec: {
          containers: [container("app", { ports: [{ containerPort: 80, name: "http", protocol: "TCP" }], volumeMounts: [{ name: "b", mountPath: "/a", readOnly: true }] })],
        },
      },
    },
    {
      name: "tolerations are replaced whole",
      gvk: ["", "v1", "Pod"],
      doc: { spec: { containers: [container("app")], tolerations: [{ key: "a", operator: "Exists" }] } },
      patch: { spec: { tolerations: [{ key: "b", operator: "Exists" }] } },
      expected: { spec: { containers: [container("app")], tolerations: [{ key: "b", operator: "Exists" }] } },
    },
    {
      name: "kubectl taint replaces the node's taints",
      gvk: ["", "v1", "Node"],
      doc: { metadata: { name: "n1" }, spec: { podCIDR: "10.42.0.0/24", taints: [{ key: "a", effect: "NoSchedule" }] } },
      patch: { spec: { taints: [{ key: "a", effect: "NoSchedule" }, { key: "b", value: "x", effect: "NoExecute" }] } },
      expected: { metadata: { name: "n1" }, spec: { podCIDR: "10.42.0.0/24", taints: [{ key: "a", effect: "NoSchedule" }, { key: "b", value: "x", effect: "NoExecute" }] } },
    },
    {
      name: "kubelet status patch merges conditions on type",
      gvk: ["", "v1", "Pod"],
      doc: {
        status: {
          phase: "Pending",
          conditions: [
            { type: "PodScheduled", status: "True" },
            { type: "Ready", status: "False" },
          ],
        },
      },
      patch: {
        status: {
          "$setElementOrder/conditions": [{ type: "Initialized" }, { type: "Ready" }, { type: "PodScheduled" }],
          conditions: [{ type: "Initialized", status: "True" }, { type: "Ready", status: "True" }],
          phase: "Running",
        },
      },
      expected: {
        status: {
          phase: "Running",
          conditions: [
            { type: "Initialized", status: "True" },
            { type: "Ready", status: "True" },
            { type: "PodScheduled", status: "True" },
          ],
        },
      },
    },
    {
      name: "node addresses merge on type",
      gvk: ["", "v1", "Node"],
      doc: { status: { addresses: [{ type: "InternalIP", address: "10.0.0.1" }] } },
      patch: { status: { addresses: [{ type: "Hostname", address: "n1" }, { type: "InternalIP", address: "10.0.0.2" }] } },
      expected: { status: { addresses: [{ type: "Hostname", address: "n1" }, { type: "InternalIP", address: "10.0.0.2" }] } },
    },
    {
      name: "service ports merge on port",
      gvk: ["", "v1", "Service"],
      doc: { spec: { ports: [{ port: 80, targetPort: 8080, name: "http" }, { port: 443, name: "https" }] } },
      patch: { spec: { ports: [{ port: 80, targetPort: 9090 }] } },
      expected: { spec: { ports: [{ port: 80, targetPort: 9090, name: "http" }, { port: 443, name: "https" }] } },
    },
    {
      name: "finalizers are a set; $deleteFromPrimitiveList removes one",
      gvk: ["", "v1", "Namespace"],
      doc: { metadata: { name: "ns", finalizers: ["a", "b"] } },
      patch: { metadata: { finalizers: ["c"], "$deleteFromPrimitiveList/finalizers": ["a"] } },
      expected: { metadata: { name: "ns", finalizers: ["c", "b"] } },
    },
    {
      name: "ownerReferences merge on uid",
      gvk: ["", "v1", "ConfigMap"],
      doc: { metadata: { ownerReferences: [{ uid: "u1", kind: "A", name: "a" }] } },
      patch: { metadata: { ownerReferences: [{ uid: "u1", controller: true }, { uid: "u2", kind: "B", name: "b" }] } },
      expected: { metadata: { ownerReferences: [{ uid: "u1", kind: "A", name: "a", controller: true }, { uid: "u2", kind: "B", name: "b" }] } },
    },
    {
      name: "kubectl label --overwrite and removal",
      gvk: ["", "v1", "ConfigMap"],
      doc: { metadata: { labels: { a: "1", b: "2" } }, data: { k: "v" } },
      patch: { metadata: { labels: { a: null, c: "3" } } },
      expected: { metadata: { labels: { b: "2", c: "3" } }, data: { k: "v" } },
    },
    {
      name: "a PDB selector is replaced whole",
      gvk: ["policy", "v1", "PodDisruptionBudget"],
      doc: { spec: { minAvailable: 1, selector: { matchLabels: { app: "a", tier: "web" } } } },
      patch: { spec: { selector: { matchLabels: { app: "b" } } } },
      expected: { spec: { minAvailable: 1, selector: { matchLabels: { app: "b" } } } },
    },
    {
      name: "a CronJob's pod template merges containers by name",
      gvk: ["batch", "v1", "CronJob"],
      doc: { spec: { schedule: "* * * * *", jobTemplate: { spec: { template: { spec: { containers: [container("a"), container("b")] } } } } } },
      patch: { spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: "b", image: "b:2" }] } } } } } },
      expected: { spec: { schedule: "* * * * *", jobTemplate: { spec: { template: { spec: { containers: [container("a"), { name: "b", image: "b:2" }] } } } } } },
    },
  ];
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(apply(...c.gvk, c.doc, c.patch), c.expected));
  }
});
