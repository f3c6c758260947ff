import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Node, Pod } from "kubernetes-types/core/v1";
import { defaultProfile } from "../plugins/default-profile.ts";
import { makeNode, makePod, snapshotOf, infoOf } from "../testing/objects.ts";
import { CycleState } from "./cycle-state.ts";
import { Framework, type ScheduleResult } from "./framework.ts";
import type { AnyPlugin } from "./plugin.ts";
import { SUCCESS } from "./status.ts";

const sized = (name: string, cpu: string, extra: Parameters<typeof makeNode>[1] = {}) =>
  makeNode(name, { allocatable: { cpu, memory: "8Gi", pods: "110" }, ...extra });

function schedule(nodes: Node[], existing: Pod[], pod: Pod, random = () => 0.5): ScheduleResult {
  const framework = new Framework(defaultProfile({ random }), random);
  return framework.schedulePod(new CycleState(), infoOf(pod), snapshotOf(nodes, existing));
}

function describeResult(result: ScheduleResult): string {
  switch (result.kind) {
    case "Scheduled":
      return `Scheduled ${result.nodeName}`;
    case "Unschedulable":
      return result.nominatedNodeName === undefined
        ? result.error.message
        : `nominated ${result.nominatedNodeName}, evicting ${result.victims.map((victim) => victim.name).join(",")}`;
    case "Error":
      return `Error ${result.error.message}`;
  }
}

describe("scheduling cycle with the default profile", () => {
  const cases: { name: string; nodes: Node[]; existing?: Pod[]; pod: Pod; expected: string }[] = [
    {
      name: "picks the node with the most room",
      nodes: [sized("a", "4"), sized("b", "8"), sized("c", "2")],
      pod: makePod("p", { requests: { cpu: "1", memory: "1Gi" } }),
      expected: "Scheduled b",
    },
    {
      name: "a single feasible node wins without scoring",
      nodes: [sized("a", "1"), sized("b", "4"), sized("c", "1")],
      pod: makePod("p", { requests: { cpu: "2" } }),
      expected: "Scheduled b",
    },
    {
      name: "no room anywhere and nothing to evict",
      nodes: [sized("a", "1"), sized("b", "1"), sized("c", "1")],
      existing: ["a", "b", "c"].map((node) => makePod(`e-${node}`, { nodeName: node, requests: { cpu: "500m" } })),
      pod: makePod("p", { requests: { cpu: "900m" } }),
      expected:
        "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod..",
    },
    {
      name: "taints everywhere: preemption cannot help",
      nodes: [sized("a", "4", { taints: [{ key: "k", value: "v", effect: "NoSchedule" }] }), sized("b", "4", { taints: [{ key: "k", value: "v", effect: "NoSchedule" }] })],
      pod: makePod("p"),
      expected:
        "0/2 nodes are available: 2 node(s) had untolerated taint {k: v}. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling..",
    },
    {
      name: "mixed reasons",
      nodes: [
        sized("a", "4", { unschedulable: true, labels: { disk: "ssd" } }),
        sized("b", "2", { labels: { disk: "ssd" } }),
        sized("c", "4", { labels: { disk: "hdd" } }),
      ],
      existing: [makePod("e", { nodeName: "b", requests: { cpu: "1" } })],
      pod: makePod("p", { requests: { cpu: "2" }, spec: { containers: [{ name: "c", resources: { requests: { cpu: "2" } } }], nodeSelector: { disk: "ssd" } } }),
      expected:
        "0/3 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) were unschedulable. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling..",
    },
    {
      name: "a higher-priority pod preempts a lower one",
      nodes: [sized("a", "2"), sized("b", "2")],
      existing: [
        makePod("important", { nodeName: "a", priority: 1000, requests: { cpu: "2" } }),
        makePod("batch", { nodeName: "b", priority: 0, requests: { cpu: "2" } }),
      ],
      pod: makePod("p", { priority: 500, requests: { cpu: "1" } }),
      expected: "nominated b, evicting batch",
    },
    {
      name: "no cluster at all",
      nodes: [],
      pod: makePod("p"),
      expected: "no nodes available to schedule pods",
    },
  ];
  for (const entry of cases) {
    test(entry.name, () => {
      assert.equal(describeResult(schedule(entry.nodes, entry.existing ?? [], entry.pod)), entry.expected);
    });
  }

  test("ties go to a node chosen by the injected random", () => {
    const nodes = [sized("a", "4"), sized("b", "4"), sized("c", "4")];
    // Reservoir sampling: with random 0 every later tie replaces the choice; just below 1, none does.
    assert.equal(describeResult(schedule(nodes, [], makePod("p"), () => 0)), "Scheduled c");
    assert.equal(describeResult(schedule(nodes, [], makePod("p"), () => 0.999)), "Scheduled a");
  });

  test("every tie is as likely: draws spread evenly over [0, 1) pick each tied node equally often", () => {
    // "d" has less room, so it scores lower and is never picked.
    const nodes = [sized("a", "4"), sized("b", "4"), sized("d", "2"), sized("c", "4")];
    const picks = new Map<string, number>();
    for (let step = 0; step < 30; step++) {
      const result = describeResult(schedule(nodes, [], makePod("p", { requests: { cpu: "1" } }), () => step / 30));
      picks.set(result, (picks.get(result) ?? 0) + 1);
    }
    assert.deepEqual(Object.fromEntries(picks), { "Scheduled c": 10, "Scheduled b": 10, "Scheduled a": 10 });
  });

  test("the unschedulable plugins are recorded for the queue", () => {
    const result = schedule([sized("a", "1"), sized("b", "4", { unschedulable: true })], [], makePod("p", { requests: { cpu: "2" } }));
    assert.equal(result.kind, "Unschedulable");
    if (result.kind === "Unschedulable") {
      assert.deepEqual([...result.error.diagnosis.unschedulablePlugins].sort(), ["NodeResourcesFit", "NodeUnschedulable"]);
    }
  });
});

