import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { formatFieldError, type FieldError } from "./field-error.ts";
import type { JsonObject } from "./json.ts";
import { validateStorageClass, validateStorageClassUpdate } from "./storage-class.ts";

const texts = (errs: FieldError[]): string[] => errs.map(formatFieldError);
const storageClass = (extra: JsonObject): JsonObject => ({ metadata: { name: "standard" }, provisioner: "rancher.io/local-path", ...extra });

describe("StorageClass", () => {
  const cases: [string, JsonObject, string[]][] = [
    ["valid", storageClass({ reclaimPolicy: "Delete", volumeBindingMode: "WaitForFirstConsumer" }), []],
    ["provisioner required", storageClass({ provisioner: undefined }), ["provisioner: Required value"]],
    ["reclaim policy", storageClass({ reclaimPolicy: "Recycle" }), ['reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"']],
    ["binding mode", storageClass({ volumeBindingMode: "Later" }), ['volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"']],
    ["empty parameter key", storageClass({ parameters: { "": "x" } }), ['parameters: Invalid value: "": field can not be empty.']],
  ];
  for (const [name, value, expected] of cases) test(name, () => assert.deepEqual(texts(validateStorageClass(value)), expected));

  test("only metadata may change", () => {
    const old = storageClass({ parameters: { a: "1" } });
    assert.deepEqual(texts(validateStorageClassUpdate(storageClass({ parameters: { a: "2" }, provisioner: "other.io/x", reclaimPolicy: "Retain" }), old)), [
      "parameters: Forbidden: updates to parameters are forbidden.",
      "provisioner: Forbidden: updates to provisioner are forbidden.",
      "reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.",
    ]);
    assert.deepEqual(validateStorageClassUpdate(storageClass({ parameters: { a: "1" }, reclaimPolicy: "Delete" }), old), []);
  });
});
