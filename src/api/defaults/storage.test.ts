import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { applyDefaults } from "./index.ts";
import type { JsonObject } from "./fields.ts";

const cases: [kind: string, version: string, name: string, input: JsonObject, expected: JsonObject][] = [
  [
    "StorageClass", "v1", "dynamically provisioned volumes are deleted and bound at once",
    { provisioner: "example.com/p" },
    { provisioner: "example.com/p", reclaimPolicy: "Delete", volumeBindingMode: "Immediate" },
  ],
  [
    "StorageClass", "v1", "given values are kept",
    { provisioner: "example.com/p", reclaimPolicy: "Retain", volumeBindingMode: "WaitForFirstConsumer" },
    { provisioner: "example.com/p", reclaimPolicy: "Retain", volumeBindingMode: "WaitForFirstConsumer" },
  ],
  [
    "CSIDriver", "v1", "a CSI driver",
    { spec: { podInfoOnMount: true } },
    {
      spec: {
        podInfoOnMount: true,
        attachRequired: true,
        storageCapacity: false,
        fsGroupPolicy: "ReadWriteOnceWithFSType",
        volumeLifecycleModes: ["Persistent"],
        requiresRepublish: false,
        seLinuxMount: false,
      },
    },
  ],
  [
    "VolumeAttachment", "v1", "an inline volume spec gets its source's defaults",
    { spec: { attacher: "a", nodeName: "n", source: { inlineVolumeSpec: { rbd: { monitors: ["m"], image: "i" } } } } },
    { spec: { attacher: "a", nodeName: "n", source: { inlineVolumeSpec: { rbd: { monitors: ["m"], image: "i", pool: "rbd", user: "admin", keyring: "/etc/ceph/keyring" } } } } },
  ],
];

describe("storage.k8s.io/v1 defaults", () => {
  for (const [kind, version, name, input, expected] of cases) {
    test(`${kind} ${version}: ${name}`, () => {
      const target = { group: "storage.k8s.io", version, kind };
      const obj = structuredClone(input);
      applyDefaults(target, obj);
      assert.deepEqual(obj, expected);
      applyDefaults(target, obj);
      assert.deepEqual(obj, expected, "a second pass changes nothing");
    });
  }
});
