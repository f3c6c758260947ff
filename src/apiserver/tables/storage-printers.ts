// `kubectl get` for persistent volumes, claims and storage classes. Absent
// fields that upstream defaults read as their defaults.
import type { PersistentVolume, PersistentVolumeClaim } from "kubernetes-types/core/v1";
import type { StorageClass } from "kubernetes-types/storage/v1";
import { ageColumn, column, definePrinter, nameColumn, wide } from "./printer.ts";
import { since } from "./timestamps.ts";

const BETA_STORAGE_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class";
const DEFAULT_CLASS_ANNOTATIONS = [
  "storageclass.kubernetes.io/is-default-class",
  "storageclass.beta.kubernetes.io/is-default-class",
];

const ACCESS_MODE_ABBREVIATIONS: [mode: string, short: string][] = [
  ["ReadWriteOnce", "RWO"],
  ["ReadOnlyMany", "ROX"],
  ["ReadWriteMany", "RWX"],
  ["ReadWriteOncePod", "RWOP"],
];

/** A fixed order whatever the spec's order, each mode once. */
function accessModesText(modes: string[] | undefined): string {
  const present = new Set(modes ?? []);
  return ACCESS_MODE_ABBREVIATIONS.filter(([mode]) => present.has(mode))
    .map(([, short]) => short)
    .join(",");
}

export const persistentVolumePrinter = definePrinter<PersistentVolume>(
  [
    nameColumn,
    column("Capacity", "string", "Storage capacity of the volume."),
    column("Access Modes", "string", "Ways the volume can be mounted."),
    column("Reclaim Policy", "string", "What happens to the volume when its claim is released."),
    column("Status", "string", "Phase of the volume."),
    column("Claim", "string", "The claim bound to the volume."),
    column("StorageClass", "string", "Storage class of the volume."),
    column("VolumeAttributesClass", "string", "Volume attributes class of the volume."),
    column("Reason", "string", "Why the volume is in its phase."),
    ageColumn,
    column("VolumeMode", "string", "Filesystem or Block.", wide),
  ],
  (volume, now) => {
    const spec = volume.spec;
    const claim = spec?.claimRef ? `${spec.claimRef.namespace ?? ""}/${spec.claimRef.name ?? ""}` : "";
    const annotatedClass = volume.metadata?.annotations?.[BETA_STORAGE_CLASS_ANNOTATION];
    return [
      volume.metadata?.name ?? "",
      spec?.capacity?.["storage"] ?? "0",
      accessModesText(spec?.accessModes),
      spec?.persistentVolumeReclaimPolicy ?? "Retain",
      volume.metadata?.deletionTimestamp ? "Terminating" : (volume.status?.phase ?? "Pending"),
      claim,
      annotatedClass ?? spec?.storageClassName ?? "",
      spec?.volumeAttributesClassName ?? "<unset>",
      volume.status?.reason ?? "",
      since(volume.metadata?.creationTimestamp, now),
      spec?.volumeMode ?? "Filesystem",
    ];
  },
);

export const persistentVolumeClaimPrinter = definePrinter<PersistentVolumeClaim>(
  [
    nameColumn,
    column("Status", "string", "Phase of the claim."),
    column("Volume", "string", "The volume bound to the claim."),
    column("Capacity", "string", "Storage capacity of the bound volume."),
    column("Access Modes", "string", "Ways the bound volume can be mounted."),
    column("StorageClass", "string", "Storage class of the claim."),
    column("VolumeAttributesClass", "string", "Volume attributes class of the claim."),
    ageColumn,
    column("VolumeMode", "string", "Filesystem or Block.", wide),
  ],
  (claim, now) => {
    const spec = claim.spec;
    const bound = Boolean(spec?.volumeName);
    const annotatedClass = claim.metadata?.annotations?.[BETA_STORAGE_CLASS_ANNOTATION];
    return [
      claim.metadata?.name ?? "",
      claim.metadata?.deletionTimestamp ? "Terminating" : (claim.status?.phase ?? "Pending"),
      spec?.volumeName ?? "",
      bound ? (claim.status?.capacity?.["storage"] ?? "0") : "",
      bound ? accessModesText(claim.status?.accessModes) : "",
      annotatedClass ?? spec?.storageClassName ?? "",
      spec?.volumeAttributesClassName ?? "<unset>",
      since(claim.metadata?.creationTimestamp, now),
      spec?.volumeMode ?? "Filesystem",
    ];
  },
);

export const storageClassPrinter = definePrinter<StorageClass>(
  [
    nameColumn,
    column("Provisioner", "string", "The volume plugin that provisions volumes of this class."),
    column("ReclaimPolicy", "string", "Reclaim policy of volumes of this class."),
    column("VolumeBindingMode", "string", "When volumes of this class are bound."),
    column("AllowVolumeExpansion", "string", "Whether claims of this class may grow."),
    ageColumn,
  ],
  (storageClass, now) => {
    const annotations = storageClass.metadata?.annotations ?? {};
    const isDefault = DEFAULT_CLASS_ANNOTATIONS.some((key) => annotations[key] === "true");
    const name = storageClass.metadata?.name ?? "";
    return [
      isDefault ? `${name} (default)` : name,
      storageClass.provisioner,
      storageClass.reclaimPolicy ?? "Delete",
      storageClass.volumeBindingMode ?? "Immediate",
      storageClass.allowVolumeExpansion ?? false,
      since(storageClass.metadata?.creationTimestamp, now),
    ];
  },
);
