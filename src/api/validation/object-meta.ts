// ObjectMeta rules shared by every kind: name or generateName, namespace by
// scope, labels, annotations, owner references, finalizers; and what an
// update may not change.
import { goQuote } from "./go-value.ts";
import { FieldPath, forbidden, invalid, required, tooLong, type FieldError } from "./field-error.ts";
import { integer, isObject, jsonEqual, list, obj, stringEntries, str, text } from "./json.ts";
import { validateLabels } from "./label-selector.ts";
import { byteLength, isQualifiedName, nameIsDNSLabel, type NameValidator } from "./names.ts";

export const fieldImmutableMessage = "field is immutable";
export const isNegativeMessage = "must be greater than or equal to 0";
export const totalAnnotationSizeLimitBytes = 256 * 1024;

export interface ObjectMetaOptions {
  /** Whether the kind lives in a namespace; undefined when unknown (then not checked). */
  namespaced: boolean | undefined;
  nameValidator: NameValidator;
  /**
   * Core kinds also require unqualified finalizer names to be the standard
   * ones; custom resources and some groups use the generic rule only.
   */
  standardFinalizerNames?: boolean;
}

export function validateNonnegative(value: unknown, path: FieldPath, errs: FieldError[]): void {
  const n = integer(value, path, errs);
  if (n !== undefined && n < 0) errs.push(invalid(path, n, isNegativeMessage));
}

export function validateImmutable(value: unknown, old: unknown, path: FieldPath, shown: unknown = value): FieldError[] {
  return jsonEqual(value, old) ? [] : [invalid(path, shown, fieldImmutableMessage)];
}

export function validateAnnotations(annotations: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [key, value] of stringEntries(annotations)) {
    errs.push(...isQualifiedName(key.toLowerCase()).map((m) => invalid(path, key, m)));
    total += byteLength(key) + byteLength(value);
  }
  if (total > totalAnnotationSizeLimitBytes) errs.push(tooLong(path, totalAnnotationSizeLimitBytes));
  return errs;
}

// Kinds that may never own other objects.
const bannedOwners = new Set(["/v1, Kind=Event"]);

function splitAPIVersion(apiVersion: string): { group: string; version: string } | undefined {
  if (apiVersion === "") return { group: "", version: "" };
  const parts = apiVersion.split("/");
  if (parts.length === 1) return { group: "", version: apiVersion };
  if (parts.length === 2) return { group: parts[0] ?? "", version: parts[1] ?? "" };
  return undefined;
}

export function validateOwnerReferences(refs: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = "";
  for (const item of list(refs)) {
    const ref = obj(item);
    const apiVersion = text(ref.apiVersion);
    const kind = text(ref.kind);
    const gv = splitAPIVersion(apiVersion) ?? { group: "", version: "" };
    if (gv.version === "") errs.push(invalid(path.child("apiVersion"), apiVersion, "version must not be empty"));
    if (kind === "") errs.push(invalid(path.child("kind"), kind, "kind must not be empty"));
    if (text(ref.name) === "") errs.push(invalid(path.child("name"), text(ref.name), "name must not be empty"));
    if (text(ref.uid) === "") errs.push(invalid(path.child("uid"), text(ref.uid), "uid must not be empty"));
    const gvk = `${gv.group}/${gv.version}, Kind=${kind}`;
    if (bannedOwners.has(gvk)) errs.push(invalid(path, ref, `${gvk} is disallowed from being an owner`));
    if (ref.controller === true) {
      const current = `${kind}/${text(ref.name)}`;
      if (firstController !== "") {
        errs.push(
          invalid(path, refs, `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`),
        );
      } else {
        firstController = current;
      }
    }
  }
  return errs;
}

const standardFinalizers = new Set(["kubernetes", "orphan", "foregroundDeletion"]);

/** The core rule: an unqualified finalizer must be a standard one. */
export function validateKubeFinalizerName(name: string, path: FieldPath): FieldError[] {
  if (!name.includes("/") && !standardFinalizers.has(name)) {
    return [invalid(path, name, "name is neither a standard finalizer name nor is it fully qualified")];
  }
  return [];
}

export function validateFinalizers(finalizers: unknown, path: FieldPath, standardNames: boolean): FieldError[] {
  const names = list(finalizers).map(text);
  const errs: FieldError[] = [];
  for (const name of names) errs.push(...isQualifiedName(name).map((m) => invalid(path, name, m)));
  if (names.includes("orphan") && names.includes("foregroundDeletion")) {
    errs.push(invalid(path, names, "finalizer orphan and foregroundDeletion cannot be both set"));
  }
  if (standardNames) names.forEach((name, i) => errs.push(...validateKubeFinalizerName(name, path.index(i))));
  return errs;
}

