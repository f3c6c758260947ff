import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ReplicaSet } from "kubernetes-types/apps/v1";
import type { Pod } from "kubernetes-types/core/v1";
import { burstReplicas, calculateStatus, msUntilNextAvailable, replicaDiff } from "./status.ts";

const nowMs = Date.parse("2026-02-01T00:00:00Z");

function rs(replicas: number, minReadySeconds = 0): ReplicaSet {
  return {
    metadata: { name: "web", generation: 7 },
    spec: { replicas, minReadySeconds, selector: {}, template: { metadata: { labels: { app: "web", tier: "front" } } } },
  };
}

function pod(labels: Record<string, string>, readyAgoSeconds?: number): Pod {
  return {
    metadata: { labels },
    status: {
      conditions: [
        readyAgoSeconds === undefined
          ? { type: "Ready", status: "False" }
          : { type: "Ready", status: "True", lastTransitionTime: new Date(nowMs - readyAgoSeconds * 1000).toISOString() },
      ],
    },
  };
}

const full = { app: "web", tier: "front" };

describe("replicaDiff", () => {
  const cases: [number, number, number][] = [
    [3, 0, 3],
    [3, 5, -2],
    [2, 2, 0],
    [1000, 0, burstReplicas],
  ];
  for (const [replicas, pods, expected] of cases) {
    test(`${replicas} wanted, ${pods} present`, () => assert.equal(replicaDiff(rs(replicas), Array.from({ length: pods }, () => pod(full))), expected));
  }
});

describe("calculateStatus", () => {
  test("counts replicas, fully labeled, ready and available (minReadySeconds)", () => {
    const pods = [pod(full, 60), pod(full, 2), pod({ app: "web" }, 60), pod(full)];
    assert.deepEqual(calculateStatus(rs(4, 10), pods, undefined, nowMs), {
      replicas: 4,
      fullyLabeledReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 2,
      observedGeneration: 7,
    });
    assert.equal(msUntilNextAvailable(rs(4, 10), pods, nowMs), 8000);
  });
  test("a failure adds ReplicaFailure once; success removes it", () => {
    const failed = calculateStatus(rs(1), [], { reason: "FailedCreate", message: "quota" }, nowMs);
    assert.deepEqual(failed.conditions?.map((c) => [c.type, c.reason, c.message]), [["ReplicaFailure", "FailedCreate", "quota"]]);
    const again = calculateStatus({ ...rs(1), status: failed }, [], { reason: "FailedCreate", message: "other" }, nowMs + 5000);
    assert.deepEqual(again.conditions, failed.conditions);
    assert.equal(calculateStatus({ ...rs(1), status: failed }, [], undefined, nowMs).conditions, undefined);
  });
});
