// PersistentVolumeClaims, and the claim spec shared with ephemeral volumes
// and StatefulSet volumeClaimTemplates.
import { describeChanges } from "./change-summary.ts";
import { forbidden, invalid, notSupported, required, FieldPath, type FieldError } from "./field-error.ts";
import { isObject, obj, list, str, text, jsonEqual, type JsonObject } from "./json.ts";
import { validateLabelSelector } from "./label-selector.ts";
import { isDNS1123Subdomain, nameIsDNSLabel, nameIsDNSSubdomain } from "./names.ts";
import { GoLiteral } from "./go-value.ts";
import { validateImmutable, validateObjectMeta, validateObjectMetaUpdate } from "./object-meta.ts";
import { readQuantity, validatePositiveQuantity, validateResourceQuantityValue } from "./resources.ts";

export const accessModes = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"];
export const volumeModes = ["Block", "Filesystem"];
const betaStorageClassAnnotation = "volume.beta.kubernetes.io/storage-class";

export function validateAccessModes(modes: unknown, path: FieldPath, requiredDetail: string): FieldError[] {
  const errs: FieldError[] = [];
  const values = list(modes).map(text);
  if (values.length === 0) errs.push(required(path, requiredDetail));
  let oncePod = false;
  let others = false;
  for (const mode of values) {
    if (!accessModes.includes(mode)) errs.push(notSupported(path, mode, accessModes));
    if (mode === "ReadWriteOncePod") oncePod = true;
    else if (accessModes.includes(mode)) others = true;
  }
  if (oncePod && others) errs.push(forbidden(path, "may not use ReadWriteOncePod with other access modes"));
  return errs;
}

function validateDataSource(source: JsonObject, path: FieldPath, withNamespace: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (text(source.name) === "") errs.push(required(path.child("name")));
  if (text(source.kind) === "") errs.push(required(path.child("kind")));
  const apiGroup = text(source.apiGroup);
  if (apiGroup === "" && text(source.kind) !== "PersistentVolumeClaim") {
    errs.push(invalid(path, text(source.kind), "must be 'PersistentVolumeClaim' when referencing the default apiGroup"));
  }
  if (apiGroup !== "") errs.push(...isDNS1123Subdomain(apiGroup).map((m) => invalid(path.child("apiGroup"), apiGroup, m)));
  const namespace = text(source.namespace);
  if (withNamespace && namespace !== "") {
    errs.push(...nameIsDNSLabel(namespace, false).map((m) => invalid(path.child("namespace"), namespace, m)));
  }
  return errs;
}

export function validatePersistentVolumeClaimSpec(specValue: unknown, path: FieldPath): FieldError[] {
  const spec = obj(specValue);
  const errs = validateAccessModes(spec.accessModes, path.child("accessModes"), "at least 1 access mode is required");
  if (isObject(spec.selector)) errs.push(...validateLabelSelector(spec.selector, path.child("selector")));
  const storagePath = path.child("resources").key("storage");
  const requests = obj(obj(spec.resources).requests);
  if (requests.storage === undefined) {
    errs.push(required(storagePath));
  } else {
    const storage = readQuantity(requests.storage, storagePath, errs);
    if (storage !== undefined) {
      const positive = validatePositiveQuantity(storage, storagePath);
      errs.push(...(positive.length > 0 ? positive : validateResourceQuantityValue("storage", storage, storagePath)));
    }
  }
  const className = text(spec.storageClassName);
  if (className !== "") errs.push(...nameIsDNSSubdomain(className, false).map((m) => invalid(path.child("storageClassName"), className, m)));
  const volumeMode = str(spec.volumeMode);
  if (volumeMode !== undefined && !volumeModes.includes(volumeMode)) errs.push(notSupported(path.child("volumeMode"), volumeMode, volumeModes));
  if (isObject(spec.dataSource)) errs.push(...validateDataSource(spec.dataSource, path.child("dataSource"), false));
  if (isObject(spec.dataSourceRef)) errs.push(...validateDataSource(spec.dataSourceRef, path.child("dataSourceRef"), true));
  const refNamespace = text(obj(spec.dataSourceRef).namespace);
  if (refNamespace !== "") {
    if (isObject(spec.dataSource)) errs.push(invalid(path, new GoLiteral(path.child("dataSource").toString()), "may not be specified when dataSourceRef.namespace is specified"));
  } else if (isObject(spec.dataSource) && isObject(spec.dataSourceRef)) {
    const a = spec.dataSource;
    const b = spec.dataSourceRef;
    if (text(a.apiGroup) !== text(b.apiGroup) || text(a.kind) !== text(b.kind) || text(a.name) !== text(b.name)) {
      errs.push(invalid(path, new GoLiteral(path.child("dataSource").toString()), "must match dataSourceRef"));
    }
  }
  return errs;
}

export function validatePersistentVolumeClaim(claim: JsonObject): FieldError[] {
  return [
    ...validateObjectMeta(claim.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain }),
    ...validatePersistentVolumeClaimSpec(claim.spec, FieldPath.of("spec")),
  ];
}

export function validatePersistentVolumeClaimUpdate(claim: JsonObject, old: JsonObject): FieldError[] {
  const errs = [...validateObjectMetaUpdate(claim.metadata, old.metadata), ...validatePersistentVolumeClaim(claim)];
  const newSpec = structuredClone(obj(claim.spec));
  const oldSpec = structuredClone(obj(old.spec));
  // The binder sets volumeName once.
  if (text(oldSpec.volumeName) === "") oldSpec.volumeName = newSpec.volumeName;
  // A claim created without a class may get one, matching the old beta annotation if any.
  const oldAnnotation = str(obj(obj(old.metadata).annotations)[betaStorageClassAnnotation]);
  if (oldSpec.storageClassName === undefined && typeof newSpec.storageClassName === "string") {
    if (oldAnnotation === undefined || oldAnnotation === newSpec.storageClassName) oldSpec.storageClassName = newSpec.storageClassName;
  }
  const bound = text(obj(claim.status).phase) === "Bound";
  if (bound && isObject(newSpec.resources) && isObject(newSpec.resources.requests)) {
    newSpec.resources.requests.storage = obj(obj(oldSpec.resources).requests).storage;
  }
  if (!jsonEqual(newSpec, oldSpec)) {
    errs.push(
      forbidden(
        "spec",
        `spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n${describeChanges(oldSpec, newSpec)}`,
      ),
    );
  }
  const sizeErrs: FieldError[] = [];
  const oldSize = readQuantity(obj(obj(obj(old.spec).resources).requests).storage ?? "0", FieldPath.of("spec"), sizeErrs);
  const newSize = readQuantity(obj(obj(obj(claim.spec).resources).requests).storage ?? "0", FieldPath.of("spec"), sizeErrs);
  if (oldSize !== undefined && newSize !== undefined && newSize.cmp(oldSize) < 0) {
    errs.push(forbidden(FieldPath.of("spec", "resources", "requests", "storage"), "field can not be less than previous value"));
  }
  errs.push(...validateImmutable(str(obj(claim.spec).volumeMode) ?? null, str(obj(old.spec).volumeMode) ?? null, FieldPath.of("volumeMode")));
  return errs;
}
