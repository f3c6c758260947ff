import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Affinity, Pod } from "kubernetes-types/core/v1";
import { CycleState } from "../framework/cycle-state.ts";
import { Framework } from "../framework/framework.ts";
import { snapshotFromObjects } from "../framework/snapshot.ts";
import { infoOf, makeNode, makePod } from "../testing/objects.ts";
import { DefaultPreemptionPlugin } from "./default-preemption.ts";
import {
  AFFINITY_RULES_NOT_MATCH,
  ANTI_AFFINITY_RULES_NOT_MATCH,
  EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH,
  InterPodAffinityPlugin,
} from "./inter-pod-affinity.ts";
import { NodeResourcesFitPlugin } from "./node-resources-fit.ts";

const ZONE = "topology.kubernetes.io/zone";
const HOST = "kubernetes.io/hostname";
const nodes = [
  makeNode("a", { labels: { [ZONE]: "z1" } }),
  makeNode("b", { labels: { [ZONE]: "z1" } }),
  makeNode("c", { labels: { [ZONE]: "z2" } }),
  makeNode("d"),
];
const namespaces = [
  { metadata: { name: "default", labels: { team: "web" } } },
  { metadata: { name: "other", labels: { team: "data" } } },
];

const required = (kind: "podAffinity" | "podAntiAffinity", app: string, topologyKey: string, extra: object = {}): Affinity => ({
  [kind]: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app } }, topologyKey, ...extra }] },
});
const preferred = (kind: "podAffinity" | "podAntiAffinity", app: string, weight: number): Affinity => ({
  [kind]: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight, podAffinityTerm: { labelSelector: { matchLabels: { app } }, topologyKey: ZONE } }] },
});
const pod = (name: string, options: { app?: string; nodeName?: string; affinity?: Affinity; namespace?: string; priority?: number; cpu?: string }) =>
  makePod(name, {
    labels: options.app === undefined ? undefined : { app: options.app },
    nodeName: options.nodeName,
    namespace: options.namespace,
    priority: options.priority,
    requests: options.cpu === undefined ? undefined : { cpu: options.cpu },
    spec: { containers: [{ name: "c", resources: options.cpu === undefined ? undefined : { requests: { cpu: options.cpu } } }], nodeName: options.nodeName, affinity: options.affinity },
  });
const db = pod("db", { app: "db", nodeName: "a" });

function verdicts(incoming: Pod, existing: Pod[]): string[] {
  const plugin = new InterPodAffinityPlugin();
  const snapshot = snapshotFromObjects(nodes, existing, namespaces);
  const state = new CycleState();
  const podInfo = infoOf(incoming);
  const preFilter = plugin.preFilter(state, podInfo, snapshot).status;
  if (preFilter.code === "Skip") return ["Skip"];
  return snapshot.nodeInfos.map((nodeInfo) => {
    const result = plugin.filter(state, podInfo, nodeInfo);
    return result.code === "Success" ? "ok" : `${result.code}: ${result.reasons.join(", ")}`;
  });
}

