import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import {
  InvalidIntOrPercentError,
  type IntOrPercent,
  activeOrLatest,
  desiredReplicasAnnotation,
  isSaturated,
  isScalingEvent,
  maxReplicasAnnotation,
  maxSurge,
  maxUnavailable,
  newReplicaSetReplicas,
  proportionalResizes,
  resolveFenceposts,
  scaleDownOldReplicaSets,
  scaledValue,
} from "./rollout.ts";

function deployment(replicas: number, surge: IntOrPercent = "25%", unavailable: IntOrPercent = "25%", recreate = false): Deployment {
  return {
    metadata: { name: "web" },
    spec: {
      replicas,
      selector: {},
      template: {},
      strategy: recreate ? { type: "Recreate" } : { type: "RollingUpdate", rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } },
    },
  };
}

function replicaSet(name: string, replicas: number, available = replicas, createdSecond = 0, annotations: Record<string, string> = {}): ReplicaSet {
  return {
    metadata: { name, creationTimestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, createdSecond)).toISOString(), annotations },
    spec: { replicas, selector: {}, template: {} },
    status: { replicas, availableReplicas: available },
  };
}

describe("scaledValue", () => {
  const cases: [IntOrPercent, number, boolean, number][] = [
    [3, 10, true, 3],
    ["25%", 10, true, 3],
    ["25%", 10, false, 2],
    ["25%", 4, true, 1],
    ["25%", 3, false, 0],
    ["0%", 7, true, 0],
    ["100%", 7, false, 7],
    ["33%", 100, true, 33],
  ];
  for (const [value, total, roundUp, expected] of cases) {
    test(`${JSON.stringify(value)} of ${total} rounded ${roundUp ? "up" : "down"} is ${expected}`, () => assert.equal(scaledValue(value, total, roundUp), expected));
  }
  for (const bad of ["25", "%", "abc%", "1.5%"]) {
    test(`rejects ${JSON.stringify(bad)}`, () => assert.throws(() => scaledValue(bad, 10, true), InvalidIntOrPercentError));
  }
});

describe("resolveFenceposts", () => {
  const cases: [IntOrPercent, IntOrPercent, number, number, number][] = [
    ["25%", "25%", 10, 3, 2],
    ["25%", "25%", 1, 1, 0],
    [0, 0, 5, 0, 1],
    ["0%", "0%", 5, 0, 1],
    [0, "10%", 5, 0, 1],
    [2, 0, 5, 2, 0],
  ];
  for (const [surge, unavailable, desired, expectedSurge, expectedUnavailable] of cases) {
    test(`surge ${surge}, unavailable ${unavailable} of ${desired}`, () => {
      assert.deepEqual(resolveFenceposts(surge, unavailable, desired), { surge: expectedSurge, unavailable: expectedUnavailable });
    });
  }
  test("maxUnavailable is capped at replicas and zero for Recreate", () => {
    assert.equal(maxUnavailable(deployment(2, 0, 5)), 2);
    assert.equal(maxUnavailable(deployment(0, 1, 1)), 0);
    assert.equal(maxUnavailable(deployment(4, 1, 1, true)), 0);
    assert.equal(maxSurge(deployment(4, 1, 1, true)), 0);
    assert.equal(maxSurge(deployment(4, "50%", 1)), 2);
  });
});

describe("newReplicaSetReplicas", () => {
  const cases: { name: string; d: Deployment; old: number; current: number; expected: number }[] = [
    { name: "first step of 3 with surge 1", d: deployment(3, 1, 0), old: 3, current: 0, expected: 1 },
    { name: "surge exhausted", d: deployment(3, 1, 0), old: 3, current: 1, expected: 1 },
    { name: "old shrank, grow by the room", d: deployment(3, 1, 0), old: 1, current: 2, expected: 3 },
    { name: "never above replicas", d: deployment(3, 5, 0), old: 0, current: 1, expected: 3 },
    { name: "25% of 10 surges 3", d: deployment(10), old: 10, current: 0, expected: 3 },
    { name: "Recreate jumps to replicas", d: deployment(4, 1, 1, true), old: 0, current: 0, expected: 4 },
  ];
  for (const { name, d, old, current, expected } of cases) {
    test(name, () => {
      const newSet = replicaSet("new", current);
      assert.equal(newReplicaSetReplicas(d, [replicaSet("old", old), newSet], newSet), expected);
    });
  }
});

