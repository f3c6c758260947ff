// CustomResourceDefinitions (apiextensions.k8s.io/v1), the structural part:
// names, group, scope, versions with one storage version and a schema each.
// Schema semantics (structural schemas, CEL rules) are not checked here.
import { invalid, notSupported, required, FieldPath, type FieldError } from "./field-error.ts";
import { isObject, list, obj, text, type JsonObject } from "./json.ts";
import { isDNS1035Label, isDNS1123Subdomain, nameIsDNSSubdomain } from "./names.ts";
import { validateImmutable, validateObjectMeta, validateObjectMetaUpdate } from "./object-meta.ts";

const specPath = FieldPath.of("spec");
const scopes = ["Cluster", "Namespaced"];

function validateNames(names: JsonObject, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const field of ["plural", "singular"]) {
    const value = text(names[field]);
    const problems = isDNS1035Label(value);
    if (value !== "" && problems.length > 0) errs.push(invalid(path.child(field), value, problems.join(",")));
  }
  for (const field of ["kind", "listKind"]) {
    const value = text(names[field]);
    const problems = isDNS1035Label(value.toLowerCase());
    if (value !== "" && problems.length > 0) errs.push(invalid(path.child(field), value, `may have mixed case, but should otherwise match: ${problems.join(",")}`));
  }
  list(names.shortNames).forEach((s, i) => {
    const problems = isDNS1035Label(text(s));
    if (problems.length > 0) errs.push(invalid(path.child("shortNames").index(i), text(s), problems.join(",")));
  });
  const kind = text(names.kind);
  if (kind !== "" && kind === text(names.listKind)) errs.push(invalid(path.child("listKind"), kind, "kind and listKind may not be the same"));
  list(names.categories).forEach((c, i) => {
    const problems = isDNS1035Label(text(c));
    if (problems.length > 0) errs.push(invalid(path.child("categories").index(i), text(c), problems.join(",")));
  });
  return errs;
}

function validateSpec(specValue: unknown): FieldError[] {
  const spec = obj(specValue);
  const errs: FieldError[] = [];
  const group = text(spec.group);
  const groupProblems = isDNS1123Subdomain(group);
  if (group === "") errs.push(required(specPath.child("group")));
  else if (groupProblems.length > 0) errs.push(invalid(specPath.child("group"), group, groupProblems.join(",")));
  else if (group.split(".").length < 2) errs.push(invalid(specPath.child("group"), group, "should be a domain with at least one dot"));
  const scope = text(spec.scope);
  if (scope === "") errs.push(required(specPath.child("scope")));
  else if (!scopes.includes(scope)) errs.push(notSupported(specPath.child("scope"), scope, scopes));
  const versions = list(spec.versions).map(obj);
  const versionsPath = specPath.child("versions");
  versions.forEach((v, i) => {
    if (!isObject(obj(v.schema).openAPIV3Schema)) errs.push(required(versionsPath.index(i).child("schema", "openAPIV3Schema"), "schemas are required"));
  });
  const seen = new Set<string>();
  let unique = true;
  let storage = 0;
  versions.forEach((v, i) => {
    const name = text(v.name);
    if (v.storage === true) storage++;
    if (seen.has(name)) unique = false;
    seen.add(name);
    const problems = isDNS1035Label(name);
    if (problems.length > 0) errs.push(invalid(versionsPath.index(i).child("name"), name, problems.join(",")));
  });
  if (!unique) errs.push(invalid(versionsPath, versions, "must contain unique version names"));
  if (storage !== 1) errs.push(invalid(versionsPath, versions, "must have exactly one version marked as storage version"));
  const names = obj(spec.names);
  for (const field of ["plural", "singular", "kind", "listKind"]) {
    if (text(names[field]) === "") errs.push(required(specPath.child("names", field)));
  }
  errs.push(...validateNames(names, specPath.child("names")));
  return errs;
}

export function validateCustomResourceDefinition(crd: JsonObject): FieldError[] {
  const spec = obj(crd.spec);
  const expectedName = `${text(obj(spec.names).plural)}.${text(spec.group)}`;
  const nameValidator = (name: string, prefix: boolean): string[] => {
    const problems = nameIsDNSSubdomain(name, prefix);
    if (name !== expectedName) problems.push('must be spec.names.plural+"."+spec.group');
    return problems;
  };
  return [...validateObjectMeta(crd.metadata, { namespaced: false, nameValidator, standardFinalizerNames: false }), ...validateSpec(crd.spec)];
}

function isEstablished(crd: JsonObject): boolean {
  return list(obj(crd.status).conditions).some((c) => obj(c).type === "Established" && obj(c).status === "True");
}

export function validateCustomResourceDefinitionUpdate(crd: JsonObject, old: JsonObject): FieldError[] {
  const spec = obj(crd.spec);
  const oldSpec = obj(old.spec);
  const errs = [...validateObjectMetaUpdate(crd.metadata, old.metadata, undefined, false), ...validateSpec(spec)];
  if (isEstablished(old)) {
    errs.push(...validateImmutable(text(spec.scope), text(oldSpec.scope), specPath.child("scope")));
    errs.push(...validateImmutable(text(obj(spec.names).kind), text(obj(oldSpec.names).kind), specPath.child("names", "kind")));
  }
  errs.push(...validateImmutable(text(spec.group), text(oldSpec.group), specPath.child("group")));
  errs.push(...validateImmutable(text(obj(spec.names).plural), text(obj(oldSpec.names).plural), specPath.child("names", "plural")));
  return errs;
}
