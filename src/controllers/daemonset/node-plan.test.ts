import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "kubernetes-types/core/v1";
import { pinnedToNode, type NodeFit } from "./node-fit.ts";
import { planNodes, podsByNode } from "./node-plan.ts";
import { testPod } from "./test-pods.ts";

/** A pod pinned to node by affinity and not yet bound. */
function unbound(name: string, node: string): Pod {
  const pod = testPod(name);
  return { ...pod, spec: pinnedToNode({ containers: pod.spec?.containers ?? [] }, node) };
}

const fits: NodeFit = { shouldRun: true, shouldContinueRunning: true };
const tainted: NodeFit = { shouldRun: false, shouldContinueRunning: true };
const excluded: NodeFit = { shouldRun: false, shouldContinueRunning: false };

describe("planNodes", () => {
  const cases: Array<{ name: string; nodes: Record<string, NodeFit>; pods: Pod[]; allowSurge?: boolean; backoff?: Record<string, number>; create: string[]; delete: string[]; retryAfterMs?: number }> = [
    {
      name: "a failed pod in back-off stays until the back-off ends",
      nodes: { n1: fits, n2: fits },
      pods: [testPod("a", { node: "n1", phase: "Failed" }), testPod("b", { node: "n2", phase: "Failed" })],
      backoff: { n1: 700 },
      create: [],
      delete: ["b"],
      retryAfterMs: 700,
    },
    { name: "every fitting node without a pod gets one", nodes: { n1: fits, n2: fits, n3: excluded }, pods: [], create: ["n1", "n2"], delete: [] },
    { name: "a node with its pod is left alone", nodes: { n1: fits }, pods: [testPod("a", { node: "n1" })], create: [], delete: [] },
    { name: "pods on a node that stopped fitting go", nodes: { n1: excluded }, pods: [testPod("a", { node: "n1" })], create: [], delete: ["a"] },
    { name: "a NoSchedule taint keeps the running pod but adds none", nodes: { n1: tainted, n2: tainted }, pods: [testPod("a", { node: "n1" })], create: [], delete: [] },
    { name: "failed and succeeded pods are deleted", nodes: { n1: fits, n2: fits }, pods: [testPod("a", { node: "n1", phase: "Failed" }), testPod("b", { node: "n2", phase: "Succeeded" })], create: [], delete: ["a", "b"] },
    { name: "a pod already being deleted blocks a new one", nodes: { n1: fits }, pods: [testPod("a", { node: "n1", deleting: true })], create: [], delete: [] },
    {
      name: "extra pods go, the oldest stays",
      nodes: { n1: fits },
      pods: [testPod("young", { node: "n1", createdAt: "2026-01-02T00:00:00Z" }), testPod("old", { node: "n1", createdAt: "2026-01-01T00:00:00Z" })],
      create: [],
      delete: ["young"],
    },
    { name: "unbound pods aimed at a vanished node go", nodes: { n1: fits }, pods: [testPod("a", { node: "n1" }), unbound("ghost", "gone")], create: [], delete: ["ghost"] },
    { name: "bound pods of a vanished node are left to the pod garbage collector", nodes: { n1: fits }, pods: [testPod("a", { node: "n1" }), testPod("bound", { node: "gone" })], create: [], delete: [] },
    {
      name: "surge keeps an old ready pod beside an unready new one",
      nodes: { n1: fits },
      pods: [testPod("old", { node: "n1", hash: "old" }), testPod("new", { node: "n1", ready: false, createdAt: "2026-01-02T00:00:00Z" })],
      allowSurge: true,
      create: [],
      delete: [],
    },
    {
      name: "surge drops the old pod once the new one is ready",
      nodes: { n1: fits },
      pods: [testPod("old", { node: "n1", hash: "old" }), testPod("new", { node: "n1", createdAt: "2026-01-02T00:00:00Z" })],
      allowSurge: true,
      create: [],
      delete: ["old"],
    },
    {
      name: "without surge two pods of different revisions are one too many",
      nodes: { n1: fits },
      pods: [testPod("old", { node: "n1", hash: "old" }), testPod("new", { node: "n1", ready: false, createdAt: "2026-01-02T00:00:00Z" })],
      create: [],
      delete: ["new"],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const plan = planNodes({ fits: new Map(Object.entries(c.nodes)), podsByNode: podsByNode(c.pods), hash: "new", allowSurge: c.allowSurge ?? false, failedPodWaitMs: (node) => c.backoff?.[node] ?? 0 });
      assert.deepEqual(plan.createOn, c.create);
      assert.deepEqual(plan.deletePods.map((pod) => pod.metadata?.name).sort(), [...c.delete].sort());
      assert.equal(plan.retryAfterMs, c.retryAfterMs);
    });
  }
});
