import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ReplicaSet } from "kubernetes-types/apps/v1";
import type { Node, Pod, PodSpec, Service, TopologySpreadConstraint } from "kubernetes-types/core/v1";
import { CycleState } from "../framework/cycle-state.ts";
import { snapshotFromObjects } from "../framework/snapshot.ts";
import { infoOf, makeNode, makePod } from "../testing/objects.ts";
import { defaultProfile } from "./default-profile.ts";
import {
  CONSTRAINTS_NOT_MATCH,
  NODE_LABEL_NOT_MATCH,
  POD_TOPOLOGY_SPREAD,
  PodTopologySpreadPlugin,
  defaultSpreadSelector,
  type SpreadOwners,
} from "./pod-topology-spread.ts";

const ZONE = "topology.kubernetes.io/zone";
const HOST = "kubernetes.io/hostname";
const zoned = [
  makeNode("a", { labels: { [ZONE]: "z1" } }),
  makeNode("b", { labels: { [ZONE]: "z1" } }),
  makeNode("x", { labels: { [ZONE]: "z2" } }),
  makeNode("y", { labels: { [ZONE]: "z2" } }),
];
const zoneless = makeNode("c");

type Hard = Omit<TopologySpreadConstraint, "whenUnsatisfiable" | "labelSelector" | "maxSkew"> & Partial<TopologySpreadConstraint>;
const spread = (whenUnsatisfiable: "DoNotSchedule" | "ScheduleAnyway", topologyKey: string, extra: Partial<Hard> = {}): TopologySpreadConstraint => ({
  maxSkew: 1,
  topologyKey,
  whenUnsatisfiable,
  labelSelector: { matchExpressions: [{ key: "foo", operator: "Exists" }] },
  ...extra,
});
const hard = (topologyKey: string, extra: Partial<Hard> = {}) => spread("DoNotSchedule", topologyKey, extra);
const soft = (topologyKey: string, extra: Partial<Hard> = {}) => spread("ScheduleAnyway", topologyKey, extra);

const incoming = (constraints: TopologySpreadConstraint[], spec: Partial<PodSpec> = {}, labels: Record<string, string> = { foo: "" }) =>
  makePod("incoming", { labels, spec: { topologySpreadConstraints: constraints, ...spec } });
/** Existing pods "<node>:<count>" carrying the label foo. */
const placed = (...counts: [string, number][]): Pod[] =>
  counts.flatMap(([node, count]) =>
    Array.from({ length: count }, (_, index) => makePod(`${node}${index}`, { labels: { foo: "" }, nodeName: node })),
  );

function verdicts(pod: Pod, existing: Pod[], nodes: Node[] = zoned): string[] {
  const plugin = new PodTopologySpreadPlugin();
  const snapshot = snapshotFromObjects(nodes, existing);
  const state = new CycleState();
  const info = infoOf(pod);
  const preFilter = plugin.preFilter(state, info, snapshot).status;
  if (preFilter.code !== "Success") return [preFilter.code];
  return snapshot.nodeInfos.map((nodeInfo) => {
    const result = plugin.filter(state, info, nodeInfo);
    return result.code === "Success" ? "ok" : `${result.code}: ${result.reasons.join(", ")}`;
  });
}