describe("scaleDownOldReplicaSets", () => {
  const cases: { name: string; d: Deployment; old: ReplicaSet[]; newSet: ReplicaSet; expected: [string, number][] }[] = [
    {
      name: "new pods not yet available: nothing may go",
      d: deployment(3, 1, 0),
      old: [replicaSet("old", 3)],
      newSet: replicaSet("new", 1, 0),
      expected: [],
    },
    {
      name: "one new pod available: one old pod goes",
      d: deployment(3, 1, 0),
      old: [replicaSet("old", 3)],
      newSet: replicaSet("new", 1, 1),
      expected: [["old", 2]],
    },
    {
      name: "maxUnavailable 1 lets one go at once",
      d: deployment(3, 0, 1),
      old: [replicaSet("old", 3)],
      newSet: replicaSet("new", 0, 0),
      expected: [["old", 2]],
    },
    {
      // Availability allows none to go (2 available = minAvailable), yet the 2 broken pods cost nothing.
      name: "unavailable old pods go first, beyond the availability budget",
      d: deployment(4, 0, 2),
      old: [replicaSet("old", 4, 2)],
      newSet: replicaSet("new", 0, 0),
      expected: [["old", 2]],
    },
    {
      name: "oldest set shrinks first",
      d: deployment(4, 1, 1),
      old: [replicaSet("newer-old", 2, 2, 20), replicaSet("oldest", 2, 2, 10)],
      newSet: replicaSet("new", 1, 1, 30),
      expected: [["oldest", 0]],
    },
    {
      name: "no old replicas",
      d: deployment(2),
      old: [replicaSet("old", 0)],
      newSet: replicaSet("new", 2, 2),
      expected: [],
    },
  ];
  for (const { name, d, old, newSet, expected } of cases) {
    test(name, () => assert.deepEqual([...scaleDownOldReplicaSets(d, old, newSet)], expected));
  }
});

describe("proportionalResizes", () => {
  const annotated = (max: number, desired: number) => ({ [maxReplicasAnnotation]: String(max), [desiredReplicasAnnotation]: String(desired) });
  const cases: { name: string; d: Deployment; sets: ReplicaSet[]; direction: "up" | "down"; expected: [string, number][] }[] = [
    {
      // 10 → 15 replicas mid-rollout (surge 3 → 4): total 13 → 19, split 8:5 of 13.
      name: "scale up splits by share",
      d: deployment(15, "25%", "25%"),
      sets: [replicaSet("old", 8, 8, 0, annotated(13, 10)), replicaSet("new", 5, 0, 10, annotated(13, 10))],
      direction: "up",
      expected: [
        ["old", 12],
        ["new", 7],
      ],
    },
    {
      name: "scale down to zero empties every set",
      d: deployment(0),
      sets: [replicaSet("old", 2, 2, 0, annotated(4, 3)), replicaSet("new", 2, 0, 10, annotated(4, 3))],
      direction: "down",
      expected: [
        ["old", 0],
        ["new", 0],
      ],
    },
    {
      name: "rounding leftover goes to the largest",
      d: deployment(4, 0, 1),
      sets: [replicaSet("a", 1, 1, 0, annotated(3, 3)), replicaSet("b", 1, 1, 5, annotated(3, 3)), replicaSet("c", 1, 1, 9, annotated(3, 3))],
      direction: "up",
      // each: round(1*4/3)-1 = 0, so the whole +1 goes to the first after sorting (largest, newest first).
      expected: [
        ["c", 2],
        ["b", 1],
        ["a", 1],
      ],
    },
  ];
  for (const { name, d, sets, direction, expected } of cases) {
    test(name, () => {
      const result = proportionalResizes(d, sets);
      assert.equal(result.direction, direction);
      assert.deepEqual([...result.resizes], expected);
    });
  }
});

describe("scaling predicates", () => {
  const d = deployment(3);
  test("isScalingEvent compares desired-replicas of active sets", () => {
    assert.equal(isScalingEvent(d, [replicaSet("a", 2, 2, 0, { [desiredReplicasAnnotation]: "2" })]), true);
    assert.equal(isScalingEvent(d, [replicaSet("a", 3, 3, 0, { [desiredReplicasAnnotation]: "3" })]), false);
    assert.equal(isScalingEvent(d, [replicaSet("a", 0, 0, 0, { [desiredReplicasAnnotation]: "2" })]), false);
  });
  test("isSaturated needs size, annotation and availability", () => {
    assert.equal(isSaturated(d, replicaSet("n", 3, 3, 0, { [desiredReplicasAnnotation]: "3" })), true);
    assert.equal(isSaturated(d, replicaSet("n", 3, 2, 0, { [desiredReplicasAnnotation]: "3" })), false);
    assert.equal(isSaturated(d, replicaSet("n", 3, 3)), false);
    assert.equal(isSaturated(d, undefined), false);
  });
  test("activeOrLatest", () => {
    const older = replicaSet("older", 0, 0, 1);
    const newer = replicaSet("newer", 0, 0, 2);
    assert.equal(activeOrLatest(undefined, [older, newer])?.metadata?.name, "newer");
    assert.equal(activeOrLatest(replicaSet("new", 0), [older])?.metadata?.name, "new");
    assert.equal(activeOrLatest(replicaSet("new", 0), [replicaSet("busy", 2)])?.metadata?.name, "busy");
    assert.equal(activeOrLatest(replicaSet("new", 1), [replicaSet("busy", 2)]), undefined);
  });
});
