import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { formatFieldError, type FieldError } from "./field-error.ts";
import type { JsonObject } from "./json.ts";
import { validatePersistentVolumeClaim, validatePersistentVolumeClaimUpdate } from "./persistent-volume-claim.ts";

const texts = (errs: FieldError[]): string[] => errs.map(formatFieldError);

function claim(spec: JsonObject = { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } }): JsonObject {
  return { metadata: { name: "data", namespace: "default" }, spec };
}

describe("PersistentVolumeClaim", () => {
  const cases: [string, JsonObject, string[]][] = [
    ["valid", claim(), []],
    [
      "access modes and storage required",
      claim({}),
      ["spec.accessModes: Required value: at least 1 access mode is required", "spec.resources[storage]: Required value"],
    ],
    [
      "unknown access mode",
      claim({ accessModes: ["ReadWriteSometimes"], resources: { requests: { storage: "1Gi" } } }),
      ['spec.accessModes: Unsupported value: "ReadWriteSometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"'],
    ],
    [
      "ReadWriteOncePod alone",
      claim({ accessModes: ["ReadWriteOncePod", "ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } }),
      ["spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes"],
    ],
    ["zero storage", claim({ accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "0" } } }), ['spec.resources[storage]: Invalid value: "0": must be greater than zero']],
    [
      "volume mode",
      claim({ accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } }, volumeMode: "Raw" }),
      ['spec.volumeMode: Unsupported value: "Raw": supported values: "Block", "Filesystem"'],
    ],
  ];
  for (const [name, value, expected] of cases) test(name, () => assert.deepEqual(texts(validatePersistentVolumeClaim(value)), expected));

  test("a bound claim may grow but not shrink", () => {
    const old: JsonObject = { ...claim(), status: { phase: "Bound" } };
    const grown = structuredClone(old);
    (((grown.spec as JsonObject).resources as JsonObject).requests as JsonObject).storage = "2Gi";
    assert.deepEqual(validatePersistentVolumeClaimUpdate(grown, old), []);
    const shrunk = structuredClone(old);
    (((shrunk.spec as JsonObject).resources as JsonObject).requests as JsonObject).storage = "500Mi";
    assert.deepEqual(texts(validatePersistentVolumeClaimUpdate(shrunk, old)), ["spec.resources.requests.storage: Forbidden: field can not be less than previous value"]);
  });

  test("the binder sets volumeName once; other spec changes are forbidden", () => {
    const old = claim();
    const bound = structuredClone(old);
    (bound.spec as JsonObject).volumeName = "pv-1";
    assert.deepEqual(validatePersistentVolumeClaimUpdate(bound, old), []);
    const changed = structuredClone(bound);
    (changed.spec as JsonObject).accessModes = ["ReadWriteMany"];
    const errs = texts(validatePersistentVolumeClaimUpdate(changed, bound));
    assert.equal(errs.length, 1);
    assert.ok(errs[0]!.startsWith("spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n"), errs[0]);
  });
});
