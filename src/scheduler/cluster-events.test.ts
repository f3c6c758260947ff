import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Node, Pod } from "kubernetes-types/core/v1";
import { assignedPodUpdateEvent, nodeUpdateEvent, pendingPodChanged } from "./cluster-events.ts";
import { makeNode, makePod } from "./testing/objects.ts";

describe("nodeUpdateEvent", () => {
  const base = makeNode("n", { labels: { zone: "a" } });
  const cases: { name: string; change: (node: Node) => Node; want: string | undefined }[] = [
    { name: "a heartbeat changes nothing", change: (node) => ({ ...node, status: { ...node.status, conditions: [{ type: "Ready", status: "True" }] } }), want: undefined },
    { name: "labels", change: (node) => ({ ...node, metadata: { ...node.metadata, labels: { zone: "b" } } }), want: "UpdateNodeLabel" },
    { name: "taints", change: (node) => ({ ...node, spec: { taints: [{ key: "k", effect: "NoSchedule" }] } }), want: "UpdateNodeTaint" },
    { name: "cordon", change: (node) => ({ ...node, spec: { unschedulable: true } }), want: "UpdateNodeTaint" },
    { name: "allocatable", change: (node) => ({ ...node, status: { ...node.status, allocatable: { cpu: "64" } } }), want: "UpdateNodeAllocatable" },
    { name: "images", change: (node) => ({ ...node, status: { ...node.status, images: [{ names: ["x"], sizeBytes: 1 }] } }), want: "Update" },
  ];
  for (const { name, change, want } of cases) {
    test(name, () => assert.equal(nodeUpdateEvent(base, change(base))?.action, want));
  }
});

describe("assignedPodUpdateEvent", () => {
  const base = makePod("p", { labels: { app: "x" }, requests: { cpu: "2" } });
  const cases: { name: string; next: Pod; want: string | undefined }[] = [
    { name: "status only", next: { ...base, status: { phase: "Running" } }, want: undefined },
    { name: "labels", next: makePod("p", { labels: { app: "y" }, requests: { cpu: "2" } }), want: "UpdatePodLabel" },
    { name: "smaller requests", next: makePod("p", { labels: { app: "x" }, requests: { cpu: "1" } }), want: "UpdatePodScaleDown" },
    { name: "larger requests", next: makePod("p", { labels: { app: "x" }, requests: { cpu: "3" } }), want: undefined },
  ];
  for (const { name, next, want } of cases) {
    test(name, () => assert.equal(assignedPodUpdateEvent(base, next)?.action, want));
  }
});

describe("pendingPodChanged", () => {
  const base = makePod("p", { labels: { app: "x" } });
  const cases: { name: string; next: Pod; want: boolean }[] = [
    { name: "the scheduler's own status write", next: { ...base, metadata: { ...base.metadata, resourceVersion: "9" }, status: { conditions: [{ type: "PodScheduled", status: "False" }] } }, want: false },
    { name: "labels", next: { ...base, metadata: { ...base.metadata, labels: { app: "y" } } }, want: true },
    { name: "tolerations", next: { ...base, spec: { ...base.spec!, tolerations: [{ operator: "Exists" }] } }, want: true },
  ];
  for (const { name, next, want } of cases) {
    test(name, () => assert.equal(pendingPodChanged(base, next), want));
  }
});
