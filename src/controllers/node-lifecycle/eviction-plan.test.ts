import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Taint, Toleration } from "kubernetes-types/core/v1";
import { evictionPlan, type EvictionPlan } from "./eviction-plan.ts";
import { toleratesTaint } from "./tolerations.ts";

const now = Date.parse("2026-01-01T00:10:00Z");
const unreachable: Taint = { key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: "2026-01-01T00:09:00Z" };
const notReady: Taint = { key: "node.kubernetes.io/not-ready", effect: "NoExecute", timeAdded: "2026-01-01T00:09:50Z" };
const since = (taint: Taint) => Date.parse(taint.timeAdded ?? "");
const tolerate = (key: string, tolerationSeconds?: number): Toleration => ({ key, operator: "Exists", effect: "NoExecute", ...(tolerationSeconds === undefined ? {} : { tolerationSeconds }) });

describe("evictionPlan", () => {
  const cases: Array<{ name: string; tolerations: Toleration[]; taints: Taint[]; expected: EvictionPlan }> = [
    { name: "no taints: keep", tolerations: [], taints: [], expected: { action: "keep" } },
    { name: "NoSchedule taints do not evict", tolerations: [], taints: [{ key: "k", effect: "NoSchedule" }], expected: { action: "keep" } },
    { name: "untolerated NoExecute: evict now", tolerations: [], taints: [unreachable], expected: { action: "evict", untolerated: unreachable } },
    { name: "tolerated without a limit: keep", tolerations: [tolerate("node.kubernetes.io/unreachable")], taints: [unreachable], expected: { action: "keep" } },
    { name: "tolerated 300 s since timeAdded: evict then", tolerations: [tolerate("node.kubernetes.io/unreachable", 300)], taints: [unreachable], expected: { action: "evictAt", atMs: Date.parse("2026-01-01T00:14:00Z") } },
    { name: "tolerated 60 s, already past: evict now", tolerations: [tolerate("node.kubernetes.io/unreachable", 60)], taints: [unreachable], expected: { action: "evict" } },
    { name: "negative seconds mean at once", tolerations: [tolerate("node.kubernetes.io/unreachable", -5)], taints: [unreachable], expected: { action: "evict" } },
    {
      name: "the earliest deadline over several taints counts",
      tolerations: [tolerate("node.kubernetes.io/unreachable", 300), tolerate("node.kubernetes.io/not-ready", 30)],
      taints: [unreachable, notReady],
      expected: { action: "evictAt", atMs: Date.parse("2026-01-01T00:10:20Z") },
    },
    { name: "one tolerated taint does not cover another", tolerations: [tolerate("node.kubernetes.io/unreachable")], taints: [unreachable, notReady], expected: { action: "evict", untolerated: notReady } },
    { name: "the first matching toleration is the one used", tolerations: [{ operator: "Exists" }, tolerate("node.kubernetes.io/unreachable", 1)], taints: [unreachable], expected: { action: "keep" } },
  ];
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(evictionPlan(c.tolerations, c.taints, since, now), c.expected));
  }
});

describe("toleratesTaint", () => {
  const taint: Taint = { key: "dedicated", value: "gpu", effect: "NoExecute" };
  const cases: Array<{ toleration: Toleration; expected: boolean }> = [
    { toleration: { key: "dedicated", operator: "Equal", value: "gpu", effect: "NoExecute" }, expected: true },
    { toleration: { key: "dedicated", value: "gpu" }, expected: true },
    { toleration: { key: "dedicated", value: "cpu" }, expected: false },
    { toleration: { key: "dedicated", operator: "Exists" }, expected: true },
    { toleration: { key: "dedicated", operator: "Exists", effect: "NoSchedule" }, expected: false },
    { toleration: { key: "other", operator: "Exists" }, expected: false },
    { toleration: { operator: "Exists" }, expected: true },
    { toleration: { operator: "Equal", value: "gpu" }, expected: false },
  ];
  for (const c of cases) {
    test(`${JSON.stringify(c.toleration)} → ${c.expected}`, () => assert.equal(toleratesTaint(c.toleration, taint), c.expected));
  }
});
