import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Taint, Toleration } from "kubernetes-types/core/v1";
import { CycleState } from "../framework/cycle-state.ts";
import { infoOf, makeNode, makePod, nodeInfoWith } from "../testing/objects.ts";
import { TaintTolerationPlugin } from "./taint-toleration.ts";

const plugin = new TaintTolerationPlugin();

describe("filter", () => {
  const cases: { name: string; taints: Taint[]; tolerations: Toleration[]; code: string; reason?: string }[] = [
    { name: "no taints", taints: [], tolerations: [], code: "Success" },
    {
      name: "untolerated NoSchedule",
      taints: [{ key: "dedicated", value: "user1", effect: "NoSchedule" }],
      tolerations: [],
      code: "UnschedulableAndUnresolvable",
      reason: "node(s) had untolerated taint {dedicated: user1}",
    },
    {
      name: "tolerated by an equal key and value",
      taints: [{ key: "dedicated", value: "user1", effect: "NoSchedule" }],
      tolerations: [{ key: "dedicated", operator: "Equal", value: "user1", effect: "NoSchedule" }],
      code: "Success",
    },
    {
      name: "a different value does not tolerate",
      taints: [{ key: "dedicated", value: "user1", effect: "NoSchedule" }],
      tolerations: [{ key: "dedicated", operator: "Equal", value: "user2", effect: "NoSchedule" }],
      code: "UnschedulableAndUnresolvable",
      reason: "node(s) had untolerated taint {dedicated: user1}",
    },
    {
      name: "Exists with no effect tolerates every effect",
      taints: [{ key: "foo", value: "bar", effect: "NoExecute" }],
      tolerations: [{ key: "foo", operator: "Exists" }],
      code: "Success",
    },
    {
      name: "PreferNoSchedule never filters",
      taints: [{ key: "foo", value: "bar", effect: "PreferNoSchedule" }],
      tolerations: [],
      code: "Success",
    },
    {
      name: "the first untolerated taint is named",
      taints: [
        { key: "a", value: "1", effect: "NoSchedule" },
        { key: "b", value: "2", effect: "NoExecute" },
      ],
      tolerations: [{ key: "a", operator: "Exists" }],
      code: "UnschedulableAndUnresolvable",
      reason: "node(s) had untolerated taint {b: 2}",
    },
  ];
  for (const entry of cases) {
    test(entry.name, () => {
      const pod = infoOf(makePod("p", { spec: { containers: [], tolerations: entry.tolerations } }));
      const result = plugin.filter(new CycleState(), pod, nodeInfoWith(makeNode("n", { taints: entry.taints })));
      assert.equal(result.code, entry.code);
      if (entry.reason !== undefined) assert.deepEqual(result.reasons, [entry.reason]);
    });
  }
});

describe("score", () => {
  const cases: { name: string; tolerations: Toleration[]; nodeTaints: Taint[][]; expected: number[] }[] = [
    {
      name: "fewer intolerable PreferNoSchedule taints score higher",
      tolerations: [{ key: "cpu-type", operator: "Equal", value: "arm64", effect: "PreferNoSchedule" }],
      nodeTaints: [
        [],
        [{ key: "cpu-type", value: "arm64", effect: "PreferNoSchedule" }],
        [
          { key: "cpu-type", value: "x86", effect: "PreferNoSchedule" },
          { key: "disk", value: "hdd", effect: "PreferNoSchedule" },
        ],
        [{ key: "disk", value: "hdd", effect: "PreferNoSchedule" }],
      ],
      expected: [100, 100, 0, 50],
    },
    {
      name: "NoSchedule tolerations do not count for scoring",
      tolerations: [{ key: "foo", operator: "Exists", effect: "NoSchedule" }],
      nodeTaints: [[{ key: "foo", value: "bar", effect: "PreferNoSchedule" }], []],
      expected: [0, 100],
    },
    {
      name: "no taints anywhere: all nodes score 100",
      tolerations: [],
      nodeTaints: [[], []],
      expected: [100, 100],
    },
  ];
  for (const entry of cases) {
    test(entry.name, () => {
      const pod = infoOf(makePod("p", { spec: { containers: [], tolerations: entry.tolerations } }));
      const nodes = entry.nodeTaints.map((taints, index) => nodeInfoWith(makeNode(`n${index}`, { taints })));
      const state = new CycleState();
      assert.equal(plugin.preScore(state, pod).code, "Success");
      const scores = nodes.map((node) => plugin.score(state, pod, node));
      assert.equal(plugin.normalizeScores(state, pod, scores).code, "Success");
      assert.deepEqual(scores, entry.expected);
    });
  }
});
