import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { StatefulSet } from "kubernetes-types/apps/v1";
import type { Pod } from "kubernetes-types/core/v1";
import { statefulSetStatus } from "./status.ts";

function pod(revision: string, ready: boolean, deleting = false): Pod {
  return {
    metadata: { labels: { "controller-revision-hash": revision }, ...(deleting ? { deletionTimestamp: "2026-01-01T00:00:00Z" } : {}) },
    status: { phase: "Running", conditions: [{ type: "Ready", status: ready ? "True" : "False", lastTransitionTime: "2026-01-01T00:00:00Z" }] },
  };
}

function set(type: "RollingUpdate" | "OnDelete", minReadySeconds = 0): StatefulSet {
  return { metadata: { name: "web", generation: 3 }, spec: { serviceName: "web", selector: {}, template: {}, minReadySeconds, updateStrategy: { type } } };
}

describe("statefulSetStatus", () => {
  const cases: Array<{ name: string; set: StatefulSet; pods: Pod[]; expected: Record<string, number | string> }> = [
    {
      name: "mid rollout",
      set: set("RollingUpdate"),
      pods: [pod("r1", true), pod("r1", true), pod("r2", false)],
      expected: { replicas: 3, readyReplicas: 2, availableReplicas: 2, currentReplicas: 2, updatedReplicas: 1, currentRevision: "r1", updateRevision: "r2" },
    },
    {
      name: "a finished RollingUpdate makes the update revision current",
      set: set("RollingUpdate"),
      pods: [pod("r2", true), pod("r2", true)],
      expected: { replicas: 2, readyReplicas: 2, availableReplicas: 2, currentReplicas: 2, updatedReplicas: 2, currentRevision: "r2", updateRevision: "r2" },
    },
    {
      name: "OnDelete keeps the current revision",
      set: set("OnDelete"),
      pods: [pod("r2", true), pod("r2", true)],
      expected: { replicas: 2, readyReplicas: 2, availableReplicas: 2, currentReplicas: 0, updatedReplicas: 2, currentRevision: "r1", updateRevision: "r2" },
    },
    {
      name: "terminating pods count as replicas but at no revision; minReadySeconds holds back availability",
      set: set("RollingUpdate", 7200),
      pods: [pod("r1", true), pod("r2", true, true)],
      expected: { replicas: 2, readyReplicas: 2, availableReplicas: 0, currentReplicas: 1, updatedReplicas: 0, currentRevision: "r1", updateRevision: "r2" },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const status = statefulSetStatus({ set: c.set, pods: c.pods, currentRevision: "r1", updateRevision: "r2", collisionCount: undefined, nowMs: Date.parse("2026-01-01T01:00:00Z") });
      assert.deepEqual(status, { ...c.expected, observedGeneration: 3, collisionCount: 0 });
    });
  }
});
