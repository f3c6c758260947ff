import { test } from "node:test";
import assert from "node:assert/strict";
import type { PersistentVolume, PersistentVolumeClaim } from "kubernetes-types/core/v1";
import type { StorageClass } from "kubernetes-types/storage/v1";
import type { Printer } from "./printer.ts";
import { persistentVolumeClaimPrinter, persistentVolumePrinter, storageClassPrinter } from "./storage-printers.ts";
import type { TableCell } from "./table.ts";
import { NOW, ago } from "./test-fixtures.ts";

const metadata = { name: "data", creationTimestamp: ago(300) };

const cases: [name: string, printer: Printer, subject: object, cells: TableCell[]][] = [
  [
    "bound volume, modes in fixed order",
    persistentVolumePrinter,
    {
      metadata,
      spec: {
        capacity: { storage: "10Gi" },
        accessModes: ["ReadWriteMany", "ReadWriteOnce", "ReadWriteOnce"],
        persistentVolumeReclaimPolicy: "Delete",
        claimRef: { namespace: "default", name: "data-web-0" },
        storageClassName: "local",
        volumeMode: "Block",
      },
      status: { phase: "Bound" },
    } satisfies PersistentVolume,
    ["data", "10Gi", "RWO,RWX", "Delete", "Bound", "default/data-web-0", "local", "<unset>", "", "5m", "Block"],
  ],
  [
    "released volume being deleted, class from the beta annotation, defaults",
    persistentVolumePrinter,
    {
      metadata: {
        ...metadata,
        deletionTimestamp: ago(1),
        annotations: { "volume.beta.kubernetes.io/storage-class": "legacy" },
      },
      spec: { capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOncePod"], storageClassName: "local" },
      status: { phase: "Released", reason: "ClaimDeleted" },
    } satisfies PersistentVolume,
    ["data", "1Gi", "RWOP", "Retain", "Terminating", "", "legacy", "<unset>", "ClaimDeleted", "5m", "Filesystem"],
  ],
  [
    "bound claim shows the volume's capacity and modes",
    persistentVolumeClaimPrinter,
    {
      metadata,
      spec: {
        accessModes: ["ReadWriteOnce"],
        resources: { requests: { storage: "5Gi" } },
        volumeName: "pv-1",
        storageClassName: "local",
      },
      status: { phase: "Bound", capacity: { storage: "8Gi" }, accessModes: ["ReadWriteOnce", "ReadOnlyMany"] },
    } satisfies PersistentVolumeClaim,
    ["data", "Bound", "pv-1", "8Gi", "RWO,ROX", "local", "<unset>", "5m", "Filesystem"],
  ],
  [
    "pending claim leaves capacity and modes empty",
    persistentVolumeClaimPrinter,
    {
      metadata,
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "5Gi" } }, volumeAttributesClassName: "gold" },
    } satisfies PersistentVolumeClaim,
    ["data", "Pending", "", "", "", "", "gold", "5m", "Filesystem"],
  ],
  [
    "default storage class",
    storageClassPrinter,
    {
      metadata: { ...metadata, name: "local", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
      provisioner: "rancher.io/local-path",
      volumeBindingMode: "WaitForFirstConsumer",
      allowVolumeExpansion: true,
    } satisfies StorageClass,
    ["local (default)", "rancher.io/local-path", "Delete", "WaitForFirstConsumer", true, "5m"],
  ],
  [
    "plain storage class",
    storageClassPrinter,
    {
      metadata: { ...metadata, name: "slow", annotations: { "storageclass.kubernetes.io/is-default-class": "false" } },
      provisioner: "example.com/nfs",
      reclaimPolicy: "Retain",
    } satisfies StorageClass,
    ["slow", "example.com/nfs", "Retain", "Immediate", false, "5m"],
  ],
];

for (const [name, printer, subject, cells] of cases) {
  test(`storage: ${name}`, () => {
    assert.deepEqual(printer.cells(subject, NOW), cells);
  });
}
