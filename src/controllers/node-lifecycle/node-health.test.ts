import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Lease } from "kubernetes-types/coordination/v1";
import type { Node, NodeCondition } from "kubernetes-types/core/v1";
import { judgeNodeHealth, type HealthInput, type HealthProbe } from "./node-health.ts";

const t0 = Date.parse("2026-01-01T00:00:00Z");
const grace = 40_000;
const startupGrace = 60_000;
const beat = "2025-12-31T23:59:50Z";

const condition = (type: string, status: string): NodeCondition => ({ type, status, lastHeartbeatTime: beat, lastTransitionTime: beat, reason: "KubeletSays", message: "kubelet says so" });
const healthyConditions = [condition("MemoryPressure", "False"), condition("DiskPressure", "False"), condition("PIDPressure", "False"), condition("Ready", "True"), condition("NetworkUnavailable", "False")];
const node = (conditions?: NodeCondition[]): Node => ({ metadata: { name: "n1", creationTimestamp: "2025-12-31T23:00:00Z" }, status: conditions ? { conditions } : {} });
const lease = (renewTime: string): Lease => ({ metadata: { name: "n1", namespace: "kube-node-lease" }, spec: { renewTime } });
const probe = (observedAtMs: number, renewTime = "2025-12-31T23:59:59.000000Z"): HealthProbe => ({ observedAtMs, heartbeat: beat, renewTime });
const input = (overrides: Partial<HealthInput>): HealthInput => ({
  node: node(healthyConditions),
  lease: lease("2025-12-31T23:59:59.000000Z"),
  previous: undefined,
  nowMs: t0,
  gracePeriodMs: grace,
  startupGracePeriodMs: startupGrace,
  ...overrides,
});

describe("judgeNodeHealth: when the node was last heard of", () => {
  const cases: Array<{ name: string; input: HealthInput; observedAtMs: number; recheckAfterMs: number | undefined; turnsUnknown: boolean }> = [
    { name: "first sight of a reporting node counts as hearing from it", input: input({}), observedAtMs: t0, recheckAfterMs: grace, turnsUnknown: false },
    { name: "nothing changed, within grace: look again when it runs out", input: input({ previous: probe(t0 - 10_000) }), observedAtMs: t0 - 10_000, recheckAfterMs: 30_000, turnsUnknown: false },
    { name: "a renewed Lease is a sign of life", input: input({ previous: probe(t0 - 50_000, "2025-12-31T23:59:00.000000Z") }), observedAtMs: t0, recheckAfterMs: grace, turnsUnknown: false },
    { name: "a new status heartbeat is a sign of life", input: input({ previous: { ...probe(t0 - 50_000), heartbeat: "2025-12-31T23:00:00Z" } }), observedAtMs: t0, recheckAfterMs: grace, turnsUnknown: false },
    { name: "silence beyond grace", input: input({ previous: probe(t0 - grace) }), observedAtMs: t0 - grace, recheckAfterMs: undefined, turnsUnknown: true },
    { name: "a node that never reported, within startup grace of its creation", input: input({ node: node(), lease: undefined, nowMs: Date.parse("2025-12-31T23:00:30Z") }), observedAtMs: Date.parse("2025-12-31T23:00:00Z"), recheckAfterMs: 30_000, turnsUnknown: false },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const verdict = judgeNodeHealth(c.input);
      assert.equal(verdict.probe.observedAtMs, c.observedAtMs);
      assert.equal(verdict.recheckAfterMs, c.recheckAfterMs);
      assert.equal(verdict.conditions !== undefined, c.turnsUnknown);
    });
  }
});

describe("judgeNodeHealth: the conditions of a silent node", () => {
  test("kubelet conditions turn Unknown with upstream's reason and message; heartbeats and other conditions stay", () => {
    const verdict = judgeNodeHealth(input({ previous: probe(t0 - 60_000) }));
    const byType = new Map(verdict.conditions?.map((c) => [c.type, c]));
    for (const type of ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"]) {
      assert.deepEqual(byType.get(type), { type, status: "Unknown", reason: "NodeStatusUnknown", message: "Kubelet stopped posting node status.", lastHeartbeatTime: beat, lastTransitionTime: "2026-01-01T00:00:00Z" });
    }
    assert.deepEqual(byType.get("NetworkUnavailable"), condition("NetworkUnavailable", "False"));
  });

  test("already Unknown: nothing to write", () => {
    const unknown = judgeNodeHealth(input({ previous: probe(t0 - 60_000) })).conditions;
    const verdict = judgeNodeHealth(input({ node: node(unknown), previous: probe(t0 - 60_000) }));
    assert.equal(verdict.conditions, undefined);
    assert.equal(verdict.recheckAfterMs, undefined);
  });

  test("a node that never posted status gets NodeStatusNeverUpdated conditions after the startup grace", () => {
    const verdict = judgeNodeHealth(input({ node: node(), lease: undefined }));
    assert.deepEqual(
      verdict.conditions?.map((c) => [c.type, c.status, c.reason, c.message, c.lastHeartbeatTime]),
      ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"].map((type) => [type, "Unknown", "NodeStatusNeverUpdated", "Kubelet never posted node status.", "2025-12-31T23:00:00Z"]),
    );
  });
});
