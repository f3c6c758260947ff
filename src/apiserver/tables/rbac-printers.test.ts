import { test } from "node:test";
import assert from "node:assert/strict";
import type { ClusterRoleBinding, RoleBinding } from "kubernetes-types/rbac/v1";
import { clusterRoleBindingPrinter, roleBindingPrinter } from "./rbac-printers.ts";
import { NOW, ago } from "./test-fixtures.ts";

test("role binding: role reference and subjects by kind", () => {
  const binding: RoleBinding = {
    metadata: { name: "read-pods", creationTimestamp: ago(7200) },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "pod-reader" },
    subjects: [
      { kind: "User", name: "jane" },
      { kind: "ServiceAccount", name: "builder", namespace: "ci" },
      { kind: "Group", name: "devs" },
      { kind: "User", name: "joe" },
      { kind: "ServiceAccount", name: "deployer", namespace: "ci" },
    ],
  };
  assert.deepEqual(roleBindingPrinter.cells(binding, NOW), [
    "read-pods",
    "Role/pod-reader",
    "120m",
    "jane, joe",
    "devs",
    "ci/builder, ci/deployer",
  ]);
});

test("cluster role binding without subjects", () => {
  const binding: ClusterRoleBinding = {
    metadata: { name: "system:basic-user", creationTimestamp: ago(8 * 86400) },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:basic-user" },
  };
  assert.deepEqual(clusterRoleBindingPrinter.cells(binding, NOW), [
    "system:basic-user",
    "ClusterRole/system:basic-user",
    "8d",
    "",
    "",
    "",
  ]);
});
