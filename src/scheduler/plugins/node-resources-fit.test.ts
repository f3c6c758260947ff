import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "kubernetes-types/core/v1";
import { CycleState } from "../framework/cycle-state.ts";
import { infoOf, makeNode, makePod, nodeInfoWith } from "../testing/objects.ts";
import { DEFAULT_SCORED_RESOURCES, NodeResourcesFitPlugin, requestedToCapacityRatioScorer } from "./node-resources-fit.ts";

describe("filter", () => {
  const node = makeNode("n", { allocatable: { cpu: "10", memory: "16Gi", pods: "3", "example.com/gpu": "1" } });
  const cases: { name: string; pod: Pod; existing: Pod[]; code: string; reasons?: string[] }[] = [
    { name: "fits in what is left", pod: makePod("p", { requests: { cpu: "1" } }), existing: [makePod("e", { requests: { cpu: "5" } })], code: "Success" },
    { name: "exactly what is left", pod: makePod("p", { requests: { cpu: "5" } }), existing: [makePod("e", { requests: { cpu: "5" } })], code: "Success" },
    {
      name: "more cpu than is left",
      pod: makePod("p", { requests: { cpu: "8" } }),
      existing: [makePod("e", { requests: { cpu: "5" } })],
      code: "Unschedulable",
      reasons: ["Insufficient cpu"],
    },
    {
      name: "every short resource is named; more than the node has is unresolvable",
      pod: makePod("p", { requests: { cpu: "8", memory: "20Gi" } }),
      existing: [makePod("e", { requests: { cpu: "5", memory: "1Gi" } })],
      code: "UnschedulableAndUnresolvable",
      reasons: ["Insufficient cpu", "Insufficient memory"],
    },
    { name: "more cpu than the node has", pod: makePod("p", { requests: { cpu: "11" } }), existing: [], code: "UnschedulableAndUnresolvable", reasons: ["Insufficient cpu"] },
    {
      name: "too many pods",
      pod: makePod("p", { requests: { cpu: "1" } }),
      existing: [makePod("a"), makePod("b"), makePod("c")],
      code: "Unschedulable",
      reasons: ["Too many pods"],
    },
    {
      name: "too many pods and too little memory",
      pod: makePod("p", { requests: { memory: "10Gi" } }),
      existing: [makePod("a", { requests: { memory: "8Gi" } }), makePod("b"), makePod("c")],
      code: "Unschedulable",
      reasons: ["Too many pods", "Insufficient memory"],
    },
    {
      name: "extended resource beyond the node",
      pod: makePod("p", { requests: { "example.com/gpu": "2" } }),
      existing: [],
      code: "UnschedulableAndUnresolvable",
      reasons: ["Insufficient example.com/gpu"],
    },
    {
      name: "extended resource the node does not offer",
      pod: makePod("p", { requests: { "example.com/fpga": "1" } }),
      existing: [],
      code: "UnschedulableAndUnresolvable",
      reasons: ["Insufficient example.com/fpga"],
    },
    {
      name: "a pod with no requests fits a full node",
      pod: makePod("p"),
      existing: [makePod("e", { requests: { cpu: "10", memory: "16Gi" } })],
      code: "Success",
    },
    {
      name: "an init container counts when it is the largest",
      pod: makePod("p", {
        requests: { cpu: "1" },
        spec: { initContainers: [{ name: "init", resources: { requests: { cpu: "6" } } }] },
      }),
      existing: [makePod("e", { requests: { cpu: "5" } })],
      code: "Unschedulable",
      reasons: ["Insufficient cpu"],
    },
    {
      name: "overhead counts",
      pod: makePod("p", { requests: { cpu: "5" }, spec: { overhead: { cpu: "100m" } } }),
      existing: [makePod("e", { requests: { cpu: "5" } })],
      code: "Unschedulable",
      reasons: ["Insufficient cpu"],
    },
  ];
  for (const entry of cases) {
    test(entry.name, () => {
      const result = new NodeResourcesFitPlugin().filter(new CycleState(), infoOf(entry.pod), nodeInfoWith(node, entry.existing));
      assert.equal(result.code, entry.code);
      if (entry.reasons !== undefined) assert.deepEqual(result.reasons, entry.reasons);
    });
  }
});

