import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { applyDefaults } from "./index.ts";
import type { JsonObject } from "./fields.ts";

const cases: [kind: string, version: string, name: string, input: JsonObject, expected: JsonObject][] = [
  [
    "FlowSchema", "v1", "matching precedence 1000",
    { spec: { priorityLevelConfiguration: { name: "workload-low" } } },
    { spec: { priorityLevelConfiguration: { name: "workload-low" }, matchingPrecedence: 1000 } },
  ],
  [
    "PriorityLevelConfiguration", "v1", "a limited level with queuing",
    { spec: { type: "Limited", limited: { limitResponse: { type: "Queue", queuing: { queues: 16 } } } } },
    {
      spec: {
        type: "Limited",
        limited: { limitResponse: { type: "Queue", queuing: { queues: 16, handSize: 8, queueLengthLimit: 50 } }, nominalConcurrencyShares: 30, lendablePercent: 0 },
      },
    },
  ],
  [
    "PriorityLevelConfiguration", "v1", "an exempt level",
    { spec: { type: "Exempt", exempt: {} } },
    { spec: { type: "Exempt", exempt: { nominalConcurrencyShares: 0, lendablePercent: 0 } } },
  ],
];

describe("flowcontrol.apiserver.k8s.io/v1 defaults", () => {
  for (const [kind, version, name, input, expected] of cases) {
    test(`${kind} ${version}: ${name}`, () => {
      const target = { group: "flowcontrol.apiserver.k8s.io", version, kind };
      const obj = structuredClone(input);
      applyDefaults(target, obj);
      assert.deepEqual(obj, expected);
      applyDefaults(target, obj);
      assert.deepEqual(obj, expected, "a second pass changes nothing");
    });
  }
});
