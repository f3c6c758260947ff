// Defaults of volume sources, shared by pod volumes, persistent volumes and
// the claim templates of StatefulSets and ephemeral volumes.
import { ensureObject, fillEmpty, fillUnset, isUnset, objectAt, objectsAt } from "./fields.ts";
import type { JsonObject } from "./fields.ts";

/** Octal 0644, the file mode of projected files when none is given. */
const DEFAULT_FILE_MODE = 0o644;
const SERVICE_ACCOUNT_TOKEN_SECONDS = 3600;

/** Every source a pod volume can name; a volume naming none is an emptyDir. */
const VOLUME_SOURCE_FIELDS = [
  "hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "secret", "nfs", "iscsi",
  "glusterfs", "persistentVolumeClaim", "rbd", "flexVolume", "cinder", "cephfs", "flocker", "downwardAPI", "fc",
  "azureFile", "configMap", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "projected",
  "portworxVolume", "scaleIO", "storageos", "csi", "ephemeral", "image",
] as const;

/** apiVersion of a fieldRef (env valueFrom, downward API items) defaults to v1. */
export function defaultObjectFieldSelector(holder: JsonObject): void {
  const fieldRef = objectAt(holder, "fieldRef");
  if (fieldRef) fillEmpty(fieldRef, "apiVersion", "v1");
}

function defaultDownwardApiItems(source: JsonObject): void {
  for (const item of objectsAt(source, "items")) defaultObjectFieldSelector(item);
}

/** Sources that a pod volume and a persistent volume share, with the same defaults. */
function defaultSharedSources(source: JsonObject): void {
  const rbd = objectAt(source, "rbd");
  if (rbd) {
    fillEmpty(rbd, "pool", "rbd");
    fillEmpty(rbd, "user", "admin");
    fillEmpty(rbd, "keyring", "/etc/ceph/keyring");
  }
  const iscsi = objectAt(source, "iscsi");
  if (iscsi) fillEmpty(iscsi, "iscsiInterface", "default");
  const azureDisk = objectAt(source, "azureDisk");
  if (azureDisk) {
    fillUnset(azureDisk, "cachingMode", "ReadWrite");
    fillUnset(azureDisk, "fsType", "ext4");
    fillUnset(azureDisk, "readOnly", false);
    fillUnset(azureDisk, "kind", "Shared");
  }
  const scaleIO = objectAt(source, "scaleIO");
  if (scaleIO) {
    fillEmpty(scaleIO, "storageMode", "ThinProvisioned");
    fillEmpty(scaleIO, "fsType", "xfs");
  }
}

export function defaultPersistentVolumeClaimSpec(spec: JsonObject): void {
  fillUnset(spec, "volumeMode", "Filesystem");
}

/** A persistent volume's source fields, which sit directly in its spec. */
export function defaultPersistentVolumeSource(spec: JsonObject): void {
  defaultSharedSources(spec);
}

/** One entry of a pod's spec.volumes. */
export function defaultVolume(volume: JsonObject): void {
  if (VOLUME_SOURCE_FIELDS.every((field) => isUnset(volume[field]))) {
    volume.emptyDir = {};
  }
  defaultSharedSources(volume);
  const hostPath = objectAt(volume, "hostPath");
  if (hostPath) fillUnset(hostPath, "type", "");
  for (const field of ["secret", "configMap"]) {
    const source = objectAt(volume, field);
    if (source) fillUnset(source, "defaultMode", DEFAULT_FILE_MODE);
  }
  const downwardAPI = objectAt(volume, "downwardAPI");
  if (downwardAPI) {
    fillUnset(downwardAPI, "defaultMode", DEFAULT_FILE_MODE);
    defaultDownwardApiItems(downwardAPI);
  }
  const projected = objectAt(volume, "projected");
  if (projected) {
    fillUnset(projected, "defaultMode", DEFAULT_FILE_MODE);
    for (const source of objectsAt(projected, "sources")) {
      const items = objectAt(source, "downwardAPI");
      if (items) defaultDownwardApiItems(items);
      const token = objectAt(source, "serviceAccountToken");
      if (token) fillUnset(token, "expirationSeconds", SERVICE_ACCOUNT_TOKEN_SECONDS);
    }
  }
  const claimTemplate = objectAt(objectAt(volume, "ephemeral") ?? {}, "volumeClaimTemplate");
  const claimSpec = claimTemplate && ensureObject(claimTemplate, "spec");
  if (claimSpec) defaultPersistentVolumeClaimSpec(claimSpec);
}
