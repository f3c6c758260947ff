import { test } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "kubernetes-types/core/v1";
import { CycleState } from "../framework/cycle-state.ts";
import { infoOf, makeNode, makePod, nodeInfoWith } from "../testing/objects.ts";
import { balancedScore, NodeResourcesBalancedAllocationPlugin } from "./node-resources-balanced-allocation.ts";

const sized = (name: string, milliCpu: number, memory: number) =>
  makeNode(name, { allocatable: { cpu: `${milliCpu}m`, memory: String(memory), pods: "110" } });
const requesting = (name: string, milliCpu: number, memory: number, nodeName?: string) =>
  makePod(name, { requests: { cpu: `${milliCpu}m`, memory: String(memory) }, nodeName });

const cases: { name: string; pod: Pod; nodes: [string, number, number][]; existing: Pod[]; expected: number[] }[] = [
  {
    name: "nothing scheduled, resources requested, differently sized nodes",
    pod: requesting("p", 3000, 5000),
    nodes: [["n1", 4000, 10000], ["n2", 6000, 10000]],
    existing: [],
    expected: [87, 100],
  },
  {
    name: "existing pods count with their real requests",
    pod: requesting("p", 1000, 2000),
    nodes: [["n1", 10000, 20000], ["n2", 10000, 20000]],
    existing: [requesting("a", 3000, 0, "n1"), requesting("b", 3000, 5000, "n2")],
    // n1: cpu .4, memory .1 -> 85; n2: cpu .4, memory .35 -> 97
    expected: [85, 97],
  },
  {
    name: "fractions above one are capped",
    pod: requesting("p", 8000, 5000),
    nodes: [["n1", 4000, 10000]],
    existing: [],
    expected: [75],
  },
  {
    name: "an empty pod is scored by what the node already runs",
    pod: makePod("p"),
    nodes: [["n1", 4000, 10000]],
    existing: [requesting("a", 2000, 1000, "n1")],
    expected: [80],
  },
];

for (const entry of cases) {
  test(entry.name, () => {
    const plugin = new NodeResourcesBalancedAllocationPlugin();
    const scores = entry.nodes.map(([name, cpu, memory]) =>
      plugin.score(
        new CycleState(),
        infoOf(entry.pod),
        nodeInfoWith(
          sized(name, cpu, memory),
          entry.existing.filter((pod) => pod.spec?.nodeName === name),
        ),
      ),
    );
    assert.deepEqual(scores, entry.expected);
  });
}

test("three resources use the population standard deviation", () => {
  // mean .5, deviations .3, 0, .3 -> std sqrt(.06) = .2449 -> 75
  assert.equal(balancedScore([0.2, 0.5, 0.8]), 75);
  assert.equal(balancedScore([0.3]), 100);
});
