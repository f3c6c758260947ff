import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Node, Pod } from "kubernetes-types/core/v1";
import { CycleState } from "../framework/cycle-state.ts";
import { Framework } from "../framework/framework.ts";
import type { PodInfo } from "../framework/pod-info.ts";
import { infoOf, makeNode, makePod, snapshotOf } from "../testing/objects.ts";
import { defaultProfile } from "./default-profile.ts";
import { numCandidatesToTry, pickCandidate, type Candidate } from "./default-preemption.ts";

const sized = (name: string, cpu: string) => makeNode(name, { allocatable: { cpu, memory: "8Gi", pods: "110" } });
const running = (name: string, nodeName: string, priority: number, cpu: string, startTime = "2024-01-01T00:00:00Z") =>
  makePod(name, { nodeName, priority, requests: { cpu }, startTime });

function preempt(nodes: Node[], existing: Pod[], pod: Pod): string {
  const framework = new Framework(defaultProfile({ random: () => 0 }), () => 0);
  const result = framework.schedulePod(new CycleState(), infoOf(pod), snapshotOf(nodes, existing));
  if (result.kind !== "Unschedulable") return result.kind;
  if (result.nominatedNodeName === undefined) return result.error.message;
  return `${result.nominatedNodeName}: ${result.victims.map((victim) => victim.name).join(",")}`;
}

describe("victim selection through the scheduling cycle", () => {
  const cases: { name: string; nodes: Node[]; existing: Pod[]; pod: Pod; expected: string }[] = [
    {
      name: "the node whose most important victim is least important",
      nodes: [sized("a", "2"), sized("b", "2")],
      existing: [running("a-pod", "a", 10, "2"), running("b-pod", "b", 5, "2")],
      pod: makePod("p", { priority: 100, requests: { cpu: "1" } }),
      expected: "b: b-pod",
    },
    {
      name: "fewest victims when priorities tie",
      nodes: [sized("a", "2"), sized("b", "2")],
      existing: [running("a1", "a", 1, "1"), running("a2", "a", 1, "1"), running("b1", "b", 1, "2")],
      pod: makePod("p", { priority: 100, requests: { cpu: "2" } }),
      expected: "b: b1",
    },
    {
      name: "victims that are not needed are reprieved, most important first",
      nodes: [sized("a", "3")],
      existing: [running("low", "a", 1, "1"), running("mid", "a", 2, "1"), running("high", "a", 3, "1")],
      pod: makePod("p", { priority: 100, requests: { cpu: "1" } }),
      expected: "a: low",
    },
    {
      name: "pods of equal or higher priority are never victims",
      nodes: [sized("a", "2")],
      existing: [running("same", "a", 100, "1"), running("lower", "a", 1, "1")],
      pod: makePod("p", { priority: 100, requests: { cpu: "2" } }),
      expected:
        "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 Insufficient cpu..",
    },
    {
      name: "the lower sum of priorities wins",
      nodes: [sized("a", "2"), sized("b", "2")],
      existing: [running("a1", "a", 5, "1"), running("a2", "a", 5, "1"), running("b1", "b", 5, "1"), running("b2", "b", 1, "1")],
      pod: makePod("p", { priority: 100, requests: { cpu: "2" } }),
      expected: "b: b1,b2",
    },
    {
      name: "preemptionPolicy Never",
      nodes: [sized("a", "1")],
      existing: [running("low", "a", 0, "1")],
      pod: makePod("p", { priority: 100, requests: { cpu: "1" }, spec: { containers: [{ name: "c", resources: { requests: { cpu: "1" } } }], preemptionPolicy: "Never" } }),
      expected: "0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never..",
    },
  ];
  for (const entry of cases) {
    test(entry.name, () => assert.equal(preempt(entry.nodes, entry.existing, entry.pod), entry.expected));
  }
});

describe("pickCandidate tie-breakers", () => {
  const victim = (name: string, priority: number, startTime: number): PodInfo => ({
    ...infoOf(makePod(name, { priority })),
    startTime,
  });
  const cases: { name: string; candidates: Candidate[]; expected: string }[] = [
    {
      name: "latest start among the most important victims",
      candidates: [
        { nodeName: "older", victims: [victim("x", 5, 1000)] },
        { nodeName: "newer", victims: [victim("y", 5, 2000)] },
      ],
      expected: "newer",
    },
    {
      name: "a node with no victims wins at once",
      candidates: [
        { nodeName: "a", victims: [victim("x", 0, 0)] },
        { nodeName: "free", victims: [] },
      ],
      expected: "free",
    },
    {
      name: "negative priorities still sum correctly",
      candidates: [
        { nodeName: "a", victims: [victim("x", -5, 0), victim("y", -5, 0)] },
        { nodeName: "b", victims: [victim("z", -5, 0)] },
      ],
      expected: "b",
    },
    {
      name: "all equal: the first",
      candidates: [
        { nodeName: "a", victims: [victim("x", 1, 0)] },
        { nodeName: "b", victims: [victim("y", 1, 0)] },
      ],
      expected: "a",
    },
  ];
  for (const entry of cases) {
    test(entry.name, () => assert.equal(pickCandidate(entry.candidates)?.nodeName, entry.expected));
  }
});

test("numCandidatesToTry: 10% of nodes, at least 100, at most all", () => {
  assert.deepEqual([10, 100, 500, 5000].map(numCandidatesToTry), [10, 100, 100, 500]);
});
