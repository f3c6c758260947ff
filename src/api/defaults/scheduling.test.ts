import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { applyDefaults } from "./index.ts";
import type { JsonObject } from "./fields.ts";

const cases: [kind: string, version: string, name: string, input: JsonObject, expected: JsonObject][] = [
  ["PriorityClass", "v1", "preempts lower priorities by default", { value: 1000 }, { value: 1000, preemptionPolicy: "PreemptLowerPriority" }],
  ["PriorityClass", "v1", "a given policy is kept", { value: 1000, preemptionPolicy: "Never" }, { value: 1000, preemptionPolicy: "Never" }],
];

describe("scheduling.k8s.io/v1 defaults", () => {
  for (const [kind, version, name, input, expected] of cases) {
    test(`${kind} ${version}: ${name}`, () => {
      const target = { group: "scheduling.k8s.io", version, kind };
      const obj = structuredClone(input);
      applyDefaults(target, obj);
      assert.deepEqual(obj, expected);
      applyDefaults(target, obj);
      assert.deepEqual(obj, expected, "a second pass changes nothing");
    });
  }
});
