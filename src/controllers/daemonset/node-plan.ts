// Which daemon pods to create and delete so every fitting node runs exactly
// one (upstream's manage loop): create on fitting nodes without one; delete
// succeeded pods and (within a per-node back-off) failed ones, so the next
// round recreates them; delete extra pods on one
// node (the oldest stays), every pod on nodes that stopped fitting, and
// unbound pods aimed at nodes that no longer exist. With surge, a node may keep an old
// ready pod beside its new unready one.
import type { Pod } from "kubernetes-types/core/v1";
import { isPodReady } from "../pod-ranking.ts";
import { revisionHashLabel } from "../statefulset/controller-history.ts";
import { targetNodeOf, type NodeFit } from "./node-fit.ts";

/** Claimed pods grouped by their target node; pods with no target are left out, as upstream does. */
export function podsByNode(pods: readonly Pod[]): Map<string, Pod[]> {
  const grouped = new Map<string, Pod[]>();
  for (const pod of pods) {
    const node = targetNodeOf(pod);
    if (node === undefined) continue;
    const list = grouped.get(node);
    if (list === undefined) grouped.set(node, [pod]);
    else list.push(pod);
  }
  return grouped;
}

/** Scheduled pods before unscheduled ones, then oldest first, then by name. */
export function oldestFirst(a: Pod, b: Pod): number {
  const aScheduled = Boolean(a.spec?.nodeName);
  const bScheduled = Boolean(b.spec?.nodeName);
  if (aScheduled !== bScheduled) return aScheduled ? -1 : 1;
  const aTime = Date.parse(a.metadata?.creationTimestamp ?? "") || 0;
  const bTime = Date.parse(b.metadata?.creationTimestamp ?? "") || 0;
  if (aTime !== bTime) return aTime - bTime;
  return (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? "");
}

export interface NodePlanInput {
  /** Every node by name, with how the daemon pod fits it. */
  fits: ReadonlyMap<string, NodeFit>;
  podsByNode: ReadonlyMap<string, readonly Pod[]>;
  /** The current template's revision hash. */
  hash: string;
  /** The rolling update may surge (maxSurge > 0). */
  allowSurge: boolean;
  /** Milliseconds before a failed pod on node may be replaced (0: now). */
  failedPodWaitMs: (node: string) => number;
}

export interface NodePlan {
  createOn: string[];
  deletePods: Pod[];
  /** Set when a failed pod waits out its back-off: look again then. */
  retryAfterMs?: number;
}

export function planNodes(input: NodePlanInput): NodePlan {
  const plan: NodePlan = { createOn: [], deletePods: [] };
  for (const [node, fit] of [...input.fits].sort(([a], [b]) => a.localeCompare(b))) {
    const pods = input.podsByNode.get(node) ?? [];
    if (fit.shouldRun && pods.length === 0) {
      plan.createOn.push(node);
      continue;
    }
    if (!fit.shouldContinueRunning) {
      plan.deletePods.push(...pods.filter((pod) => pod.metadata?.deletionTimestamp == null));
      continue;
    }
    planFittingNode(node, fit, pods, input, plan);
  }
  // Bound pods of a vanished node are the pod garbage collector's; unbound ones would wait forever.
  for (const [node, pods] of input.podsByNode) {
    if (!input.fits.has(node)) plan.deletePods.push(...pods.filter((pod) => pod.metadata?.deletionTimestamp == null && !pod.spec?.nodeName));
  }
  return plan;
}

function planFittingNode(node: string, fit: NodeFit, pods: readonly Pod[], input: NodePlanInput, plan: NodePlan): void {
  const running: Pod[] = [];
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp != null) continue;
    if (pod.status?.phase === "Failed") {
      const waitMs = input.failedPodWaitMs(node);
      if (waitMs > 0) plan.retryAfterMs = Math.min(plan.retryAfterMs ?? waitMs, waitMs);
      else plan.deletePods.push(pod);
    } else if (pod.status?.phase === "Succeeded") {
      plan.deletePods.push(pod);
    } else {
      running.push(pod);
    }
  }
  running.sort(oldestFirst);
  if (!input.allowSurge) {
    plan.deletePods.push(...running.slice(1));
    return;
  }
  if (running.length === 0) {
    if (fit.shouldRun) plan.createOn.push(node);
    return;
  }
  // Surging keeps two pods only while the oldest new one is not ready and the oldest old one is.
  let oldestNew: Pod | undefined;
  let oldestOld: Pod | undefined;
  for (const pod of running) {
    const isNew = pod.metadata?.labels?.[revisionHashLabel] === input.hash;
    if (isNew && oldestNew === undefined) oldestNew = pod;
    else if (!isNew && oldestOld === undefined) oldestOld = pod;
    else plan.deletePods.push(pod);
  }
  if (oldestNew !== undefined && oldestOld !== undefined && (!isPodReady(oldestOld) || isPodReady(oldestNew))) plan.deletePods.push(oldestOld);
}
