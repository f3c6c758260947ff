import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { envFieldPaths, validateObjectFieldSelector, validateResourceFieldSelector, volumeFieldPaths } from "./downward-api.ts";
import { FieldPath, formatFieldError } from "./field-error.ts";

const path = FieldPath.of("fieldRef");

describe("validateObjectFieldSelector", () => {
  const cases: [string, Record<string, unknown>, ReadonlySet<string>, string[]][] = [
    ["pod name for env", { fieldPath: "metadata.name" }, envFieldPaths, []],
    ["a label by key", { fieldPath: "metadata.labels['app']" }, envFieldPaths, []],
    ["field path required", {}, envFieldPaths, ["fieldRef.fieldPath: Required value"]],
    [
      "unsupported version",
      { apiVersion: "v2", fieldPath: "metadata.name" },
      envFieldPaths,
      ['fieldRef.fieldPath: Invalid value: "metadata.name": error converting fieldPath: unsupported pod version: v2'],
    ],
    [
      "subscript of a plain field",
      { fieldPath: "metadata.name['x']" },
      envFieldPaths,
      ["fieldRef.fieldPath: Invalid value: \"metadata.name['x']\": error converting fieldPath: field label does not support subscript: metadata.name['x']"],
    ],
    [
      "pod IP in a volume",
      { fieldPath: "status.podIP" },
      volumeFieldPaths,
      ['fieldRef.fieldPath: Unsupported value: "status.podIP": supported values: "metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid"'],
    ],
  ];
  for (const [name, selector, allowed, expected] of cases) test(name, () => assert.deepEqual(validateObjectFieldSelector(selector, allowed, path).map(formatFieldError), expected));
});

describe("validateResourceFieldSelector", () => {
  const at = FieldPath.of("resourceFieldRef");
  const cases: [string, Record<string, unknown>, boolean, string[]][] = [
    ["cpu limit", { resource: "limits.cpu", divisor: "1m" }, false, []],
    ["volumes name the container", { resource: "limits.cpu" }, true, ["resourceFieldRef.containerName: Required value"]],
    [
      "unknown resource",
      { resource: "limits.gpu" },
      false,
      ['resourceFieldRef.resource: Unsupported value: "limits.gpu": supported values: "limits.cpu", "limits.ephemeral-storage", "limits.memory", "requests.cpu", "requests.ephemeral-storage", "requests.memory"'],
    ],
    [
      "cpu divisor",
      { resource: "requests.cpu", divisor: "2" },
      false,
      ['resourceFieldRef.divisor: Invalid value: "requests.cpu": only divisor\'s values 1m and 1 are supported with the cpu resource'],
    ],
  ];
  for (const [name, selector, inVolume, expected] of cases) test(name, () => assert.deepEqual(validateResourceFieldSelector(selector, at, inVolume).map(formatFieldError), expected));
});
