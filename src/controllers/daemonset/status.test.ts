import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { DaemonSet } from "kubernetes-types/apps/v1";
import type { Pod } from "kubernetes-types/core/v1";
import type { NodeFit } from "./node-fit.ts";
import { podsByNode } from "./node-plan.ts";
import { daemonSetStatus, isPodUpdated } from "./status.ts";
import { testPod } from "./test-pods.ts";

const fits: NodeFit = { shouldRun: true, shouldContinueRunning: true };
const excluded: NodeFit = { shouldRun: false, shouldContinueRunning: false };

function ds(minReadySeconds = 0): DaemonSet {
  return { metadata: { name: "d", namespace: "default", generation: 4 }, spec: { minReadySeconds, selector: { matchLabels: { app: "d" } }, template: { spec: { containers: [] } } } };
}

describe("daemonSetStatus", () => {
  const cases: Array<{ name: string; nodes: Record<string, NodeFit>; pods: Pod[]; minReadySeconds?: number; expected: Record<string, number> }> = [
    {
      name: "all scheduled, ready and current",
      nodes: { n1: fits, n2: fits },
      pods: [testPod("a", { node: "n1" }), testPod("b", { node: "n2" })],
      expected: { desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 2, numberAvailable: 2, updatedNumberScheduled: 2, numberMisscheduled: 0, numberUnavailable: 0 },
    },
    {
      name: "a missing pod, an unready pod, an old pod and a misscheduled one",
      nodes: { n1: fits, n2: fits, n3: fits, n4: fits, n5: excluded },
      pods: [testPod("a", { node: "n1", ready: false }), testPod("b", { node: "n2", hash: "old" }), testPod("c", { node: "n3" }), testPod("e", { node: "n5" })],
      expected: { desiredNumberScheduled: 4, currentNumberScheduled: 3, numberReady: 2, numberAvailable: 2, updatedNumberScheduled: 2, numberMisscheduled: 1, numberUnavailable: 2 },
    },
    {
      name: "ready but not yet available under minReadySeconds",
      nodes: { n1: fits },
      pods: [testPod("a", { node: "n1" })],
      minReadySeconds: 7200,
      expected: { desiredNumberScheduled: 1, currentNumberScheduled: 1, numberReady: 1, numberAvailable: 0, updatedNumberScheduled: 1, numberMisscheduled: 0, numberUnavailable: 1 },
    },
    {
      name: "the oldest pod on a node is the one counted",
      nodes: { n1: fits },
      pods: [testPod("young", { node: "n1", createdAt: "2026-01-02T00:00:00Z" }), testPod("old", { node: "n1", hash: "old", ready: false })],
      expected: { desiredNumberScheduled: 1, currentNumberScheduled: 1, numberReady: 0, numberAvailable: 0, updatedNumberScheduled: 0, numberMisscheduled: 0, numberUnavailable: 1 },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const status = daemonSetStatus({ ds: ds(c.minReadySeconds), fits: new Map(Object.entries(c.nodes)), podsByNode: podsByNode(c.pods), hash: "new", nowMs: Date.parse("2026-01-01T01:00:00Z") });
      assert.deepEqual(status, { ...c.expected, observedGeneration: 4 });
    });
  }
});

describe("isPodUpdated", () => {
  const labelled = (labels: Record<string, string>): Pod => ({ metadata: { labels } });
  const cases: Array<{ name: string; pod: Pod; updated: boolean }> = [
    { name: "hash matches", pod: labelled({ "controller-revision-hash": "h1" }), updated: true },
    { name: "template generation matches", pod: labelled({ "controller-revision-hash": "h0", "pod-template-generation": "3" }), updated: true },
    { name: "neither matches", pod: labelled({ "controller-revision-hash": "h0", "pod-template-generation": "2" }), updated: false },
  ];
  for (const c of cases) test(c.name, () => assert.equal(isPodUpdated(c.pod, "h1", "3"), c.updated));
});