describe("filter", () => {
  const skewed = `Unschedulable: ${CONSTRAINTS_NOT_MATCH}`;
  const unlabeled = `UnschedulableAndUnresolvable: ${NODE_LABEL_NOT_MATCH}`;
  const cases: { name: string; pod: Pod; existing: Pod[]; nodes?: Node[]; expected: string[] }[] = [
    { name: "no constraints: skipped", pod: incoming([]), existing: placed(["a", 3]), expected: ["Skip"] },
    { name: "only soft constraints: skipped", pod: incoming([soft(ZONE)]), existing: [], expected: ["Skip"] },
    { name: "no existing pods: every node fits", pod: incoming([hard(ZONE)]), existing: [], expected: ["ok", "ok", "ok", "ok"] },
    {
      name: "zones 3/1, maxSkew 1: only the emptier zone",
      pod: incoming([hard(ZONE)]),
      existing: placed(["a", 2], ["b", 1], ["x", 1]),
      expected: [skewed, skewed, "ok", "ok"],
    },
    {
      name: "zones 2/1, maxSkew 1: only the emptier zone",
      pod: incoming([hard(ZONE)]),
      existing: placed(["a", 1], ["b", 1], ["x", 1]),
      expected: [skewed, skewed, "ok", "ok"],
    },
    {
      name: "zones 2/1, maxSkew 2: every node fits",
      pod: incoming([hard(ZONE, { maxSkew: 2 })]),
      existing: placed(["a", 1], ["b", 1], ["x", 1]),
      expected: ["ok", "ok", "ok", "ok"],
    },
    {
      name: "an incoming pod that does not match its own selector adds nothing",
      pod: incoming([hard(ZONE)], {}, { bar: "" }),
      existing: placed(["a", 1], ["b", 1], ["x", 1]),
      expected: ["ok", "ok", "ok", "ok"],
    },
    {
      name: "hostnames 2/1/1/0: only the empty node",
      pod: incoming([hard(HOST)]),
      existing: placed(["a", 2], ["b", 1], ["x", 1]),
      expected: [skewed, skewed, skewed, "ok"],
    },
    {
      name: "zone and hostname together: both must hold",
      pod: incoming([hard(ZONE), hard(HOST)]),
      existing: placed(["a", 2], ["x", 1]),
      expected: [skewed, skewed, skewed, "ok"],
    },
    {
      name: "a node without the topology label is unresolvable and its pods do not count",
      pod: incoming([hard(ZONE)]),
      existing: placed(["a", 1], ["c", 5]),
      nodes: [...zoned, zoneless],
      expected: [skewed, skewed, "ok", "ok", unlabeled],
    },
    {
      name: "minDomains above the domain count makes the global minimum 0",
      pod: incoming([hard(ZONE, { minDomains: 3 })]),
      existing: placed(["a", 1], ["x", 1]),
      expected: [skewed, skewed, skewed, skewed],
    },
    {
      name: "minDomains met: the real minimum applies",
      pod: incoming([hard(ZONE, { minDomains: 2 })]),
      existing: placed(["a", 1], ["x", 1]),
      expected: ["ok", "ok", "ok", "ok"],
    },
    {
      name: "pods in other namespaces and terminating pods do not count",
      pod: incoming([hard(ZONE)]),
      existing: [
        makePod("other", { namespace: "other", labels: { foo: "" }, nodeName: "a" }),
        { ...makePod("leaving", { labels: { foo: "" }, nodeName: "a" }), metadata: { name: "leaving", namespace: "default", labels: { foo: "" }, deletionTimestamp: "2024-01-01T00:00:00Z" } },
      ],
      expected: ["ok", "ok", "ok", "ok"],
    },
    {
      name: "nodeAffinityPolicy Honor (default): zones outside the pod's node selector are not domains",
      pod: incoming([hard(ZONE)], { nodeSelector: { [ZONE]: "z1" } }),
      existing: placed(["a", 2]),
      expected: ["ok", "ok", "ok", "ok"],
    },
    {
      name: "nodeAffinityPolicy Ignore: the empty zone outside the selector counts",
      pod: incoming([hard(ZONE, { nodeAffinityPolicy: "Ignore" })], { nodeSelector: { [ZONE]: "z1" } }),
      existing: placed(["a", 2]),
      expected: [skewed, skewed, "ok", "ok"],
    },
    {
      name: "nodeTaintsPolicy Ignore (default): the empty tainted node is a domain",
      pod: incoming([hard(HOST)]),
      existing: placed(["a", 1], ["b", 1], ["x", 1]),
      nodes: [...zoned.slice(0, 3), makeNode("y", { labels: { [ZONE]: "z2" }, taints: [{ key: "k", effect: "NoSchedule" }] })],
      expected: [skewed, skewed, skewed, "ok"],
    },
    {
      name: "nodeTaintsPolicy Honor: the untolerated tainted node is left out",
      pod: incoming([hard(HOST, { nodeTaintsPolicy: "Honor" })]),
      existing: placed(["a", 1], ["b", 1], ["x", 1]),
      nodes: [...zoned.slice(0, 3), makeNode("y", { labels: { [ZONE]: "z2" }, taints: [{ key: "k", effect: "NoSchedule" }] })],
      expected: ["ok", "ok", "ok", "ok"],
    },
    {
      name: "matchLabelKeys count only pods with the incoming pod's value",
      pod: incoming([hard(ZONE, { matchLabelKeys: ["version"] })], {}, { foo: "", version: "v2" }),
      existing: [1, 2].map((index) => makePod(`old${index}`, { labels: { foo: "", version: "v1" }, nodeName: "a" })),
      expected: ["ok", "ok", "ok", "ok"],
    },
    {
      name: "without matchLabelKeys every version counts",
      pod: incoming([hard(ZONE)], {}, { foo: "", version: "v2" }),
      existing: [1, 2].map((index) => makePod(`old${index}`, { labels: { foo: "", version: "v1" }, nodeName: "a" })),
      expected: [skewed, skewed, "ok", "ok"],
    },
  ];
  for (const entry of cases) {
    test(entry.name, () => assert.deepEqual(verdicts(entry.pod, entry.existing, entry.nodes), entry.expected));
  }

  test("an invalid label selector is an error", () => {
    const pod = incoming([hard(ZONE, { labelSelector: { matchExpressions: [{ key: "foo", operator: "Near" }] } })]);
    assert.deepEqual(verdicts(pod, []), ["Error"]);
  });
});

