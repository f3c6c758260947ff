import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Deployment, DeploymentCondition, ReplicaSet } from "kubernetes-types/apps/v1";
import { calculateStatus, msUntilProgressCheck, pauseCondition, rolloutStatus, setCondition } from "./status.ts";

const nowMs = Date.parse("2026-03-01T10:00:00Z");
const at = (secondsAgo: number) => new Date(nowMs - secondsAgo * 1000).toISOString().replace(".000Z", "Z");

function progressing(reason: string, status: string, updatedAgo: number): DeploymentCondition {
  return { type: "Progressing", status, reason, message: "", lastUpdateTime: at(updatedAgo), lastTransitionTime: at(updatedAgo + 100) };
}

function deployment(replicas: number, previous: Deployment["status"] = {}, deadline: number | null = 600): Deployment {
  return {
    metadata: { name: "web", generation: 2 },
    spec: {
      replicas,
      selector: {},
      template: {},
      ...(deadline === null ? {} : { progressDeadlineSeconds: deadline }),
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
    },
    status: previous,
  };
}

function rs(name: string, replicas: number, ready: number, available: number): ReplicaSet {
  return { metadata: { name }, spec: { replicas, selector: {}, template: {} }, status: { replicas, readyReplicas: ready, availableReplicas: available } };
}

describe("calculateStatus", () => {
  test("sums counts over the sets and marks availability", () => {
    const status = calculateStatus(deployment(3), [rs("old", 2, 2, 2), rs("new", 2, 1, 1)], rs("new", 2, 1, 1), nowMs);
    assert.deepEqual(
      { ...status, conditions: status.conditions?.map((c) => [c.type, c.status, c.reason]) },
      {
        observedGeneration: 2,
        replicas: 4,
        updatedReplicas: 2,
        readyReplicas: 3,
        availableReplicas: 3,
        unavailableReplicas: 1,
        conditions: [["Available", "True", "MinimumReplicasAvailable"]],
      },
    );
  });
  test("below minimum availability", () => {
    const status = calculateStatus(deployment(3), [rs("new", 3, 1, 1)], rs("new", 3, 1, 1), nowMs);
    assert.deepEqual(status.conditions?.map((c) => [c.status, c.reason]), [["False", "MinimumReplicasUnavailable"]]);
  });
});

describe("setCondition", () => {
  test("same status and reason leaves the condition alone", () => {
    const status = { conditions: [progressing("ReplicaSetUpdated", "True", 50)] };
    setCondition(status, { type: "Progressing", status: "True", reason: "ReplicaSetUpdated", lastUpdateTime: at(0) });
    assert.equal(status.conditions[0]!.lastUpdateTime, at(50));
  });
  test("a new reason with the same status keeps the transition time and moves to the end", () => {
    const status = { conditions: [progressing("ReplicaSetUpdated", "True", 50), { type: "Available", status: "True" }] };
    setCondition(status, { type: "Progressing", status: "True", reason: "NewReplicaSetAvailable", lastUpdateTime: at(0), lastTransitionTime: at(0) });
    assert.deepEqual(status.conditions.map((c) => c.type), ["Available", "Progressing"]);
    assert.equal(status.conditions[1]!.lastTransitionTime, at(150));
  });
});

describe("rolloutStatus Progressing", () => {
  const newSet = rs("web-abc", 3, 3, 3);
  const cases: { name: string; d: Deployment; sets: ReplicaSet[]; reason: string | undefined; status?: string; updatedAgo?: number }[] = [
    {
      name: "complete",
      d: deployment(3, { replicas: 3, updatedReplicas: 2, conditions: [progressing("ReplicaSetUpdated", "True", 10)] }),
      sets: [newSet],
      reason: "NewReplicaSetAvailable",
    },
    {
      name: "progress refreshes lastUpdateTime",
      d: deployment(3, { replicas: 4, updatedReplicas: 1, conditions: [progressing("ReplicaSetUpdated", "True", 30)] }),
      sets: [rs("old", 2, 2, 2), rs("web-abc", 2, 1, 1)],
      reason: "ReplicaSetUpdated",
      updatedAgo: 0,
    },
    {
      name: "stuck within the deadline stays as it was",
      d: deployment(3, { replicas: 4, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3, conditions: [progressing("ReplicaSetUpdated", "True", 30)] }),
      sets: [rs("old", 3, 3, 3), rs("web-abc", 1, 0, 0)],
      reason: "ReplicaSetUpdated",
      updatedAgo: 30,
    },
    {
      name: "stuck past the deadline times out",
      d: deployment(3, { replicas: 4, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3, conditions: [progressing("ReplicaSetUpdated", "True", 601)] }),
      sets: [rs("old", 3, 3, 3), rs("web-abc", 1, 0, 0)],
      reason: "ProgressDeadlineExceeded",
      status: "False",
    },
    {
      name: "no deadline: no Progressing condition",
      d: deployment(3, { conditions: [progressing("ReplicaSetUpdated", "True", 30)] }, null),
      sets: [newSet],
      reason: undefined,
    },
  ];
  for (const { name, d, sets, reason, status, updatedAgo } of cases) {
    test(name, () => {
      const next = rolloutStatus(d, sets, sets.at(-1), nowMs);
      const found = next.conditions?.find((c) => c.type === "Progressing");
      assert.equal(found?.reason, reason);
      if (status !== undefined) assert.equal(found?.status, status);
      if (updatedAgo !== undefined) assert.equal(found?.lastUpdateTime, at(updatedAgo));
    });
  }
  test("the success message names the new ReplicaSet", () => {
    const next = rolloutStatus(deployment(3, { conditions: [] }), [newSet], newSet, nowMs);
    assert.equal(next.conditions?.find((c) => c.type === "Progressing")?.message, 'ReplicaSet "web-abc" has successfully progressed.');
  });
});

describe("msUntilProgressCheck", () => {
  test("just after the deadline of a stuck rollout", () => {
    const d = deployment(3, { conditions: [progressing("ReplicaSetUpdated", "True", 100)] });
    assert.equal(msUntilProgressCheck(d, { replicas: 3, updatedReplicas: 1 }, nowMs), 501_000);
  });
  test("nothing to check once complete", () => {
    const d = deployment(3, { conditions: [progressing("ReplicaSetUpdated", "True", 100)] });
    assert.equal(msUntilProgressCheck(d, { replicas: 3, updatedReplicas: 3, availableReplicas: 3, observedGeneration: 2 }, nowMs), undefined);
  });
});

describe("pauseCondition", () => {
  const cases: [string, boolean, string | undefined, string | undefined][] = [
    ["pausing", true, "ReplicaSetUpdated", "DeploymentPaused"],
    ["already paused", true, "DeploymentPaused", undefined],
    ["resuming", false, "DeploymentPaused", "DeploymentResumed"],
    ["running", false, "ReplicaSetUpdated", undefined],
    ["timed out stays timed out", true, "ProgressDeadlineExceeded", undefined],
  ];
  for (const [name, paused, currentReason, expected] of cases) {
    test(name, () => {
      const d = deployment(1, { conditions: currentReason === undefined ? [] : [progressing(currentReason, "True", 5)] });
      d.spec!.paused = paused;
      assert.equal(pauseCondition(d, nowMs)?.reason, expected);
    });
  }
});
