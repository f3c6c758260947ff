// RBAC (rbac.authorization.k8s.io/v1): roles, cluster roles and their
// bindings. Names are URL path segments; a binding's roleRef never changes.
import { invalid, notSupported, required, FieldPath, type FieldError } from "./field-error.ts";
import { goRoleRef } from "./go-value.ts";
import { isObject, jsonEqual, list, obj, text, type JsonObject } from "./json.ts";
import { toSelector, validateLabelSelector } from "./label-selector.ts";
import { nameIsDNSSubdomain, nameIsPathSegment } from "./names.ts";
import { validateObjectMeta, validateObjectMetaUpdate } from "./object-meta.ts";

const rbacGroup = "rbac.authorization.k8s.io";

function validatePolicyRule(rule: JsonObject, namespaced: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (list(rule.verbs).length === 0) errs.push(required(path.child("verbs"), "verbs must contain at least one value"));
  const urls = list(rule.nonResourceURLs);
  if (urls.length > 0) {
    if (namespaced) errs.push(invalid(path.child("nonResourceURLs"), urls, "namespaced rules cannot apply to non-resource URLs"));
    if (list(rule.apiGroups).length > 0 || list(rule.resources).length > 0 || list(rule.resourceNames).length > 0) {
      errs.push(invalid(path.child("nonResourceURLs"), urls, "rules cannot apply to both regular resources and non-resource URLs"));
    }
    return errs;
  }
  if (list(rule.apiGroups).length === 0) errs.push(required(path.child("apiGroups"), "resource rules must supply at least one api group"));
  if (list(rule.resources).length === 0) errs.push(required(path.child("resources"), "resource rules must supply at least one resource"));
  return errs;
}

function validateRules(role: JsonObject, namespaced: boolean): FieldError[] {
  return list(role.rules).flatMap((r, i) => validatePolicyRule(obj(r), namespaced, FieldPath.of("rules").index(i)));
}

export function validateRole(role: JsonObject): FieldError[] {
  return [...validateObjectMeta(role.metadata, { namespaced: true, nameValidator: nameIsPathSegment }), ...validateRules(role, true)];
}

export function validateRoleUpdate(role: JsonObject, old: JsonObject): FieldError[] {
  return [...validateRole(role), ...validateObjectMetaUpdate(role.metadata, old.metadata)];
}

export function validateClusterRole(role: JsonObject): FieldError[] {
  const errs = [...validateObjectMeta(role.metadata, { namespaced: false, nameValidator: nameIsPathSegment }), ...validateRules(role, false)];
  if (isObject(role.aggregationRule)) {
    const path = FieldPath.of("aggregationRule", "clusterRoleSelectors");
    const selectors = list(role.aggregationRule.clusterRoleSelectors);
    if (selectors.length === 0) errs.push(required(path, "at least one clusterRoleSelector required if aggregationRule is non-nil"));
    selectors.forEach((s, i) => {
      errs.push(...validateLabelSelector(s, path.index(i)));
      if (toSelector(s) === undefined) errs.push(invalid(path.index(i), s, "invalid label selector."));
    });
  }
  return errs;
}

export function validateClusterRoleUpdate(role: JsonObject, old: JsonObject): FieldError[] {
  return [...validateClusterRole(role), ...validateObjectMetaUpdate(role.metadata, old.metadata)];
}

function validateSubject(subject: JsonObject, namespaced: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = text(subject.name);
  if (name === "") errs.push(required(path.child("name")));
  const apiGroup = text(subject.apiGroup);
  switch (subject.kind) {
    case "ServiceAccount":
      if (name !== "") errs.push(...nameIsDNSSubdomain(name, false).map((m) => invalid(path.child("name"), name, m)));
      if (apiGroup !== "") errs.push(notSupported(path.child("apiGroup"), apiGroup, [""]));
      if (!namespaced && text(subject.namespace) === "") errs.push(required(path.child("namespace")));
      break;
    case "User":
    case "Group":
      // The apiGroup of users and groups defaults to RBAC's own.
      if (subject.apiGroup !== undefined && apiGroup !== rbacGroup) errs.push(notSupported(path.child("apiGroup"), apiGroup, [rbacGroup]));
      break;
    default:
      errs.push(notSupported(path.child("kind"), text(subject.kind), ["ServiceAccount", "User", "Group"]));
  }
  return errs;
}

function validateBinding(binding: JsonObject, namespaced: boolean): FieldError[] {
  const errs = validateObjectMeta(binding.metadata, { namespaced, nameValidator: nameIsPathSegment });
  const ref = obj(binding.roleRef);
  const apiGroup = text(ref.apiGroup);
  if (apiGroup !== rbacGroup) errs.push(notSupported(FieldPath.of("roleRef", "apiGroup"), apiGroup, [rbacGroup]));
  const kinds = namespaced ? ["Role", "ClusterRole"] : ["ClusterRole"];
  const kind = text(ref.kind);
  if (!kinds.includes(kind)) errs.push(notSupported(FieldPath.of("roleRef", "kind"), kind, kinds));
  const name = text(ref.name);
  if (name === "") errs.push(required(FieldPath.of("roleRef", "name")));
  else errs.push(...nameIsPathSegment(name, false).map((m) => invalid(FieldPath.of("roleRef", "name"), name, m)));
  list(binding.subjects).forEach((s, i) => errs.push(...validateSubject(obj(s), namespaced, FieldPath.of("subjects").index(i))));
  return errs;
}

function validateBindingUpdate(binding: JsonObject, old: JsonObject, namespaced: boolean): FieldError[] {
  const errs = [...validateBinding(binding, namespaced), ...validateObjectMetaUpdate(binding.metadata, old.metadata)];
  if (!jsonEqual(binding.roleRef, old.roleRef)) errs.push(invalid("roleRef", goRoleRef(binding.roleRef), "cannot change roleRef"));
  return errs;
}

export const validateRoleBinding = (binding: JsonObject): FieldError[] => validateBinding(binding, true);
export const validateClusterRoleBinding = (binding: JsonObject): FieldError[] => validateBinding(binding, false);
export const validateRoleBindingUpdate = (binding: JsonObject, old: JsonObject): FieldError[] => validateBindingUpdate(binding, old, true);
export const validateClusterRoleBindingUpdate = (binding: JsonObject, old: JsonObject): FieldError[] => validateBindingUpdate(binding, old, false);
