import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "kubernetes-types/core/v1";
import { planStatefulSet, type PlanInput } from "./plan.ts";

type State = "ready" | "pending" | "unready" | "failed" | "terminating";

/** A member at ordinal in a state, of revision "old" or "new". */
function member(ordinal: number, state: State = "ready", revision = "new"): [number, Pod] {
  return [
    ordinal,
    {
      metadata: { name: `web-${ordinal}`, labels: { "controller-revision-hash": revision, "statefulset.kubernetes.io/pod-name": `web-${ordinal}` }, ...(state === "terminating" ? { deletionTimestamp: "2026-01-01T00:00:00Z" } : {}) },
      status: {
        phase: state === "pending" ? "Pending" : state === "failed" ? "Failed" : "Running",
        conditions: [{ type: "Ready", status: state === "ready" || state === "terminating" ? "True" : "False" }],
      },
    },
  ];
}

function plan(overrides: Partial<PlanInput> & { members: Array<[number, Pod]> }): string[] {
  const { members, ...rest } = overrides;
  const input: PlanInput = {
    replicas: 3,
    start: 0,
    pods: new Map(members),
    monotonic: true,
    strategy: "RollingUpdate",
    partition: 0,
    currentRevision: "old",
    updateRevision: "new",
    revisionOf: (pod) => pod.metadata?.labels?.["controller-revision-hash"],
    minReadySeconds: 0,
    nowMs: Date.parse("2026-01-01T01:00:00Z"),
    ...rest,
  };
  return planStatefulSet(input).map((action) => {
    switch (action.kind) {
      case "create":
        return `create ${action.ordinal} ${action.revision}`;
      case "delete":
        return `delete ${action.ordinal} ${action.because}`;
      case "claims":
      case "relabel":
        return `${action.kind} ${action.ordinal}`;
    }
  });
}

describe("planStatefulSet", () => {
  const cases: Array<{ name: string; input: Parameters<typeof plan>[0]; expected: string[] }> = [
    { name: "OrderedReady starts with ordinal 0", input: { members: [] }, expected: ["create 0 update"] },
    { name: "OrderedReady waits for a pending predecessor (and restores its claims)", input: { members: [member(0, "pending")] }, expected: ["claims 0"] },
    { name: "OrderedReady waits for an unready predecessor", input: { members: [member(0, "unready")] }, expected: [] },
    { name: "OrderedReady creates the next once predecessors are ready", input: { members: [member(0)] }, expected: ["create 1 update"] },
    { name: "Parallel creates every missing member at once", input: { members: [member(1, "pending")], monotonic: false }, expected: ["create 0 update", "claims 1", "create 2 update"] },
    { name: "ordinals start where spec.ordinals.start says", input: { members: [member(5)], start: 5, replicas: 2 }, expected: ["create 6 update"] },
    { name: "a failed member is deleted for recreation", input: { members: [member(0), member(1, "failed"), member(2)] }, expected: ["delete 1 failed"] },
    { name: "OrderedReady scales down from the highest ordinal, one at a time", input: { members: [member(0), member(1), member(2)], replicas: 1 }, expected: ["delete 2 condemned"] },
    { name: "OrderedReady waits for a terminating condemned pod", input: { members: [member(0), member(1), member(2, "terminating")], replicas: 1 }, expected: [] },
    { name: "Parallel scales down every condemned pod at once", input: { members: [member(0), member(1), member(2)], replicas: 1, monotonic: false }, expected: ["delete 2 condemned", "delete 1 condemned"] },
    { name: "an unhealthy member blocks an ordered scale-down", input: { members: [member(0, "unready"), member(1), member(2)], replicas: 1 }, expected: [] },
    { name: "an unhealthy condemned pod waits while a lower one is unhealthy", input: { members: [member(0), member(1, "unready"), member(2, "unready")], replicas: 1 }, expected: [] },
    { name: "an unhealthy highest condemned pod that is the first unhealthy goes", input: { members: [member(0), member(1), member(2, "unready")], replicas: 2 }, expected: ["delete 2 condemned"] },
    { name: "rolling update starts at the highest ordinal", input: { members: [member(0, "ready", "old"), member(1, "ready", "old"), member(2, "ready", "old")] }, expected: ["delete 2 update"] },
    { name: "rolling update continues downwards once the higher ones are updated", input: { members: [member(0, "ready", "old"), member(1, "ready", "old"), member(2)] }, expected: ["delete 1 update"] },
    { name: "rolling update waits for an updated member to become ready", input: { members: [member(0, "ready", "old"), member(1, "ready", "old"), member(2, "unready")], monotonic: false }, expected: [] },
    { name: "partition keeps lower ordinals at the old revision", input: { members: [member(0, "ready", "old"), member(1), member(2)], partition: 1 }, expected: [] },
    { name: "partition: a recreated member below it gets the current revision", input: { members: [member(1), member(2)], partition: 1 }, expected: ["create 0 current"] },
    { name: "OnDelete never deletes for an update", input: { members: [member(0, "ready", "old"), member(1, "ready", "old"), member(2, "ready", "old")], strategy: "OnDelete" }, expected: [] },
    { name: "OnDelete recreates deleted members at the update revision", input: { members: [member(0, "ready", "old"), member(2, "ready", "old")], strategy: "OnDelete", monotonic: false }, expected: ["create 1 update"] },
    { name: "a member that lost its pod-name label gets it back", input: { members: [member(0), [1, { ...member(1)[1], metadata: { name: "web-1", labels: { "controller-revision-hash": "new" } } }], member(2)] }, expected: ["relabel 1"] },
    { name: "everything in order: nothing to do", input: { members: [member(0), member(1), member(2)] }, expected: [] },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(plan(c.input), c.expected));
});
