import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Node, Pod, PodSpec, Taint } from "kubernetes-types/core/v1";
import { daemonTolerations, nodeFit, pinnedToNode, targetNodeOf, withDaemonTolerations } from "./node-fit.ts";

function node(name: string, labels: Record<string, string> = {}, taints: Taint[] = []): Node {
  return { metadata: { name, labels }, spec: { taints } };
}

const containers = [{ name: "main", image: "pause" }];

describe("nodeFit", () => {
  const cases: Array<{ name: string; node: Node; spec: PodSpec; shouldRun: boolean; shouldContinueRunning: boolean }> = [
    { name: "plain node, plain pod", node: node("a"), spec: { containers }, shouldRun: true, shouldContinueRunning: true },
    { name: "nodeSelector matches", node: node("a", { disk: "ssd" }), spec: { containers, nodeSelector: { disk: "ssd" } }, shouldRun: true, shouldContinueRunning: true },
    { name: "nodeSelector misses", node: node("a", { disk: "hdd" }), spec: { containers, nodeSelector: { disk: "ssd" } }, shouldRun: false, shouldContinueRunning: false },
    { name: "nodeName names another node", node: node("a"), spec: { containers, nodeName: "b" }, shouldRun: false, shouldContinueRunning: false },
    {
      name: "required affinity NotIn excludes",
      node: node("a", { zone: "z1" }),
      spec: { containers, affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "NotIn", values: ["z1"] }] }] } } } },
      shouldRun: false,
      shouldContinueRunning: false,
    },
    {
      name: "required affinity In admits",
      node: node("a", { zone: "z1" }),
      spec: { containers, affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "In", values: ["z1", "z2"] }] }] } } } },
      shouldRun: true,
      shouldContinueRunning: true,
    },
    { name: "untolerated NoSchedule: no new pod, the old one stays", node: node("a", {}, [{ key: "gpu", effect: "NoSchedule" }]), spec: { containers }, shouldRun: false, shouldContinueRunning: true },
    { name: "untolerated NoExecute: evicted", node: node("a", {}, [{ key: "gpu", effect: "NoExecute" }]), spec: { containers }, shouldRun: false, shouldContinueRunning: false },
    { name: "PreferNoSchedule is ignored", node: node("a", {}, [{ key: "gpu", effect: "PreferNoSchedule" }]), spec: { containers }, shouldRun: true, shouldContinueRunning: true },
    {
      name: "tolerated taint",
      node: node("a", {}, [{ key: "gpu", value: "yes", effect: "NoSchedule" }]),
      spec: { containers, tolerations: [{ key: "gpu", operator: "Equal", value: "yes", effect: "NoSchedule" }] },
      shouldRun: true,
      shouldContinueRunning: true,
    },
    { name: "unschedulable taint is tolerated by default", node: node("a", {}, [{ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" }]), spec: { containers }, shouldRun: true, shouldContinueRunning: true },
    { name: "not-ready NoExecute is tolerated by default", node: node("a", {}, [{ key: "node.kubernetes.io/not-ready", effect: "NoExecute" }]), spec: { containers }, shouldRun: true, shouldContinueRunning: true },
    { name: "network-unavailable only for host network", node: node("a", {}, [{ key: "node.kubernetes.io/network-unavailable", effect: "NoSchedule" }]), spec: { containers }, shouldRun: false, shouldContinueRunning: true },
    { name: "network-unavailable tolerated with hostNetwork", node: node("a", {}, [{ key: "node.kubernetes.io/network-unavailable", effect: "NoSchedule" }]), spec: { containers, hostNetwork: true }, shouldRun: true, shouldContinueRunning: true },
  ];
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(nodeFit(c.node, c.spec), { shouldRun: c.shouldRun, shouldContinueRunning: c.shouldContinueRunning }));
  }
});

describe("daemon pod spec", () => {
  test("default tolerations are added once, keeping the pod's own", () => {
    const spec = withDaemonTolerations(withDaemonTolerations({ containers, tolerations: [{ key: "gpu", operator: "Exists" }] }));
    assert.equal(spec.tolerations?.length, 1 + daemonTolerations(false).length);
    assert.deepEqual(spec.tolerations?.[0], { key: "gpu", operator: "Exists" });
    assert.ok(spec.tolerations?.some((t) => t.key === "node.kubernetes.io/unreachable" && t.effect === "NoExecute" && t.tolerationSeconds === undefined));
  });

  test("pinning replaces required terms with one matchFields term and keeps preferred ones", () => {
    const preferred = [{ weight: 1, preference: { matchExpressions: [{ key: "zone", operator: "In", values: ["z1"] }] } }];
    const spec = pinnedToNode(
      { containers, affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: preferred, requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "Exists" }] }] } } } },
      "n1",
    );
    assert.deepEqual(spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution, { nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["n1"] }] }] });
    assert.deepEqual(spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution, preferred);
  });

  const targets: Array<{ name: string; pod: Pod; target: string | undefined }> = [
    { name: "bound pod", pod: { spec: { containers, nodeName: "n2" } }, target: "n2" },
    { name: "pinned pod", pod: { spec: pinnedToNode({ containers }, "n3") }, target: "n3" },
    { name: "neither", pod: { spec: { containers } }, target: undefined },
  ];
  for (const c of targets) test(`target node: ${c.name}`, () => assert.equal(targetNodeOf(c.pod), c.target));
});