export function validateObjectMeta(meta: unknown, opts: ObjectMetaOptions, path: FieldPath = FieldPath.of("metadata")): FieldError[] {
  const m = obj(meta);
  const errs: FieldError[] = [];
  const generateName = text(m.generateName);
  if (generateName !== "") {
    errs.push(...opts.nameValidator(generateName, true).map((msg) => invalid(path.child("generateName"), generateName, msg)));
  }
  const name = text(m.name);
  if (name === "") errs.push(required(path.child("name"), "name or generateName is required"));
  else errs.push(...opts.nameValidator(name, false).map((msg) => invalid(path.child("name"), name, msg)));
  const namespace = text(m.namespace);
  if (opts.namespaced === true) {
    if (namespace === "") errs.push(required(path.child("namespace")));
    else errs.push(...nameIsDNSLabel(namespace, false).map((msg) => invalid(path.child("namespace"), namespace, msg)));
  } else if (opts.namespaced === false && namespace !== "") {
    errs.push(forbidden(path.child("namespace"), "not allowed on this type"));
  }
  validateNonnegative(m.generation, path.child("generation"), errs);
  errs.push(...validateLabels(m.labels, path.child("labels")));
  errs.push(...validateAnnotations(m.annotations, path.child("annotations")));
  errs.push(...validateOwnerReferences(m.ownerReferences, path.child("ownerReferences")));
  errs.push(...validateFinalizers(m.finalizers, path.child("finalizers"), opts.standardFinalizerNames ?? true));
  return errs;
}

/**
 * What an update may not change. The resourceVersion precondition is the
 * REST layer's business (it fills the stored version in after validation).
 */
export function validateObjectMetaUpdate(
  meta: unknown,
  oldMeta: unknown,
  path: FieldPath = FieldPath.of("metadata"),
  standardFinalizerNames = true,
): FieldError[] {
  const m = obj(meta);
  const o = obj(oldMeta);
  const errs: FieldError[] = [];
  if (str(o.deletionTimestamp) !== undefined) {
    const before = new Set(list(o.finalizers).map(text));
    const added = [...new Set(list(m.finalizers).map(text))].filter((f) => !before.has(f)).sort();
    if (added.length > 0) {
      errs.push(
        forbidden(
          path.child("finalizers"),
          `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map(goQuote).join(", ")}}`,
        ),
      );
    }
  }
  const generation = integer(m.generation, path.child("generation"), errs) ?? 0;
  const oldGeneration = typeof o.generation === "number" ? o.generation : 0;
  if (generation < oldGeneration) errs.push(invalid(path.child("generation"), generation, "must not be decremented"));
  for (const field of ["name", "namespace", "uid", "creationTimestamp", "deletionTimestamp"] as const) {
    errs.push(...validateImmutable(text(m[field]), text(o[field]), path.child(field)));
  }
  const grace = isObject(m) && typeof m.deletionGracePeriodSeconds === "number" ? m.deletionGracePeriodSeconds : null;
  const oldGrace = typeof o.deletionGracePeriodSeconds === "number" ? o.deletionGracePeriodSeconds : null;
  errs.push(...validateImmutable(grace, oldGrace, path.child("deletionGracePeriodSeconds")));
  errs.push(...validateLabels(m.labels, path.child("labels")));
  errs.push(...validateAnnotations(m.annotations, path.child("annotations")));
  errs.push(...validateOwnerReferences(m.ownerReferences, path.child("ownerReferences")));
  if (standardFinalizerNames) {
    list(m.finalizers).forEach((f, i) => errs.push(...validateKubeFinalizerName(text(f), path.child("finalizers").index(i))));
  }
  return errs;
}

/** Embedded object metadata (claim templates): labels and annotations only. */
export function validateTemplateObjectMeta(meta: unknown, path: FieldPath): FieldError[] {
  const m = obj(meta);
  const errs = [...validateAnnotations(m.annotations, path.child("annotations")), ...validateLabels(m.labels, path.child("labels"))];
  for (const key of Object.keys(m)) {
    if (key !== "labels" && key !== "annotations" && m[key] !== undefined) errs.push(forbidden(path.child(key), "cannot be set"));
  }
  return errs;
}
