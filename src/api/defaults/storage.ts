// Defaults of storage.k8s.io/v1.
import { ensureObject, fillUnset, isEmptyList, objectAt } from "./fields.ts";
import type { Defaulter, JsonObject } from "./fields.ts";
import { defaultPersistentVolumeSource } from "./volume-sources.ts";

function defaultStorageClass(storageClass: JsonObject): void {
  fillUnset(storageClass, "reclaimPolicy", "Delete");
  fillUnset(storageClass, "volumeBindingMode", "Immediate");
}

function defaultCsiDriver(driver: JsonObject): void {
  const spec = ensureObject(driver, "spec");
  if (!spec) return;
  fillUnset(spec, "attachRequired", true);
  fillUnset(spec, "podInfoOnMount", false);
  fillUnset(spec, "storageCapacity", false);
  fillUnset(spec, "fsGroupPolicy", "ReadWriteOnceWithFSType");
  if (isEmptyList(spec.volumeLifecycleModes)) spec.volumeLifecycleModes = ["Persistent"];
  fillUnset(spec, "requiresRepublish", false);
  fillUnset(spec, "seLinuxMount", false);
}

/** An inline volume spec gets its sources' defaults, not a PersistentVolume's own. */
function defaultVolumeAttachment(attachment: JsonObject): void {
  const source = objectAt(objectAt(attachment, "spec") ?? {}, "source");
  const inline = source && objectAt(source, "inlineVolumeSpec");
  if (inline) defaultPersistentVolumeSource(inline);
}

export const storageV1Defaulters: Record<string, Defaulter> = {
  CSIDriver: defaultCsiDriver,
  StorageClass: defaultStorageClass,
  VolumeAttachment: defaultVolumeAttachment,
};