describe("score", () => {
  const twoContainers = makePod("p", {
    spec: {
      containers: [
        { name: "a", resources: { requests: { cpu: "1000m", memory: "2000" } } },
        { name: "b", resources: { requests: { cpu: "2000m", memory: "3000" } } },
      ],
    },
  });
  const sized = (name: string, milliCpu: number, memory: number) =>
    makeNode(name, { allocatable: { cpu: `${milliCpu}m`, memory: String(memory), pods: "110" } });
  const cases: { name: string; strategy: "LeastAllocated" | "MostAllocated"; pod: Pod; nodes: [string, number, number][]; existing?: Pod[]; expected: number[] }[] = [
    {
      name: "least allocated, differently sized nodes",
      strategy: "LeastAllocated",
      pod: twoContainers,
      nodes: [["n1", 4000, 10000], ["n2", 6000, 10000]],
      expected: [37, 50],
    },
    {
      name: "most allocated, differently sized nodes",
      strategy: "MostAllocated",
      pod: twoContainers,
      nodes: [["n1", 4000, 10000], ["n2", 6000, 10000]],
      expected: [62, 50],
    },
    {
      name: "least allocated, a request beyond the node scores zero for that resource",
      strategy: "LeastAllocated",
      pod: twoContainers,
      nodes: [["n1", 2000, 10000]],
      expected: [25],
    },
    {
      name: "an empty pod counts as 100m and 200Mi when scoring",
      strategy: "LeastAllocated",
      pod: makePod("p"),
      nodes: [["n1", 1000, 2 * 200 * 1024 * 1024]],
      // cpu: 900/1000 -> 90; memory: half -> 50
      expected: [70],
    },
  ];
  cases.push({
    name: "least allocated, a node without memory is scored on cpu alone",
    strategy: "LeastAllocated",
    pod: twoContainers,
    nodes: [["n1", 4000, 0]],
    expected: [25],
  });
  for (const entry of cases) {
    test(entry.name, () => {
      // The defaults themselves take a shortcut; an equal list of our own goes the general way: both must agree.
      for (const resources of [DEFAULT_SCORED_RESOURCES, [...DEFAULT_SCORED_RESOURCES]]) {
        const plugin = new NodeResourcesFitPlugin({ strategy: entry.strategy, resources });
        const scores = entry.nodes.map(([name, cpu, memory]) =>
          plugin.score(new CycleState(), infoOf(entry.pod), nodeInfoWith(sized(name, cpu, memory), entry.existing ?? [])),
        );
        assert.deepEqual(scores, entry.expected);
      }
    });
  }
});

describe("RequestedToCapacityRatio scoring", () => {
  const cases: { name: string; shape: { utilization: number; score: number }[]; requested: number; capacity: number; expected: number }[] = [
    { name: "rising line at half use", shape: [{ utilization: 0, score: 0 }, { utilization: 100, score: 10 }], requested: 2, capacity: 4, expected: 50 },
    { name: "falling line at a quarter", shape: [{ utilization: 0, score: 10 }, { utilization: 100, score: 0 }], requested: 1, capacity: 4, expected: 75 },
    { name: "flat before the first point", shape: [{ utilization: 50, score: 4 }, { utilization: 100, score: 10 }], requested: 1, capacity: 10, expected: 40 },
    { name: "interpolated between inner points", shape: [{ utilization: 0, score: 0 }, { utilization: 50, score: 10 }, { utilization: 100, score: 0 }], requested: 3, capacity: 4, expected: 50 },
    { name: "over capacity counts as full", shape: [{ utilization: 0, score: 0 }, { utilization: 100, score: 10 }], requested: 9, capacity: 4, expected: 100 },
    { name: "no capacity counts as full", shape: [{ utilization: 0, score: 10 }, { utilization: 100, score: 2 }], requested: 0, capacity: 0, expected: 20 },
  ];
  for (const { name, shape, requested, capacity, expected } of cases) {
    test(name, () => assert.equal(requestedToCapacityRatioScorer(shape)(requested, capacity), expected));
  }
});
