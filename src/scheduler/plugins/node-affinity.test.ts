import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { NodeSelectorTerm, PreferredSchedulingTerm } from "kubernetes-types/core/v1";
import { CycleState } from "../framework/cycle-state.ts";
import { infoOf, makeNode, makePod, nodeInfoWith } from "../testing/objects.ts";
import { NODE_AFFINITY_MISMATCH, NodeAffinityPlugin } from "./node-affinity.ts";

const plugin = new NodeAffinityPlugin();

describe("filter", () => {
  const cases: {
    name: string;
    nodeSelector?: Record<string, string>;
    terms?: NodeSelectorTerm[];
    labels: Record<string, string>;
    nodeName?: string;
    fits: boolean;
  }[] = [
    { name: "no constraints", labels: {}, fits: true },
    { name: "nodeSelector matches", nodeSelector: { foo: "bar" }, labels: { foo: "bar", baz: "x" }, fits: true },
    { name: "nodeSelector value differs", nodeSelector: { foo: "bar" }, labels: { foo: "baz" }, fits: false },
    { name: "nodeSelector label missing", nodeSelector: { foo: "bar" }, labels: {}, fits: false },
    { name: "In matches", terms: [{ matchExpressions: [{ key: "zone", operator: "In", values: ["a", "b"] }] }], labels: { zone: "b" }, fits: true },
    { name: "NotIn excludes", terms: [{ matchExpressions: [{ key: "zone", operator: "NotIn", values: ["a"] }] }], labels: { zone: "a" }, fits: false },
    { name: "NotIn accepts a missing label", terms: [{ matchExpressions: [{ key: "zone", operator: "NotIn", values: ["a"] }] }], labels: {}, fits: true },
    { name: "Exists", terms: [{ matchExpressions: [{ key: "gpu", operator: "Exists" }] }], labels: { gpu: "" }, fits: true },
    { name: "DoesNotExist", terms: [{ matchExpressions: [{ key: "gpu", operator: "DoesNotExist" }] }], labels: { gpu: "" }, fits: false },
    { name: "Gt compares integers", terms: [{ matchExpressions: [{ key: "cores", operator: "Gt", values: ["8"] }] }], labels: { cores: "16" }, fits: true },
    { name: "Gt fails on a smaller value", terms: [{ matchExpressions: [{ key: "cores", operator: "Gt", values: ["8"] }] }], labels: { cores: "8" }, fits: false },
    { name: "Lt with a non-integer label", terms: [{ matchExpressions: [{ key: "cores", operator: "Lt", values: ["8"] }] }], labels: { cores: "four" }, fits: false },
    {
      name: "expressions in a term are ANDed",
      terms: [{ matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }, { key: "gpu", operator: "Exists" }] }],
      labels: { zone: "a" },
      fits: false,
    },
    {
      name: "terms are ORed",
      terms: [{ matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] }, { matchExpressions: [{ key: "gpu", operator: "Exists" }] }],
      labels: { gpu: "yes" },
      fits: true,
    },
    { name: "an empty term matches nothing", terms: [{}], labels: { zone: "a" }, fits: false },
    { name: "no terms at all matches nothing", terms: [], labels: { zone: "a" }, fits: false },
    { name: "matchFields on the node name", terms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["n1"] }] }], labels: {}, nodeName: "n1", fits: true },
    { name: "matchFields on another node name", terms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["n1"] }] }], labels: {}, nodeName: "n2", fits: false },
    {
      name: "nodeSelector and affinity must both hold",
      nodeSelector: { foo: "bar" },
      terms: [{ matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] }],
      labels: { zone: "a" },
      fits: false,
    },
  ];
  for (const entry of cases) {
    test(entry.name, () => {
      const pod = infoOf(
        makePod("p", {
          spec: {
            containers: [],
            nodeSelector: entry.nodeSelector,
            affinity:
              entry.terms === undefined
                ? undefined
                : { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: entry.terms } } },
          },
        }),
      );
      const state = new CycleState();
      const preFilter = plugin.preFilter(state, pod).status.code;
      assert.equal(preFilter, entry.nodeSelector === undefined && entry.terms === undefined ? "Skip" : "Success");
      const result = plugin.filter(state, pod, nodeInfoWith(makeNode(entry.nodeName ?? "n", { labels: entry.labels })));
      assert.equal(result.code, entry.fits ? "Success" : "UnschedulableAndUnresolvable");
      if (!entry.fits) assert.deepEqual(result.reasons, [NODE_AFFINITY_MISMATCH]);
    });
  }
});

describe("score", () => {
  const preferred: PreferredSchedulingTerm[] = [
    { weight: 2, preference: { matchExpressions: [{ key: "foo", operator: "In", values: ["bar"] }] } },
    { weight: 4, preference: { matchExpressions: [{ key: "key", operator: "In", values: ["value"] }] } },
    { weight: 5, preference: { matchExpressions: [{ key: "foo", operator: "In", values: ["bar"] }, { key: "key", operator: "In", values: ["value"] }] } },
  ];
  const cases: { name: string; nodeLabels: Record<string, string>[]; expected: number[] }[] = [
    { name: "all preferred terms on one node", nodeLabels: [{ foo: "bar" }, { key: "value" }, { foo: "bar", key: "value" }], expected: [18, 36, 100] },
    { name: "no node matches", nodeLabels: [{}, { other: "x" }], expected: [0, 0] },
  ];
  for (const entry of cases) {
    test(entry.name, () => {
      const pod = infoOf(makePod("p", { spec: { containers: [], affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: preferred } } } }));
      const nodes = entry.nodeLabels.map((labels, index) => nodeInfoWith(makeNode(`n${index}`, { labels })));
      const state = new CycleState();
      assert.equal(plugin.preScore(state, pod).code, "Success");
      const scores = nodes.map((node) => plugin.score(state, pod, node));
      plugin.normalizeScores(state, pod, scores);
      assert.deepEqual(scores, entry.expected);
    });
  }

  test("a pod without preferred terms skips scoring", () => {
    assert.equal(plugin.preScore(new CycleState(), infoOf(makePod("p"))).code, "Skip");
  });
});
