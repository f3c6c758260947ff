import { test } from "node:test";
import assert from "node:assert/strict";
import { numFeasibleNodesToFind } from "./nodes-to-score.ts";

const cases: { allNodes: number; percentage?: number; expected: number }[] = [
  { allNodes: 10, expected: 10 },
  { allNodes: 99, percentage: 10, expected: 99 },
  { allNodes: 100, expected: 100 },
  // 50 - 1000/125 = 42%
  { allNodes: 1000, expected: 420 },
  // 50 - 5000/125 = 10%
  { allNodes: 5000, expected: 500 },
  // 50 - 6000/125 = 2% -> floor of 5%
  { allNodes: 6000, expected: 300 },
  { allNodes: 1000, percentage: 40, expected: 400 },
  // an explicit share never goes below 100 nodes
  { allNodes: 1000, percentage: 5, expected: 100 },
  { allNodes: 1000, percentage: 100, expected: 1000 },
  { allNodes: 150, percentage: 50, expected: 100 },
];

for (const { allNodes, percentage, expected } of cases) {
  test(`numFeasibleNodesToFind(${allNodes}, ${percentage ?? "adaptive"}) = ${expected}`, () => {
    assert.equal(numFeasibleNodesToFind(allNodes, percentage), expected);
  });
}
