import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { formatFieldError, type FieldError } from "./field-error.ts";
import type { JsonObject } from "./json.ts";
import { validatePriorityClass, validatePriorityClassUpdate } from "./priority-class.ts";

const texts = (errs: FieldError[]): string[] => errs.map(formatFieldError);
const priorityClass = (name: string, value: unknown, extra: JsonObject = {}): JsonObject => ({ metadata: { name }, value, ...extra });

describe("PriorityClass", () => {
  const cases: [string, JsonObject, string[]][] = [
    ["valid", priorityClass("high", 1000000), []],
    ["the highest user value", priorityClass("top", 1000000000), []],
    ["above user values", priorityClass("top", 1000000001), ["value: Forbidden: maximum allowed value of a user defined priority is 1000000000"]],
    ["known system class", priorityClass("system-node-critical", 2000001000), []],
    [
      "unknown system class",
      priorityClass("system-mine", 10),
      ["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class"],
    ],
    [
      "system class with the wrong value",
      priorityClass("system-cluster-critical", 10),
      ["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: value of system-cluster-critical PriorityClass must be 2000000000"],
    ],
    [
      "preemption policy",
      priorityClass("p", 1, { preemptionPolicy: "Always" }),
      ['preemptionPolicy: Unsupported value: "Always": supported values: "PreemptLowerPriority", "Never"'],
    ],
  ];
  for (const [name, value, expected] of cases) test(name, () => assert.deepEqual(texts(validatePriorityClass(value)), expected));

  test("the value never changes", () => {
    assert.deepEqual(texts(validatePriorityClassUpdate(priorityClass("p", 2), priorityClass("p", 1))), ["value: Forbidden: may not be changed in an update."]);
    assert.deepEqual(validatePriorityClassUpdate(priorityClass("p", 1, { description: "new" }), priorityClass("p", 1)), []);
  });
});