describe("filter", () => {
  const affinityMiss = `UnschedulableAndUnresolvable: ${AFFINITY_RULES_NOT_MATCH}`;
  const antiMiss = `Unschedulable: ${ANTI_AFFINITY_RULES_NOT_MATCH}`;
  const existingMiss = `Unschedulable: ${EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH}`;
  const cases: { name: string; incoming: Pod; existing: Pod[]; expected: string[] }[] = [
    { name: "no terms anywhere: skipped", incoming: pod("p", {}), existing: [db], expected: ["Skip"] },
    {
      name: "affinity to a pod's zone",
      incoming: pod("p", { affinity: required("podAffinity", "db", ZONE) }),
      existing: [db],
      expected: ["ok", "ok", affinityMiss, affinityMiss],
    },
    {
      name: "anti-affinity to a pod's host",
      incoming: pod("p", { affinity: required("podAntiAffinity", "db", HOST) }),
      existing: [db],
      expected: [antiMiss, "ok", "ok", "ok"],
    },
    {
      name: "an existing pod's anti-affinity keeps the pod out of its zone",
      incoming: pod("p", { app: "web" }),
      existing: [pod("loner", { nodeName: "a", affinity: required("podAntiAffinity", "web", ZONE) })],
      expected: [existingMiss, existingMiss, "ok", "ok"],
    },
    {
      name: "the first pod of a self-affine group goes anywhere with the topology label",
      incoming: pod("p", { app: "web", affinity: required("podAffinity", "web", ZONE) }),
      existing: [db],
      expected: ["ok", "ok", "ok", affinityMiss],
    },
    {
      name: "a term without namespaces looks only in the pod's own namespace",
      incoming: pod("p", { affinity: required("podAffinity", "db", ZONE) }),
      existing: [pod("db", { app: "db", nodeName: "a", namespace: "other" })],
      expected: [affinityMiss, affinityMiss, affinityMiss, affinityMiss],
    },
    {
      name: "a namespace selector reaches other namespaces",
      incoming: pod("p", { affinity: required("podAffinity", "db", ZONE, { namespaceSelector: { matchLabels: { team: "data" } } }) }),
      existing: [pod("db", { app: "db", nodeName: "a", namespace: "other" })],
      expected: ["ok", "ok", affinityMiss, affinityMiss],
    },
  ];
  for (const entry of cases) {
    test(entry.name, () => assert.deepEqual(verdicts(entry.incoming, entry.existing), entry.expected));
  }
});

describe("score", () => {
  const cases: { name: string; incoming: Pod; existing: Pod[]; expected: number[] | "Skip" }[] = [
    { name: "preferred affinity", incoming: pod("p", { affinity: preferred("podAffinity", "db", 5) }), existing: [db], expected: [100, 100, 0, 0] },
    { name: "preferred anti-affinity", incoming: pod("p", { affinity: preferred("podAntiAffinity", "db", 5) }), existing: [db], expected: [0, 0, 100, 100] },
    {
      name: "an existing pod's preferred affinity draws the pod",
      incoming: pod("p", { app: "web" }),
      existing: [db, pod("fan", { nodeName: "c", affinity: preferred("podAffinity", "web", 3) })],
      expected: [0, 0, 100, 0],
    },
    { name: "nothing to score", incoming: pod("p", {}), existing: [db], expected: "Skip" },
  ];
  for (const entry of cases) {
    test(entry.name, () => {
      const plugin = new InterPodAffinityPlugin();
      const snapshot = snapshotFromObjects(nodes, entry.existing, namespaces);
      const state = new CycleState();
      const podInfo = infoOf(entry.incoming);
      const verdict = plugin.preScore(state, podInfo, snapshot.nodeInfos, snapshot);
      if (entry.expected === "Skip") return assert.equal(verdict.code, "Skip");
      const scores = snapshot.nodeInfos.map((nodeInfo) => plugin.score(state, podInfo, nodeInfo));
      plugin.normalizeScores(state, podInfo, scores);
      assert.deepEqual(scores, entry.expected);
    });
  }
});

test("preemption evicts the pod that the anti-affinity rejects", () => {
  const framework = new Framework({
    schedulerName: "test",
    plugins: [new NodeResourcesFitPlugin(), new InterPodAffinityPlugin(), new DefaultPreemptionPlugin(() => 0)],
  });
  const snapshot = snapshotFromObjects(
    [makeNode("a", { labels: { [ZONE]: "z1" } })],
    [pod("db", { app: "db", nodeName: "a", priority: 0 }), pod("other", { app: "x", nodeName: "a", priority: 0 })],
    namespaces,
  );
  const incoming = infoOf(pod("p", { priority: 10, affinity: required("podAntiAffinity", "db", HOST) }));
  const result = framework.schedulePod(new CycleState(), incoming, snapshot);
  assert.equal(result.kind, "Unschedulable");
  if (result.kind === "Unschedulable") {
    assert.equal(result.nominatedNodeName, "a");
    assert.deepEqual(result.victims.map((victim) => victim.name), ["db"]);
  }
});
