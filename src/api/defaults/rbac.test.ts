import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { applyDefaults } from "./index.ts";
import type { JsonObject } from "./fields.ts";

const cases: [kind: string, version: string, name: string, input: JsonObject, expected: JsonObject][] = [
  [
    "RoleBinding", "v1", "role reference and user and group subjects get the RBAC group",
    {
      roleRef: { kind: "Role", name: "r" },
      subjects: [{ kind: "User", name: "alice" }, { kind: "Group", name: "devs" }, { kind: "ServiceAccount", name: "sa", namespace: "ns" }, { kind: "User", name: "bob", apiGroup: "example.com" }],
    },
    {
      roleRef: { kind: "Role", name: "r", apiGroup: "rbac.authorization.k8s.io" },
      subjects: [
        { kind: "User", name: "alice", apiGroup: "rbac.authorization.k8s.io" },
        { kind: "Group", name: "devs", apiGroup: "rbac.authorization.k8s.io" },
        { kind: "ServiceAccount", name: "sa", namespace: "ns" },
        { kind: "User", name: "bob", apiGroup: "example.com" },
      ],
    },
  ],
  [
    "ClusterRoleBinding", "v1", "cluster bindings likewise",
    { roleRef: { kind: "ClusterRole", name: "view" }, subjects: [{ kind: "Group", name: "system:authenticated" }] },
    { roleRef: { kind: "ClusterRole", name: "view", apiGroup: "rbac.authorization.k8s.io" }, subjects: [{ kind: "Group", name: "system:authenticated", apiGroup: "rbac.authorization.k8s.io" }] },
  ],
  ["Role", "v1", "roles have no defaults", { rules: [{ verbs: ["get"], resources: ["pods"] }] }, { rules: [{ verbs: ["get"], resources: ["pods"] }] }],
];

describe("rbac.authorization.k8s.io/v1 defaults", () => {
  for (const [kind, version, name, input, expected] of cases) {
    test(`${kind} ${version}: ${name}`, () => {
      const target = { group: "rbac.authorization.k8s.io", version, kind };
      const obj = structuredClone(input);
      applyDefaults(target, obj);
      assert.deepEqual(obj, expected);
      applyDefaults(target, obj);
      assert.deepEqual(obj, expected, "a second pass changes nothing");
    });
  }
});