describe("partial search over a large cluster", () => {
  test("evaluates the adaptive share of nodes and resumes where it stopped", () => {
    const nodes = Array.from({ length: 1000 }, (_, index) => sized(`n${String(index).padStart(4, "0")}`, "4"));
    const framework = new Framework(defaultProfile(), () => 0.5);
    const snapshot = snapshotOf(nodes);
    const first = framework.schedulePod(new CycleState(), infoOf(makePod("p1")), snapshot);
    assert.equal(first.kind === "Scheduled" && first.evaluatedNodes, 420);
    assert.equal(framework.nextStartNodeIndex, 420);
    framework.schedulePod(new CycleState(), infoOf(makePod("p2")), snapshot);
    framework.schedulePod(new CycleState(), infoOf(makePod("p3")), snapshot);
    assert.equal(framework.nextStartNodeIndex, (420 * 3) % 1000);
  });

  test("failing nodes count as evaluated", () => {
    const nodes = Array.from({ length: 200 }, (_, index) => sized(`n${index}`, index % 2 === 0 ? "1" : "4"));
    const framework = new Framework({ ...defaultProfile(), percentageOfNodesToScore: 10 }, () => 0.5);
    const result = framework.schedulePod(new CycleState(), infoOf(makePod("p", { requests: { cpu: "2" } })), snapshotOf(nodes));
    // 10% of 200 is below the floor of 100 feasible nodes: it must walk all 200 to find 100 odd ones.
    assert.equal(result.kind === "Scheduled" && result.evaluatedNodes, 200);
    assert.equal(result.kind === "Scheduled" && result.feasibleNodes, 100);
  });
});

describe("plugin failures", () => {
  const nodes = [sized("a", "4"), sized("b", "4")];
  const cases: { name: string; plugin: AnyPlugin; expected: RegExp }[] = [
    {
      name: "a filter that throws",
      plugin: {
        name: "Broken",
        filter: () => {
          throw new Error("boom");
        },
      },
      expected: /^Error scheduling default\/p: Error: boom$/,
    },
    {
      name: "a filter that reports an error status",
      plugin: { name: "Broken", filter: () => ({ code: "Error", reasons: ["disk on fire"] }) },
      expected: /^Error running Filter plugin Broken: disk on fire$/,
    },
    {
      name: "a score out of range",
      plugin: { name: "Greedy", score: () => 101 },
      expected: /^Error plugin Greedy returns an invalid score 101/,
    },
  ];
  for (const entry of cases) {
    test(entry.name, () => {
      const framework = new Framework({ schedulerName: "test", plugins: [entry.plugin] });
      const result = framework.schedulePod(new CycleState(), infoOf(makePod("p")), snapshotOf(nodes));
      assert.match(describeResult(result), entry.expected);
    });
  }

  test("weights multiply normalized scores", () => {
    const prefer = (name: string, favourite: string): AnyPlugin => ({
      name,
      score: (_state, _pod, nodeInfo) => (nodeInfo.name === favourite ? 100 : 0),
    });
    const framework = new Framework({
      schedulerName: "test",
      plugins: [prefer("LikesA", "a"), prefer("LikesB", "b")],
      scoreWeights: new Map([["LikesB", 2]]),
    });
    assert.equal(describeResult(framework.schedulePod(new CycleState(), infoOf(makePod("p")), snapshotOf(nodes))), "Scheduled b");
  });
});

describe("reserve, permit and bind", () => {
  test("unreserve runs in reverse order; permit waits for the shortest timeout; the first non-skipping binder binds", async () => {
    const calls: string[] = [];
    const reserving = (name: string, fails = false): AnyPlugin => ({
      name,
      reserve: () => {
        calls.push(`reserve ${name}`);
        return fails ? { code: "Unschedulable", reasons: [] } : SUCCESS;
      },
      unreserve: () => {
        calls.push(`unreserve ${name}`);
      },
    });
    const framework = new Framework({
      schedulerName: "test",
      plugins: [
        reserving("R1"),
        reserving("R2", true),
        { name: "P1", permit: () => ({ status: { code: "Wait", reasons: [] }, timeoutMs: 5000 }) },
        { name: "P2", permit: () => ({ status: { code: "Wait", reasons: [] }, timeoutMs: 2000 }) },
        { name: "B1", bind: async () => ({ code: "Skip", reasons: [] }) },
        { name: "B2", bind: async () => SUCCESS },
      ],
    });
    const state = new CycleState();
    const pod = infoOf(makePod("p"));
    const reserved = framework.runReserve(state, pod, "a");
    assert.deepEqual(reserved, { code: "Unschedulable", reasons: ["rejected by plugin R2"] });
    framework.runUnreserve(state, pod, "a");
    assert.deepEqual(calls, ["reserve R1", "reserve R2", "unreserve R2", "unreserve R1"]);
    const permit = framework.runPermit(state, pod, "a");
    assert.deepEqual([permit.status.code, permit.timeoutMs], ["Wait", 2000]);
    assert.equal((await framework.runBind(state, pod, "a")).code, "Success");
  });
});
