import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Node, Taint } from "kubernetes-types/core/v1";
import { reconciledTaints } from "./node-taints.ts";

const now = Date.parse("2026-01-01T00:00:00Z");
const added = "2026-01-01T00:00:00Z";
const earlier = "2025-12-31T12:00:00Z";
const node = (ready: string | undefined, taints: Taint[] = [], extra: { unschedulable?: boolean; memoryPressure?: string } = {}): Node => ({
  metadata: { name: "n1" },
  spec: { taints, ...(extra.unschedulable ? { unschedulable: true } : {}) },
  status: {
    conditions: [
      ...(ready === undefined ? [] : [{ type: "Ready", status: ready }]),
      ...(extra.memoryPressure === undefined ? [] : [{ type: "MemoryPressure", status: extra.memoryPressure }]),
    ],
  },
});
const custom: Taint = { key: "dedicated", value: "gpu", effect: "NoSchedule" };

describe("reconciledTaints", () => {
  const cases: Array<{ name: string; node: Node; expected: Taint[] | undefined }> = [
    { name: "ready, untainted: nothing to do", node: node("True"), expected: undefined },
    { name: "no Ready condition yet: nothing to do", node: node(undefined), expected: undefined },
    {
      name: "not ready: not-ready NoExecute (with timeAdded) and NoSchedule",
      node: node("False", [custom]),
      expected: [custom, { key: "node.kubernetes.io/not-ready", effect: "NoExecute", timeAdded: added }, { key: "node.kubernetes.io/not-ready", effect: "NoSchedule" }],
    },
    {
      name: "unknown: unreachable replaces not-ready",
      node: node("Unknown", [{ key: "node.kubernetes.io/not-ready", effect: "NoExecute", timeAdded: earlier }, { key: "node.kubernetes.io/not-ready", effect: "NoSchedule" }]),
      expected: [{ key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: added }, { key: "node.kubernetes.io/unreachable", effect: "NoSchedule" }],
    },
    {
      name: "unknown and already tainted: nothing to do (timeAdded kept)",
      node: node("Unknown", [{ key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: earlier }, { key: "node.kubernetes.io/unreachable", effect: "NoSchedule" }]),
      expected: undefined,
    },
    {
      name: "back to ready: lifecycle taints go, others stay",
      node: node("True", [{ key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: earlier }, custom, { key: "node.kubernetes.io/unreachable", effect: "NoSchedule" }]),
      expected: [custom],
    },
    { name: "a user's NoExecute taint with a lifecycle key but another effect stays", node: node("True", [{ key: "node.kubernetes.io/unreachable", effect: "PreferNoSchedule" }]), expected: undefined },
    {
      name: "memory pressure and cordon give NoSchedule taints",
      node: node("True", [], { unschedulable: true, memoryPressure: "True" }),
      expected: [{ key: "node.kubernetes.io/memory-pressure", effect: "NoSchedule" }, { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" }],
    },
  ];
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(reconciledTaints(c.node, now), c.expected));
  }
});
