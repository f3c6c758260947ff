// Defaults of rbac.authorization.k8s.io/v1 bindings: the API group of the
// role they reference and of user and group subjects.
import { fillEmpty, isEmpty, objectAt, objectsAt } from "./fields.ts";
import type { Defaulter, JsonObject } from "./fields.ts";

const RBAC_GROUP = "rbac.authorization.k8s.io";

function defaultBinding(binding: JsonObject): void {
  const roleRef = objectAt(binding, "roleRef");
  if (roleRef) fillEmpty(roleRef, "apiGroup", RBAC_GROUP);
  for (const subject of objectsAt(binding, "subjects")) {
    // ServiceAccount subjects belong to the core group, written as no group at all.
    if (isEmpty(subject.apiGroup) && (subject.kind === "User" || subject.kind === "Group")) subject.apiGroup = RBAC_GROUP;
  }
}

export const rbacV1Defaulters: Record<string, Defaulter> = {
  ClusterRoleBinding: defaultBinding,
  RoleBinding: defaultBinding,
};
