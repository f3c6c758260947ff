// One step of a DaemonSet RollingUpdate (upstream's rollingUpdate): without
// surge, old pods are deleted (the manage loop then creates new ones) while no
// more than maxUnavailable nodes lack an available daemon pod; with surge, a
// new pod is created beside an old one on up to maxSurge nodes at a time and
// the old pod goes once the new one is available. Unavailable old pods are
// always replaced at once: they serve nothing.
import type { Pod } from "kubernetes-types/core/v1";
import { scaledValue, type IntOrPercent } from "../deployment/rollout.ts";
import { isPodAvailable } from "../pod-ranking.ts";

export interface Fenceposts {
  maxSurge: number;
  maxUnavailable: number;
}

/** Both scale against the nodes that should run the pod, rounding up; both zero means one unavailable. */
export function daemonFenceposts(maxSurge: IntOrPercent | undefined, maxUnavailable: IntOrPercent | undefined, desiredNumberScheduled: number): Fenceposts {
  const surge = scaledValue(maxSurge ?? 0, desiredNumberScheduled, true);
  const unavailable = scaledValue(maxUnavailable ?? 1, desiredNumberScheduled, true);
  if (desiredNumberScheduled > 0 && surge === 0 && unavailable === 0) return { maxSurge: 0, maxUnavailable: 1 };
  return { maxSurge: surge, maxUnavailable: unavailable };
}

export interface RollingUpdateInput {
  /** Nodes that should run the pod (with no pods: an empty list), and nodes that still have daemon pods. */
  podsByNode: ReadonlyMap<string, readonly Pod[]>;
  /** Nodes where a daemon pod should be created now (a surged node that stopped fitting is not one). */
  shouldRun: (node: string) => boolean;
  isUpdated: (pod: Pod) => boolean;
  fenceposts: Fenceposts;
  minReadySeconds: number;
  nowMs: number;
}

export interface RollingUpdateStep {
  deletePods: Pod[];
  createOn: string[];
}

type NodeState = { kind: "excess" } | { kind: "pods"; newPod?: Pod; oldPod?: Pod };

/** At most one new and one old live pod per node; more is the manage loop's business. */
function nodeState(pods: readonly Pod[], isUpdated: (pod: Pod) => boolean): NodeState {
  let newPod: Pod | undefined;
  let oldPod: Pod | undefined;
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp != null) continue;
    if (isUpdated(pod)) {
      if (newPod !== undefined) return { kind: "excess" };
      newPod = pod;
    } else {
      if (oldPod !== undefined) return { kind: "excess" };
      oldPod = pod;
    }
  }
  return { kind: "pods", ...(newPod === undefined ? {} : { newPod }), ...(oldPod === undefined ? {} : { oldPod }) };
}

export function rollingUpdateStep(input: RollingUpdateInput): RollingUpdateStep {
  return input.fenceposts.maxSurge === 0 ? withoutSurge(input) : withSurge(input);
}

function sortedNodes(input: RollingUpdateInput): Array<[string, readonly Pod[]]> {
  return [...input.podsByNode].sort(([a], [b]) => a.localeCompare(b));
}

function withoutSurge(input: RollingUpdateInput): RollingUpdateStep {
  const available = (pod: Pod) => isPodAvailable(pod, input.minReadySeconds, input.nowMs);
  let unavailable = 0;
  const replaceNow: Pod[] = [];
  const candidates: Pod[] = [];
  for (const [, pods] of sortedNodes(input)) {
    const state = nodeState(pods, input.isUpdated);
    if (state.kind === "excess" || (state.newPod === undefined) === (state.oldPod === undefined)) {
      unavailable++;
      continue;
    }
    if (state.newPod !== undefined) {
      if (!available(state.newPod)) unavailable++;
      continue;
    }
    const oldPod = state.oldPod as Pod;
    if (!available(oldPod)) replaceNow.push(oldPod);
    else if (unavailable < input.fenceposts.maxUnavailable) candidates.push(oldPod);
  }
  const room = Math.min(Math.max(input.fenceposts.maxUnavailable - unavailable, 0), candidates.length);
  return { deletePods: [...replaceNow, ...candidates.slice(0, room)], createOn: [] };
}

/**
 * Surging promises full availability, so an available old pod on a node that
 * no longer fits goes only while more pods are available than nodes want one.
 */
function withSurge(input: RollingUpdateInput): RollingUpdateStep {
  const available = (pod: Pod) => isPodAvailable(pod, input.minReadySeconds, input.nowMs);
  const deletePods: Pod[] = [];
  const leavingNodes: Pod[] = [];
  const createNow: string[] = [];
  const candidates: string[] = [];
  let surging = 0;
  let availableCount = 0;
  let desired = 0;
  for (const [node, pods] of sortedNodes(input)) {
    if (input.shouldRun(node)) desired++;
    const state = nodeState(pods, input.isUpdated);
    if (state.kind === "excess") {
      surging++;
      continue;
    }
    const { newPod, oldPod } = state;
    const counted = oldPod ?? newPod;
    if (counted !== undefined && available(counted)) availableCount++;
    if (oldPod === undefined) continue;
    if (newPod === undefined) {
      if (!available(oldPod)) {
        if (input.shouldRun(node)) createNow.push(node);
        else deletePods.push(oldPod);
      } else if (!input.shouldRun(node)) {
        leavingNodes.push(oldPod);
      } else if (surging < input.fenceposts.maxSurge) {
        candidates.push(node);
      }
      continue;
    }
    if (available(newPod)) deletePods.push(oldPod);
    else surging++;
  }
  deletePods.push(...leavingNodes.slice(0, Math.max(availableCount - desired, 0)));
  const room = Math.min(Math.max(input.fenceposts.maxSurge - surging, 0), candidates.length);
  return { deletePods, createOn: [...createNow, ...candidates.slice(0, room)] };
}
