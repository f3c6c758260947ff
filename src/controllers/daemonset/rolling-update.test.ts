import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "kubernetes-types/core/v1";
import { podsByNode } from "./node-plan.ts";
import { daemonFenceposts, rollingUpdateStep, type Fenceposts } from "./rolling-update.ts";
import { testPod } from "./test-pods.ts";

describe("daemonFenceposts", () => {
  const cases: Array<{ surge?: number | string; unavailable?: number | string; desired: number; expected: Fenceposts }> = [
    { desired: 3, expected: { maxSurge: 0, maxUnavailable: 1 } },
    { unavailable: "50%", desired: 3, expected: { maxSurge: 0, maxUnavailable: 2 } },
    { surge: "10%", unavailable: 0, desired: 3, expected: { maxSurge: 1, maxUnavailable: 0 } },
    { surge: 0, unavailable: 0, desired: 3, expected: { maxSurge: 0, maxUnavailable: 1 } },
    { surge: 0, unavailable: "10%", desired: 0, expected: { maxSurge: 0, maxUnavailable: 0 } },
  ];
  for (const c of cases) test(`surge ${String(c.surge)} unavailable ${String(c.unavailable)} of ${c.desired}`, () => assert.deepEqual(daemonFenceposts(c.surge, c.unavailable, c.desired), c.expected));
});

describe("rollingUpdateStep", () => {
  const old = (name: string, node: string, ready = true) => testPod(name, { node, hash: "old", ready });
  const fresh = (name: string, node: string, ready = true) => testPod(name, { node, hash: "new", ready });
  const cases: Array<{ name: string; pods: Pod[]; empty?: string[]; leaving?: string[]; fenceposts: Fenceposts; delete: string[]; create: string[] }> = [
    {
      name: "surge keeps an available old pod on a node that stopped fitting while it is needed",
      pods: [old("a", "n1"), fresh("b", "n2", false)],
      leaving: ["n1"],
      fenceposts: { maxSurge: 1, maxUnavailable: 0 },
      delete: [],
      create: [],
    },
    {
      name: "surge drops it once the fitting nodes have available pods",
      pods: [old("a", "n1"), fresh("b", "n2")],
      leaving: ["n1"],
      fenceposts: { maxSurge: 1, maxUnavailable: 0 },
      delete: ["a"],
      create: [],
    },
    {
      name: "surge drops an unavailable old pod on a node that stopped fitting at once",
      pods: [old("a", "n1", false), fresh("b", "n2", false)],
      leaving: ["n1"],
      fenceposts: { maxSurge: 1, maxUnavailable: 0 },
      delete: ["a"],
      create: [],
    },
    { name: "one old pod at a time", pods: [old("a", "n1"), old("b", "n2"), old("c", "n3")], fenceposts: { maxSurge: 0, maxUnavailable: 1 }, delete: ["a"], create: [] },
    { name: "two at a time with maxUnavailable 2", pods: [old("a", "n1"), old("b", "n2"), old("c", "n3")], fenceposts: { maxSurge: 0, maxUnavailable: 2 }, delete: ["a", "b"], create: [] },
    { name: "an unready new pod uses up the budget", pods: [fresh("a", "n1", false), old("b", "n2"), old("c", "n3")], fenceposts: { maxSurge: 0, maxUnavailable: 1 }, delete: [], create: [] },
    { name: "a node waiting for its new pod counts as unavailable", pods: [old("b", "n2"), old("c", "n3")], empty: ["n1"], fenceposts: { maxSurge: 0, maxUnavailable: 1 }, delete: [], create: [] },
    { name: "unavailable old pods are replaced regardless", pods: [fresh("a", "n1", false), old("b", "n2", false), old("c", "n3")], fenceposts: { maxSurge: 0, maxUnavailable: 1 }, delete: ["b"], create: [] },
    { name: "done when every pod is new and available", pods: [fresh("a", "n1"), fresh("b", "n2")], fenceposts: { maxSurge: 0, maxUnavailable: 1 }, delete: [], create: [] },
    { name: "surge creates beside old pods up to maxSurge", pods: [old("a", "n1"), old("b", "n2"), old("c", "n3")], fenceposts: { maxSurge: 2, maxUnavailable: 0 }, delete: [], create: ["n1", "n2"] },
    { name: "surge deletes the old pod once the new one is available", pods: [old("a", "n1"), fresh("a2", "n1"), old("b", "n2")], fenceposts: { maxSurge: 1, maxUnavailable: 0 }, delete: ["a"], create: ["n2"] },
    { name: "a surging node holds the budget", pods: [old("a", "n1"), fresh("a2", "n1", false), old("b", "n2")], fenceposts: { maxSurge: 1, maxUnavailable: 0 }, delete: [], create: [] },
    { name: "surge replaces an unavailable old pod at once", pods: [old("a", "n1"), fresh("a2", "n1", false), old("b", "n2", false)], fenceposts: { maxSurge: 1, maxUnavailable: 0 }, delete: [], create: ["n2"] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const byNode = podsByNode(c.pods) as Map<string, readonly Pod[]>;
      for (const node of c.empty ?? []) byNode.set(node, []);
      const step = rollingUpdateStep({
        podsByNode: byNode,
        shouldRun: (node) => !(c.leaving ?? []).includes(node),
        isUpdated: (pod) => pod.metadata?.labels?.["controller-revision-hash"] === "new",
        fenceposts: c.fenceposts,
        minReadySeconds: 0,
        nowMs: Date.parse("2026-01-01T01:00:00Z"),
      });
      assert.deepEqual(step.deletePods.map((pod) => pod.metadata?.name), c.delete);
      assert.deepEqual(step.createOn, c.create);
    });
  }
});
