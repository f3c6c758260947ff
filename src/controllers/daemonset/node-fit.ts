// Where a DaemonSet's pods belong (upstream's NodeShouldRunDaemonPod): a node
// fits when the pod's nodeName, nodeSelector and required node affinity allow
// it and the pod tolerates the node's NoSchedule and NoExecute taints. Daemon
// pods carry extra tolerations so node trouble does not evict them, and are
// pinned to their node by a matchFields term the scheduler honours.
import type { Node, Pod, PodSpec, Taint, Toleration } from "kubernetes-types/core/v1";
import { NodeInfo } from "../../scheduler/framework/node-info.ts";
import { compileNodeSelectorTerms } from "../../scheduler/plugins/node-selector.ts";
import { tolerationsTolerateTaint } from "../../scheduler/plugins/tolerations.ts";

const exists = (key: string, effect: "NoSchedule" | "NoExecute"): Toleration => ({ key, operator: "Exists", effect });

/** The tolerations upstream adds to every daemon pod (network-unavailable only for host-network pods). */
export function daemonTolerations(hostNetwork: boolean): Toleration[] {
  return [
    exists("node.kubernetes.io/not-ready", "NoExecute"),
    exists("node.kubernetes.io/unreachable", "NoExecute"),
    exists("node.kubernetes.io/disk-pressure", "NoSchedule"),
    exists("node.kubernetes.io/memory-pressure", "NoSchedule"),
    exists("node.kubernetes.io/pid-pressure", "NoSchedule"),
    exists("node.kubernetes.io/unschedulable", "NoSchedule"),
    ...(hostNetwork ? [exists("node.kubernetes.io/network-unavailable", "NoSchedule")] : []),
  ];
}

function sameToleration(a: Toleration, b: Toleration): boolean {
  return (a.key ?? "") === (b.key ?? "") && (a.operator ?? "Equal") === (b.operator ?? "Equal") && (a.value ?? "") === (b.value ?? "") && (a.effect ?? "") === (b.effect ?? "") && a.tolerationSeconds === b.tolerationSeconds;
}

/** spec with the daemon tolerations added where an identical one is not already present. */
export function withDaemonTolerations(spec: PodSpec): PodSpec {
  const tolerations = [...(spec.tolerations ?? [])];
  for (const toleration of daemonTolerations(spec.hostNetwork === true)) {
    if (!tolerations.some((existing) => sameToleration(existing, toleration))) tolerations.push(toleration);
  }
  return { ...spec, tolerations };
}

/**
 * spec with its required node affinity replaced by one term naming nodeName:
 * the node already satisfied the old terms, and the scheduler then has exactly
 * one choice. Preferred terms stay.
 */
export function pinnedToNode(spec: PodSpec, nodeName: string): PodSpec {
  const affinity = spec.affinity ?? {};
  return {
    ...spec,
    affinity: {
      ...affinity,
      nodeAffinity: {
        ...affinity.nodeAffinity,
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: [nodeName] }] }] },
      },
    },
  };
}

/** The node a daemon pod runs on, or is pinned to while it waits for the scheduler. */
export function targetNodeOf(pod: Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  for (const term of pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const field of term.matchFields ?? []) {
      const [only] = field.values ?? [];
      if (field.key === "metadata.name" && field.operator === "In" && field.values?.length === 1 && only !== undefined) return only;
    }
  }
  return undefined;
}

export interface NodeFit {
  /** A daemon pod should be created here. */
  shouldRun: boolean;
  /** A daemon pod already here may stay (only untolerated NoSchedule taints block it). */
  shouldContinueRunning: boolean;
}

const noFit: NodeFit = { shouldRun: false, shouldContinueRunning: false };

export function nodeFit(node: Node, templateSpec: PodSpec | undefined): NodeFit {
  const spec = withDaemonTolerations(templateSpec ?? { containers: [] });
  const nodeName = node.metadata?.name ?? "";
  if (spec.nodeName && spec.nodeName !== nodeName) return noFit;
  const labels = node.metadata?.labels ?? {};
  for (const [key, value] of Object.entries(spec.nodeSelector ?? {})) if (labels[key] !== value) return noFit;
  const terms = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms !== undefined && !compileNodeSelectorTerms(terms)(new NodeInfo(node))) return noFit;
  const untolerated = (node.spec?.taints ?? []).filter((taint: Taint) => (taint.effect === "NoSchedule" || taint.effect === "NoExecute") && !tolerationsTolerateTaint(spec.tolerations ?? [], taint));
  if (untolerated.length === 0) return { shouldRun: true, shouldContinueRunning: true };
  return { shouldRun: false, shouldContinueRunning: !untolerated.some((taint) => taint.effect === "NoExecute") };
}
