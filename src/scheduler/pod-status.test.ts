import { test } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "kubernetes-types/core/v1";
import { unscheduledStatusPatch } from "./pod-status.ts";
import { makePod } from "./testing/objects.ts";

const now = new Date("2026-01-02T03:04:05.678Z");
const withCondition = (message: string, nominatedNodeName?: string): Pod => ({
  ...makePod("p"),
  status: {
    conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message, lastTransitionTime: "2026-01-01T00:00:00Z" }],
    ...(nominatedNodeName === undefined ? {} : { nominatedNodeName }),
  },
});

const cases: { name: string; pod: Pod; message: string; nominated?: string; want: unknown }[] = [
  {
    name: "first failure writes the condition with whole seconds",
    pod: makePod("p"),
    message: "0/1 nodes are available: 1 Insufficient cpu.",
    want: { status: { conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: "0/1 nodes are available: 1 Insufficient cpu.", lastProbeTime: null, lastTransitionTime: "2026-01-02T03:04:05Z" }] } },
  },
  { name: "the same failure again writes nothing", pod: withCondition("same"), message: "same", want: undefined },
  {
    name: "a new message keeps the transition time",
    pod: withCondition("old"),
    message: "new",
    want: { status: { conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: "new", lastProbeTime: null, lastTransitionTime: "2026-01-01T00:00:00Z" }] } },
  },
  {
    name: "a new nomination is written even when the message is the same",
    pod: withCondition("same"),
    message: "same",
    nominated: "n1",
    want: { status: { conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: "same", lastProbeTime: null, lastTransitionTime: "2026-01-01T00:00:00Z" }], nominatedNodeName: "n1" } },
  },
  { name: "an unchanged nomination writes nothing", pod: withCondition("same", "n1"), message: "same", nominated: "n1", want: undefined },
];

for (const { name, pod, message, nominated, want } of cases) {
  test(`unscheduledStatusPatch: ${name}`, () => assert.deepEqual(unscheduledStatusPatch(pod, "Unschedulable", message, nominated, now), want));
}
