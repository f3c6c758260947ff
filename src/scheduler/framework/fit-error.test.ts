import { test } from "node:test";
import assert from "node:assert/strict";
import { fitErrorMessage, type Diagnosis } from "./fit-error.ts";
import type { NodeStatus } from "./plugin.ts";
import { status } from "./status.ts";

function statuses(entries: [string, NodeStatus][]): Map<string, NodeStatus> {
  return new Map(entries);
}

const cpu: NodeStatus = { status: status("Unschedulable", "Insufficient cpu"), plugin: "NodeResourcesFit" };
const cpuAndMemory: NodeStatus = { status: status("Unschedulable", "Insufficient cpu", "Insufficient memory"), plugin: "NodeResourcesFit" };
const taint: NodeStatus = {
  status: status("UnschedulableAndUnresolvable", "node(s) had untolerated taint {dedicated: gpu}"),
  plugin: "TaintToleration",
};

const cases: { name: string; diagnosis: Diagnosis; expected: string }[] = [
  {
    name: "one reason on every node, then preemption's verdict",
    diagnosis: {
      numAllNodes: 3,
      nodeStatuses: statuses([["a", cpu], ["b", cpu], ["c", cpu]]),
      postFilterMessage: "preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.",
      unschedulablePlugins: new Set(),
    },
    expected:
      "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod..",
  },
  {
    name: "reasons counted across nodes and sorted as text",
    diagnosis: {
      numAllNodes: 4,
      nodeStatuses: statuses([["a", cpuAndMemory], ["b", cpu], ["c", taint], ["d", cpu]]),
      unschedulablePlugins: new Set(),
    },
    expected: "0/4 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint {dedicated: gpu}, 3 Insufficient cpu.",
  },
  {
    name: "a pre-filter rejection is reported once",
    diagnosis: {
      numAllNodes: 2,
      nodeStatuses: statuses([["a", cpu], ["b", cpu]]),
      preFilterMessage: 'persistentvolumeclaim "data" not found',
      unschedulablePlugins: new Set(),
    },
    expected: '0/2 nodes are available: persistentvolumeclaim "data" not found.',
  },
  {
    name: "no nodes at all",
    diagnosis: { numAllNodes: 0, nodeStatuses: statuses([]), unschedulablePlugins: new Set() },
    expected: "no nodes available to schedule pods",
  },
];

for (const { name, diagnosis, expected } of cases) {
  test(name, () => assert.equal(fitErrorMessage(diagnosis), expected));
}
