// Which cluster event an informer update is, for requeueing pods that a
// plugin rejected: only changes a plugin can observe count, so the kubelet's
// status heartbeats and the scheduler's own status writes move nothing.
import type { Node, Pod } from "kubernetes-types/core/v1";
import type { ClusterEvent } from "./framework/plugin.ts";
import { podRequests } from "./framework/pod-info.ts";

const sameJson = (left: unknown, right: unknown) => JSON.stringify(left ?? null) === JSON.stringify(right ?? null);

/** The first scheduling-relevant change of a Node, or undefined when none (conditions, heartbeats). */
export function nodeUpdateEvent(previous: Node, next: Node): ClusterEvent | undefined {
  if (!sameJson(previous.metadata?.labels, next.metadata?.labels)) return { resource: "Node", action: "UpdateNodeLabel" };
  if (!sameJson(previous.spec?.taints, next.spec?.taints) || (previous.spec?.unschedulable ?? false) !== (next.spec?.unschedulable ?? false)) {
    return { resource: "Node", action: "UpdateNodeTaint" };
  }
  if (!sameJson(previous.status?.allocatable, next.status?.allocatable)) return { resource: "Node", action: "UpdateNodeAllocatable" };
  if (!sameJson(previous.status?.images, next.status?.images)) return { resource: "Node", action: "Update" };
  return undefined;
}

/** How a bound pod changed, as the plugins that count pods on nodes see it. */
export function assignedPodUpdateEvent(previous: Pod, next: Pod): ClusterEvent | undefined {
  if (!sameJson(previous.metadata?.labels, next.metadata?.labels)) return { resource: "Pod", action: "UpdatePodLabel" };
  const before = podRequests(previous);
  const after = podRequests(next);
  if (after.requests.milliCpu < before.requests.milliCpu || after.requests.memory < before.requests.memory) {
    return { resource: "Pod", action: "UpdatePodScaleDown" };
  }
  return undefined;
}

/**
 * Whether a pending pod changed in a way that may change where it fits:
 * writes to status (the scheduler's own condition), resourceVersion and
 * managed fields do not.
 */
export function pendingPodChanged(previous: Pod, next: Pod): boolean {
  return (
    !sameJson(previous.spec, next.spec) ||
    !sameJson(previous.metadata?.labels, next.metadata?.labels) ||
    !sameJson(previous.metadata?.annotations, next.metadata?.annotations) ||
    (previous.metadata?.deletionTimestamp ?? null) !== (next.metadata?.deletionTimestamp ?? null)
  );
}
