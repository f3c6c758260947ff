import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "kubernetes-types/core/v1";
import { isPodActive, isPodAvailable, msUntilAvailable, podDeletionCostAnnotation, podsToDelete } from "./pod-ranking.ts";

const nowMs = Date.parse("2026-01-01T12:00:00Z");
const ago = (seconds: number) => new Date(nowMs - seconds * 1000).toISOString();

interface PodShape {
  name: string;
  node?: string;
  phase?: string;
  readySince?: number;
  cost?: number;
  restarts?: number;
  createdAgo?: number;
  uid?: string;
}

function pod(shape: PodShape): Pod {
  return {
    metadata: {
      name: shape.name,
      uid: shape.uid ?? shape.name,
      creationTimestamp: ago(shape.createdAgo ?? 3600),
      ...(shape.cost === undefined ? {} : { annotations: { [podDeletionCostAnnotation]: String(shape.cost) } }),
    },
    spec: { containers: [{ name: "c" }], ...(shape.node === undefined ? {} : { nodeName: shape.node }) },
    status: {
      phase: shape.phase ?? "Running",
      conditions: [
        shape.readySince === undefined
          ? { type: "Ready", status: "False" }
          : { type: "Ready", status: "True", lastTransitionTime: ago(shape.readySince) },
      ],
      containerStatuses: [{ name: "c", image: "i", imageID: "", ready: shape.readySince !== undefined, restartCount: shape.restarts ?? 0 }],
    },
  };
}

interface Case {
  name: string;
  /** Listed in the order the ranking must delete them (the input is reversed). */
  expectedOrder: PodShape[];
  related?: PodShape[];
}

const ready = { node: "n1", readySince: 600 };

const cases: Case[] = [
  { name: "unscheduled before scheduled", expectedOrder: [{ name: "unscheduled" }, { name: "scheduled", node: "n1" }] },
  {
    name: "Pending < Unknown < Running",
    expectedOrder: [
      { name: "pending", node: "n1", phase: "Pending" },
      { name: "unknown", node: "n1", phase: "Unknown" },
      { name: "running", node: "n1", phase: "Running" },
    ],
  },
  { name: "not ready before ready", expectedOrder: [{ name: "not-ready", node: "n1" }, { name: "ready", ...ready }] },
  {
    name: "lower deletion cost first",
    expectedOrder: [
      { name: "cheap", ...ready, cost: -5 },
      { name: "default", ...ready },
      { name: "dear", ...ready, cost: 100 },
    ],
  },
  {
    name: "doubled-up node first",
    expectedOrder: [
      { name: "crowded", node: "n2", readySince: 600 },
      { name: "alone", node: "n1", readySince: 600 },
    ],
    related: [{ name: "other-1", node: "n2", readySince: 600 }],
  },
  {
    name: "ready more recently first (different power-of-two buckets)",
    expectedOrder: [
      { name: "fresh", node: "n1", readySince: 10 },
      { name: "old", node: "n1", readySince: 10_000 },
    ],
  },
  {
    name: "more restarts first",
    expectedOrder: [
      { name: "flaky", ...ready, restarts: 5 },
      { name: "steady", ...ready, restarts: 0 },
    ],
  },
  {
    name: "newer first",
    expectedOrder: [
      { name: "young", node: "n1", createdAgo: 5 },
      { name: "aged", node: "n1", createdAgo: 50_000 },
    ],
  },
  {
    name: "same age bucket: uid decides, not exact age",
    expectedOrder: [
      { name: "older-low-uid", node: "n1", createdAgo: 1000, uid: "a" },
      { name: "newer-high-uid", node: "n1", createdAgo: 999, uid: "b" },
    ],
  },
  {
    name: "scheduling outranks readiness and age",
    expectedOrder: [
      { name: "unscheduled-old", createdAgo: 99_999, phase: "Pending" },
      { name: "scheduled-pending-new", node: "n1", phase: "Pending", createdAgo: 1 },
      { name: "running-not-ready", node: "n1" },
      { name: "running-ready", ...ready },
    ],
  },
];

describe("podsToDelete ranking", () => {
  for (const { name, expectedOrder, related = [] } of cases) {
    test(name, () => {
      const candidates = expectedOrder.map(pod).reverse();
      const relatedPods = [...candidates, ...related.map(pod)];
      const victims = podsToDelete(candidates, relatedPods, expectedOrder.length - 1, nowMs);
      assert.deepEqual(
        victims.map((p) => p.metadata?.name),
        expectedOrder.slice(0, -1).map((s) => s.name),
      );
    });
  }
  test("asking for all candidates returns them all", () => {
    const candidates = [pod({ name: "a" }), pod({ name: "b" })];
    assert.equal(podsToDelete(candidates, candidates, 5, nowMs).length, 2);
  });
});

describe("pod predicates", () => {
  const activeCases: [string, Pod, boolean][] = [
    ["running", pod({ name: "p" }), true],
    ["succeeded", { ...pod({ name: "p" }), status: { phase: "Succeeded" } }, false],
    ["failed", { ...pod({ name: "p" }), status: { phase: "Failed" } }, false],
    ["being deleted", { ...pod({ name: "p" }), metadata: { name: "p", deletionTimestamp: ago(1) } }, false],
  ];
  for (const [name, p, expected] of activeCases) test(`active: ${name}`, () => assert.equal(isPodActive(p), expected));

  const availableCases: [string, number | undefined, number, boolean, number | undefined][] = [
    // readySince, minReadySeconds, available, ms until available
    ["not ready", undefined, 0, false, undefined],
    ["ready, no minReadySeconds", 0, 0, true, undefined],
    ["ready for 5s of 10s", 5, 10, false, 5000],
    ["ready for 10s of 10s", 10, 10, true, undefined],
  ];
  for (const [name, readySince, minReady, available, wait] of availableCases) {
    test(`available: ${name}`, () => {
      const p = pod({ name: "p", node: "n1", ...(readySince === undefined ? {} : { readySince }) });
      assert.equal(isPodAvailable(p, minReady, nowMs), available);
      assert.equal(msUntilAvailable(p, minReady, nowMs), wait);
    });
  }
});
