import type { MessageTable } from "../message-schema.ts";

/** The rbac.authorization.k8s.io/v1 messages Skiff reads and writes as protobuf. */
export const rbacV1Messages: MessageTable = {
  "rbac.v1.AggregationRule": [
    { number: 1, jsonName: "clusterRoleSelectors", type: "meta.v1.LabelSelector", repeated: true, omitEmpty: true },
  ],
  "rbac.v1.ClusterRole": [
    { number: 1, jsonName: "metadata", type: "meta.v1.ObjectMeta", omitEmpty: true },
    { number: 2, jsonName: "rules", type: "rbac.v1.PolicyRule", repeated: true },
    { number: 3, jsonName: "aggregationRule", type: "rbac.v1.AggregationRule", pointer: true, omitEmpty: true },
  ],
  "rbac.v1.ClusterRoleBinding": [
    { number: 1, jsonName: "metadata", type: "meta.v1.ObjectMeta", omitEmpty: true },
    { number: 2, jsonName: "subjects", type: "rbac.v1.Subject", repeated: true, omitEmpty: true },
    { number: 3, jsonName: "roleRef", type: "rbac.v1.RoleRef" },
  ],
  "rbac.v1.ClusterRoleBindingList": [
    { number: 1, jsonName: "metadata", type: "meta.v1.ListMeta", omitEmpty: true },
    { number: 2, jsonName: "items", type: "rbac.v1.ClusterRoleBinding", repeated: true },
  ],
  "rbac.v1.ClusterRoleList": [
    { number: 1, jsonName: "metadata", type: "meta.v1.ListMeta", omitEmpty: true },
    { number: 2, jsonName: "items", type: "rbac.v1.ClusterRole", repeated: true },
  ],
  "rbac.v1.PolicyRule": [
    { number: 1, jsonName: "verbs", type: "string", repeated: true },
    { number: 2, jsonName: "apiGroups", type: "string", repeated: true, omitEmpty: true },
    { number: 3, jsonName: "resources", type: "string", repeated: true, omitEmpty: true },
    { number: 4, jsonName: "resourceNames", type: "string", repeated: true, omitEmpty: true },
    { number: 5, jsonName: "nonResourceURLs", type: "string", repeated: true, omitEmpty: true },
  ],
  "rbac.v1.Role": [
    { number: 1, jsonName: "metadata", type: "meta.v1.ObjectMeta", omitEmpty: true },
    { number: 2, jsonName: "rules", type: "rbac.v1.PolicyRule", repeated: true },
  ],
  "rbac.v1.RoleBinding": [
    { number: 1, jsonName: "metadata", type: "meta.v1.ObjectMeta", omitEmpty: true },
    { number: 2, jsonName: "subjects", type: "rbac.v1.Subject", repeated: true, omitEmpty: true },
    { number: 3, jsonName: "roleRef", type: "rbac.v1.RoleRef" },
  ],
  "rbac.v1.RoleBindingList": [
    { number: 1, jsonName: "metadata", type: "meta.v1.ListMeta", omitEmpty: true },
    { number: 2, jsonName: "items", type: "rbac.v1.RoleBinding", repeated: true },
  ],
  "rbac.v1.RoleList": [
    { number: 1, jsonName: "metadata", type: "meta.v1.ListMeta", omitEmpty: true },
    { number: 2, jsonName: "items", type: "rbac.v1.Role", repeated: true },
  ],
  "rbac.v1.RoleRef": [
    { number: 1, jsonName: "apiGroup", type: "string" },
    { number: 2, jsonName: "kind", type: "string" },
    { number: 3, jsonName: "name", type: "string" },
  ],
  "rbac.v1.Subject": [
    { number: 1, jsonName: "kind", type: "string" },
    { number: 2, jsonName: "apiGroup", type: "string", omitEmpty: true },
    { number: 3, jsonName: "name", type: "string" },
    { number: 4, jsonName: "namespace", type: "string", omitEmpty: true },
  ],
};