test("pre-filter extensions track pods added and removed by preemption, on a clone", () => {
  const plugin = new PodTopologySpreadPlugin();
  const existing = placed(["a", 2], ["b", 1], ["x", 1], ["y", 1]);
  const snapshot = snapshotFromObjects(zoned, existing);
  const pod = infoOf(incoming([hard(HOST)]));
  const state = new CycleState();
  plugin.preFilter(state, pod, snapshot);
  const [nodeA, , , nodeY] = snapshot.nodeInfos;
  assert.ok(nodeA !== undefined && nodeY !== undefined);
  const fits = (cycle: CycleState) => snapshot.nodeInfos.map((nodeInfo) => plugin.filter(cycle, pod, nodeInfo).code);

  const trial = state.clone();
  plugin.preFilterExtensions.removePod(trial, pod, infoOf(existing[0] as Pod), nodeA);
  assert.deepEqual(fits(trial), ["Success", "Success", "Success", "Success"]);
  assert.deepEqual(fits(state), ["Unschedulable", "Success", "Success", "Success"]);

  plugin.preFilterExtensions.removePod(trial, pod, infoOf(existing[4] as Pod), nodeY);
  assert.deepEqual(fits(trial), ["Unschedulable", "Unschedulable", "Unschedulable", "Success"]);

  const otherNamespace = infoOf(makePod("stranger", { namespace: "other", labels: { foo: "" } }));
  plugin.preFilterExtensions.addPod(trial, pod, otherNamespace, nodeY);
  assert.deepEqual(fits(trial), ["Unschedulable", "Unschedulable", "Unschedulable", "Success"]);
});

const replicaSet: ReplicaSet = {
  metadata: { name: "web-1", namespace: "default" },
  spec: { selector: { matchLabels: { foo: "" } }, template: {} },
};
const owners = (services: Service[] = []): SpreadOwners => ({
  services: (namespace) => services.filter((service) => (service.metadata?.namespace ?? "default") === namespace),
  replicationController: () => undefined,
  replicaSet: (namespace, name) => (namespace === "default" && name === "web-1" ? replicaSet : undefined),
  statefulSet: () => undefined,
});
const ownedPod = (name: string, nodeName?: string) =>
  makePod(name, { labels: { foo: "", tier: "web" }, nodeName, spec: {} });
