import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { formatFieldError, type FieldError } from "./field-error.ts";
import type { JsonObject } from "./json.ts";
import { validatePersistentVolume, validatePersistentVolumeUpdate } from "./persistent-volume.ts";

const texts = (errs: FieldError[]): string[] => errs.map(formatFieldError);

function volume(spec: JsonObject = { capacity: { storage: "10Gi" }, accessModes: ["ReadWriteOnce"], hostPath: { path: "/mnt/data" } }): JsonObject {
  return { metadata: { name: "pv-1" }, spec };
}

describe("PersistentVolume", () => {
  const cases: [string, JsonObject, string[]][] = [
    ["valid", volume(), []],
    ["no source", volume({ capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"] }), ["spec: Required value: must specify a volume type"]],
    [
      "two sources",
      volume({ capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"], hostPath: { path: "/a" }, nfs: { server: "s", path: "/b" } }),
      ["spec.nfs: Forbidden: may not specify more than 1 volume type"],
    ],
    [
      "capacity other than storage",
      volume({ capacity: { cpu: "1" }, accessModes: ["ReadWriteOnce"], hostPath: { path: "/a" } }),
      ['spec.capacity: Unsupported value: {"cpu":"1"}: supported values: "storage"'],
    ],
    [
      "local needs node affinity",
      volume({ capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"], local: { path: "/mnt" } }),
      ["spec.nodeAffinity: Required value: Local volume requires node affinity"],
    ],
    ["namespace not allowed", { metadata: { name: "pv", namespace: "x" }, spec: volume().spec }, ["metadata.namespace: Forbidden: not allowed on this type"]],
  ];
  for (const [name, value, expected] of cases) test(name, () => assert.deepEqual(texts(validatePersistentVolume(value)), expected));

  test("the source is immutable", () => {
    const next = volume();
    ((next.spec as JsonObject).hostPath as JsonObject).path = "/mnt/other";
    const errs = texts(validatePersistentVolumeUpdate(next, volume()));
    assert.equal(errs.length, 1);
    assert.ok(errs[0]!.startsWith("spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation\n"), errs[0]);
  });
});
