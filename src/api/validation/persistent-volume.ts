// PersistentVolumes: access modes, storage capacity, exactly one volume
// source, and a source that never changes once created.
import { describeChanges } from "./change-summary.ts";
import { forbidden, invalid, notSupported, required, FieldPath, type FieldError } from "./field-error.ts";
import { isObject, jsonEqual, obj, str, text, type JsonObject } from "./json.ts";
import { nameIsDNSSubdomain } from "./names.ts";
import { fieldImmutableMessage, validateImmutable, validateObjectMeta, validateObjectMetaUpdate } from "./object-meta.ts";
import { validateNodeSelector } from "./pod-spec.ts";
import { validateAccessModes, volumeModes } from "./persistent-volume-claim.ts";
import { readQuantity, validatePositiveQuantity } from "./resources.ts";

const specPath = FieldPath.of("spec");
const reclaimPolicies = ["Delete", "Recycle", "Retain"];

// Upstream's order; the first one set is the source, later ones are refused.
const sourceKeys = [
  "hostPath",
  "gcePersistentDisk",
  "awsElasticBlockStore",
  "glusterfs",
  "flocker",
  "nfs",
  "rbd",
  "quobyte",
  "cephfs",
  "iscsi",
  "cinder",
  "fc",
  "flexVolume",
  "azureFile",
  "vsphereVolume",
  "photonPersistentDisk",
  "portworxVolume",
  "azureDisk",
  "scaleIO",
  "local",
  "storageos",
  "csi",
];

function validateSource(key: string, source: JsonObject, path: FieldPath): FieldError[] {
  switch (key) {
    case "hostPath":
    case "local":
      if (text(source.path) === "") return [required(path.child("path"))];
      return text(source.path).split("/").includes("..") ? [invalid(path.child("path"), text(source.path), "must not contain '..'")] : [];
    case "nfs": {
      const errs: FieldError[] = [];
      if (text(source.server) === "") errs.push(required(path.child("server")));
      if (text(source.path) === "") errs.push(required(path.child("path")));
      if (!text(source.path).startsWith("/")) errs.push(invalid(path.child("path"), text(source.path), "must be an absolute path"));
      return errs;
    }
    case "csi": {
      const errs: FieldError[] = [];
      if (text(source.driver) === "") errs.push(required(path.child("driver")));
      if (text(source.volumeHandle) === "") errs.push(required(path.child("volumeHandle")));
      return errs;
    }
    default:
      return [];
  }
}

function validatePersistentVolumeSpec(specValue: unknown): FieldError[] {
  const spec = obj(specValue);
  const errs = validateAccessModes(spec.accessModes, specPath.child("accessModes"), "");
  const capacity = obj(spec.capacity);
  const capacityPath = specPath.child("capacity");
  if (Object.keys(capacity).length === 0) errs.push(required(capacityPath));
  if (capacity.storage === undefined || Object.keys(capacity).length > 1) errs.push(notSupported(capacityPath, capacity, ["storage"]));
  for (const [name, raw] of Object.entries(capacity)) {
    const q = readQuantity(raw, capacityPath.key(name), errs);
    if (q === undefined) continue;
    if (q.sign() < 0) errs.push(invalid(capacityPath.key(name), q.toString(), "must be a valid resource quantity"));
    errs.push(...validatePositiveQuantity(q, capacityPath.key(name)));
  }
  const reclaim = text(spec.persistentVolumeReclaimPolicy);
  if (reclaim !== "" && !reclaimPolicies.includes(reclaim)) errs.push(notSupported(specPath.child("persistentVolumeReclaimPolicy"), reclaim, reclaimPolicies));
  let hasNodeAffinity = false;
  if (isObject(spec.nodeAffinity)) {
    hasNodeAffinity = true;
    const requiredTerms = spec.nodeAffinity.required;
    if (isObject(requiredTerms)) errs.push(...validateNodeSelector(requiredTerms, specPath.child("nodeAffinity", "required")));
    else errs.push(required(specPath.child("nodeAffinity", "required"), "must specify required node constraints"));
  }
  let count = 0;
  for (const key of sourceKeys) {
    const source = spec[key];
    if (!isObject(source)) continue;
    if (count > 0 && key !== "flexVolume") {
      errs.push(forbidden(specPath.child(key), "may not specify more than 1 volume type"));
      continue;
    }
    count++;
    errs.push(...validateSource(key, source, specPath.child(key)));
    if (key === "local" && !hasNodeAffinity) errs.push(required(specPath.child("nodeAffinity"), "Local volume requires node affinity"));
  }
  if (count === 0) errs.push(required(specPath, "must specify a volume type"));
  const hostPath = text(obj(spec.hostPath).path).replace(/\/+$/, "");
  if (isObject(spec.hostPath) && hostPath === "" && reclaim === "Recycle") {
    errs.push(forbidden(specPath.child("persistentVolumeReclaimPolicy"), "may not be 'recycle' for a hostPath mount of '/'"));
  }
  const className = text(spec.storageClassName);
  if (className !== "") errs.push(...nameIsDNSSubdomain(className, false).map((m) => invalid(specPath.child("storageClassName"), className, m)));
  const volumeMode = str(spec.volumeMode);
  if (volumeMode !== undefined && !volumeModes.includes(volumeMode)) errs.push(notSupported(specPath.child("volumeMode"), volumeMode, volumeModes));
  return errs;
}

export function validatePersistentVolume(volume: JsonObject): FieldError[] {
  return [...validateObjectMeta(volume.metadata, { namespaced: false, nameValidator: nameIsDNSSubdomain }), ...validatePersistentVolumeSpec(volume.spec)];
}

function sourceOf(spec: JsonObject): JsonObject {
  return Object.fromEntries(sourceKeys.filter((k) => spec[k] !== undefined).map((k) => [k, spec[k]]));
}

export function validatePersistentVolumeUpdate(volume: JsonObject, old: JsonObject): FieldError[] {
  const spec = obj(volume.spec);
  const oldSpec = obj(old.spec);
  const errs = [...validateObjectMetaUpdate(volume.metadata, old.metadata), ...validatePersistentVolume(volume)];
  const next = sourceOf(spec);
  const prev = sourceOf(oldSpec);
  // A CSI volume may gain a controllerExpandSecretRef.
  if (isObject(next.csi) && isObject(prev.csi) && prev.csi.controllerExpandSecretRef === undefined) {
    next.csi = { ...next.csi, controllerExpandSecretRef: undefined };
  }
  if (!jsonEqual(next, prev)) {
    errs.push(forbidden(FieldPath.of("spec", "persistentvolumesource"), `spec.persistentvolumesource is immutable after creation\n${describeChanges(prev, next)}`));
  }
  errs.push(...validateImmutable(str(spec.volumeMode) ?? null, str(oldSpec.volumeMode) ?? null, FieldPath.of("volumeMode")));
  if (isObject(oldSpec.nodeAffinity) && !jsonEqual(spec.nodeAffinity, oldSpec.nodeAffinity)) {
    errs.push(invalid(FieldPath.of("nodeAffinity"), spec.nodeAffinity ?? null, `${fieldImmutableMessage}, except for updating from beta label to GA`));
  }
  return errs;
}