const ownedBy = (pod: Pod): Pod => ({
  ...pod,
  metadata: { ...pod.metadata, ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-1", uid: "rs", controller: true }] },
});

describe("score", () => {
  const cases: {
    name: string;
    pod: Pod;
    existing: Pod[];
    nodes?: Node[];
    plugin?: PodTopologySpreadPlugin;
    expected: number[] | "Skip";
  }[] = [
    { name: "no soft constraints and no owners: skipped", pod: incoming([hard(ZONE)]), existing: placed(["a", 1]), expected: "Skip" },
    { name: "no existing pods: all nodes equal", pod: incoming([soft(ZONE)]), existing: [], expected: [100, 100, 100, 100] },
    {
      name: "hostname 2/1/0/0: fewer matching pods score higher",
      pod: incoming([soft(HOST)]),
      existing: placed(["a", 2], ["b", 1]),
      expected: [0, 50, 100, 100],
    },
    {
      name: "zones 2/1",
      pod: incoming([soft(ZONE)]),
      existing: placed(["a", 1], ["b", 1], ["x", 1]),
      expected: [33, 33, 100, 100],
    },
    {
      name: "a node without the topology key is ignored and scores 0",
      pod: incoming([soft(ZONE)]),
      existing: placed(["a", 1], ["b", 1], ["x", 1]),
      nodes: [...zoned, zoneless],
      expected: [33, 33, 100, 100, 0],
    },
    {
      name: "system defaults spread a ReplicaSet's pods over hosts and zones, zoneless nodes included",
      pod: ownedBy(ownedPod("incoming")),
      existing: [ownedPod("p1", "a"), ownedPod("p2", "x"), ownedPod("p3", "x")],
      nodes: [zoned[0] as Node, zoned[1] as Node, zoned[2] as Node, zoneless],
      plugin: new PodTopologySpreadPlugin({ owners: owners() }),
      expected: [46, 53, 15, 100],
    },
    {
      name: "system defaults need something the pod belongs to",
      pod: ownedPod("incoming"),
      existing: [ownedPod("p1", "a")],
      plugin: new PodTopologySpreadPlugin({ owners: owners() }),
      expected: "Skip",
    },
    {
      name: "listed default constraints require every topology key",
      pod: ownedBy(ownedPod("incoming")),
      existing: [ownedPod("p1", "a"), ownedPod("p2", "x"), ownedPod("p3", "x")],
      nodes: [zoned[0] as Node, zoned[1] as Node, zoned[2] as Node, zoneless],
      plugin: new PodTopologySpreadPlugin({ owners: owners(), defaultConstraints: [soft(ZONE, { labelSelector: undefined })] }),
      expected: [100, 100, 33, 0],
    },
  ];
  for (const entry of cases) {
    test(entry.name, () => {
      const plugin = entry.plugin ?? new PodTopologySpreadPlugin();
      const snapshot = snapshotFromObjects(entry.nodes ?? zoned, entry.existing);
      const state = new CycleState();
      const info = infoOf(entry.pod);
      const verdict = plugin.preScore(state, info, snapshot.nodeInfos, snapshot);
      if (entry.expected === "Skip") return assert.equal(verdict.code, "Skip");
      assert.equal(verdict.code, "Success");
      const scores = snapshot.nodeInfos.map((nodeInfo) => plugin.score(state, info, nodeInfo));
      plugin.normalizeScores(state, info, scores, snapshot.nodeInfos);
      assert.deepEqual(scores, entry.expected);
    });
  }
});

describe("default spread selector", () => {
  const service = (name: string, selector: Record<string, string> | undefined, namespace = "default"): Service => ({
    metadata: { name, namespace },
    spec: { selector },
  });
  const cases: { name: string; pod: Pod; services: Service[]; expected: string }[] = [
    { name: "nothing owns the pod", pod: ownedPod("p"), services: [], expected: "" },
    { name: "a selecting Service", pod: ownedPod("p"), services: [service("web", { tier: "web" })], expected: "tier=web" },
    {
      name: "Services that do not select the pod, or live elsewhere, or select nothing, add nothing",
      pod: ownedPod("p"),
      services: [service("db", { tier: "db" }), service("web", { tier: "web" }, "other"), service("headless", undefined)],
      expected: "",
    },
    {
      name: "a controlling ReplicaSet adds its selector",
      pod: ownedBy(ownedPod("p")),
      services: [service("web", { tier: "web" })],
      expected: "foo=,tier=web",
    },
  ];
  for (const entry of cases) {
    test(entry.name, () => assert.equal(defaultSpreadSelector(entry.pod, owners(entry.services)).toString(), entry.expected));
  }
});

test("the default profile runs the plugin", () => {
  const names = defaultProfile().plugins.map((plugin) => plugin.name);
  assert.ok(names.indexOf(POD_TOPOLOGY_SPREAD) > names.indexOf("NodeResourcesFit"));
  assert.ok(names.indexOf(POD_TOPOLOGY_SPREAD) < names.indexOf("InterPodAffinity"));
});
