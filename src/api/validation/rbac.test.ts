import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { formatFieldError, type FieldError } from "./field-error.ts";
import type { JsonObject } from "./json.ts";
import { validateClusterRole, validateClusterRoleBinding, validateRole, validateRoleBinding, validateRoleBindingUpdate } from "./rbac.ts";

const texts = (errs: FieldError[]): string[] => errs.map(formatFieldError);
const rbacGroup = "rbac.authorization.k8s.io";

describe("Role and ClusterRole", () => {
  const cases: [string, (o: JsonObject) => FieldError[], JsonObject, string[]][] = [
    ["valid role", validateRole, { metadata: { name: "reader", namespace: "default" }, rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }] }, []],
    ["names are path segments", validateRole, { metadata: { name: "system:reader", namespace: "default" } }, []],
    ["slash in a name", validateRole, { metadata: { name: "a/b", namespace: "default" } }, ['metadata.name: Invalid value: "a/b": may not contain \'/\'']],
    [
      "rule without verbs, groups or resources",
      validateRole,
      { metadata: { name: "r", namespace: "default" }, rules: [{}] },
      [
        "rules[0].verbs: Required value: verbs must contain at least one value",
        "rules[0].apiGroups: Required value: resource rules must supply at least one api group",
        "rules[0].resources: Required value: resource rules must supply at least one resource",
      ],
    ],
    [
      "non-resource URLs in a namespaced role",
      validateRole,
      { metadata: { name: "r", namespace: "default" }, rules: [{ verbs: ["get"], nonResourceURLs: ["/healthz"] }] },
      ['rules[0].nonResourceURLs: Invalid value: ["/healthz"]: namespaced rules cannot apply to non-resource URLs'],
    ],
    ["non-resource URLs in a cluster role", validateClusterRole, { metadata: { name: "r" }, rules: [{ verbs: ["get"], nonResourceURLs: ["/healthz"] }] }, []],
    [
      "empty aggregation rule",
      validateClusterRole,
      { metadata: { name: "r" }, aggregationRule: {} },
      ["aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil"],
    ],
  ];
  for (const [name, validate, value, expected] of cases) test(name, () => assert.deepEqual(texts(validate(value)), expected));
});

describe("bindings", () => {
  const binding = (): JsonObject => ({
    metadata: { name: "read-pods", namespace: "default" },
    roleRef: { apiGroup: rbacGroup, kind: "Role", name: "reader" },
    subjects: [
      { kind: "User", name: "jane", apiGroup: rbacGroup },
      { kind: "ServiceAccount", name: "builder", namespace: "ci" },
    ],
  });

  test("valid", () => assert.deepEqual(texts(validateRoleBinding(binding())), []));

  const cases: [string, (b: JsonObject) => void, string[]][] = [
    [
      "role ref group and kind",
      (b) => (b.roleRef = { apiGroup: "", kind: "Thing", name: "x" }),
      ['roleRef.apiGroup: Unsupported value: "": supported values: "rbac.authorization.k8s.io"', 'roleRef.kind: Unsupported value: "Thing": supported values: "Role", "ClusterRole"'],
    ],
    ["role ref name", (b) => (b.roleRef = { apiGroup: rbacGroup, kind: "Role" }), ["roleRef.name: Required value"]],
    [
      "subject kind",
      (b) => (b.subjects = [{ kind: "Robot", name: "r2" }]),
      ['subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"'],
    ],
    [
      "service accounts have no group",
      (b) => (b.subjects = [{ kind: "ServiceAccount", name: "sa", apiGroup: rbacGroup }]),
      ['subjects[0].apiGroup: Unsupported value: "rbac.authorization.k8s.io": supported values: ""'],
    ],
  ];
  for (const [name, edit, expected] of cases) {
    test(name, () => {
      const b = binding();
      edit(b);
      assert.deepEqual(texts(validateRoleBinding(b)), expected);
    });
  }

  test("cluster bindings need service account namespaces and cluster roles", () => {
    const b = { metadata: { name: "x" }, roleRef: { apiGroup: rbacGroup, kind: "Role", name: "r" }, subjects: [{ kind: "ServiceAccount", name: "sa" }] };
    assert.deepEqual(texts(validateClusterRoleBinding(b)), [
      'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
      "subjects[0].namespace: Required value",
    ]);
  });

  test("roleRef cannot change", () => {
    const next = binding();
    next.roleRef = { apiGroup: rbacGroup, kind: "ClusterRole", name: "view" };
    assert.deepEqual(texts(validateRoleBindingUpdate(next, binding())), [
      'roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"view"}: cannot change roleRef',
    ]);
  });
});
