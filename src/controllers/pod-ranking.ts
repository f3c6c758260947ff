// Which pods a ReplicaSet deletes first when it has too many: upstream's
// ActivePodsWithRanks order (with PodDeletionCost and LogarithmicScaleDown, both
// on by default), so the pods a user sees survive a scale-down are the ones
// Kubernetes would keep. Also the pod-state predicates controllers share.
import type { Pod } from "kubernetes-types/core/v1";

export const podDeletionCostAnnotation = "controller.kubernetes.io/pod-deletion-cost";

/** Neither finished nor being deleted. */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== "Succeeded" && phase !== "Failed" && pod.metadata?.deletionTimestamp == null;
}

function readyCondition(pod: Pod) {
  return pod.status?.conditions?.find((condition) => condition.type === "Ready");
}

export function isPodReady(pod: Pod): boolean {
  return readyCondition(pod)?.status === "True";
}

/** Ready for at least minReadySeconds at nowMs. */
export function isPodAvailable(pod: Pod, minReadySeconds: number, nowMs: number): boolean {
  const ready = readyCondition(pod);
  if (ready?.status !== "True") return false;
  if (minReadySeconds <= 0) return true;
  const since = ready.lastTransitionTime === undefined ? NaN : Date.parse(ready.lastTransitionTime);
  return !Number.isNaN(since) && since + minReadySeconds * 1000 <= nowMs;
}

/** Milliseconds until pod becomes available, if it is ready but not yet for long enough. */
export function msUntilAvailable(pod: Pod, minReadySeconds: number, nowMs: number): number | undefined {
  const ready = readyCondition(pod);
  if (ready?.status !== "True" || minReadySeconds <= 0 || ready.lastTransitionTime === undefined) return undefined;
  const remaining = Date.parse(ready.lastTransitionTime) + minReadySeconds * 1000 - nowMs;
  return remaining > 0 ? remaining : undefined;
}

const phaseOrdinal: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function deletionCost(pod: Pod): number {
  const text = pod.metadata?.annotations?.[podDeletionCostAnnotation];
  if (text === undefined || !/^-?\d+$/.test(text)) return 0;
  const cost = Number(text);
  return cost >= -(2 ** 31) && cost < 2 ** 31 ? cost : 0;
}

function timeMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

function maxRestarts(pod: Pod): number {
  let max = 0;
  for (const status of [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])]) {
    max = Math.max(max, status.restartCount);
  }
  return max;
}

/** The power-of-two age bucket (in nanoseconds, like upstream) a time falls in; -1 for the future. */
function ageBucket(ms: number, nowMs: number): number {
  const ageNs = (nowMs - ms) * 1e6;
  return ageNs > 0 ? Math.floor(Math.log2(ageNs)) : -1;
}

/**
 * Negative when a should go before b by time: a missing time first, then the
 * newer one; times in the same power-of-two age bucket are broken by uid so
 * scale-downs spread randomly over pods of similar age.
 */
function compareByAge(a: Pod, b: Pod, timeA: number | undefined, timeB: number | undefined, nowMs: number): number {
  if (timeA === timeB) return 0;
  if (timeA === undefined) return -1;
  if (timeB === undefined) return 1;
  const bucketDiff = ageBucket(timeA, nowMs) - ageBucket(timeB, nowMs);
  if (bucketDiff !== 0) return bucketDiff;
  const uidA = a.metadata?.uid ?? "";
  const uidB = b.metadata?.uid ?? "";
  return uidA < uidB ? -1 : uidA > uidB ? 1 : 0;
}

interface RankedPod {
  pod: Pod;
  /** How many related pods share this pod's node: doubled-up pods go first. */
  colocated: number;
}

function compareForDeletion(a: RankedPod, b: RankedPod, nowMs: number): number {
  const nodeA = a.pod.spec?.nodeName ?? "";
  const nodeB = b.pod.spec?.nodeName ?? "";
  if (nodeA !== nodeB && (nodeA === "" || nodeB === "")) return nodeA === "" ? -1 : 1;
  const phaseA = phaseOrdinal[a.pod.status?.phase ?? ""] ?? 0;
  const phaseB = phaseOrdinal[b.pod.status?.phase ?? ""] ?? 0;
  if (phaseA !== phaseB) return phaseA - phaseB;
  const readyA = isPodReady(a.pod);
  const readyB = isPodReady(b.pod);
  if (readyA !== readyB) return readyA ? 1 : -1;
  const costDiff = deletionCost(a.pod) - deletionCost(b.pod);
  if (costDiff !== 0) return costDiff;
  if (a.colocated !== b.colocated) return b.colocated - a.colocated;
  if (readyA && readyB) {
    const byReadyTime = compareByAge(a.pod, b.pod, timeMs(readyCondition(a.pod)?.lastTransitionTime), timeMs(readyCondition(b.pod)?.lastTransitionTime), nowMs);
    if (byReadyTime !== 0) return byReadyTime;
  }
  const restartDiff = maxRestarts(b.pod) - maxRestarts(a.pod);
  if (restartDiff !== 0) return restartDiff;
  return compareByAge(a.pod, b.pod, timeMs(a.pod.metadata?.creationTimestamp), timeMs(b.pod.metadata?.creationTimestamp), nowMs);
}

/**
 * The count pods of candidates to delete, best victims first. relatedPods are
 * the active pods of every ReplicaSet of the same owner: a node crowded with
 * them loses its pods first.
 */
export function podsToDelete(candidates: readonly Pod[], relatedPods: readonly Pod[], count: number, nowMs: number): Pod[] {
  if (count >= candidates.length) return [...candidates];
  const perNode = new Map<string, number>();
  for (const pod of relatedPods) {
    const node = pod.spec?.nodeName ?? "";
    if (node !== "" && isPodActive(pod)) perNode.set(node, (perNode.get(node) ?? 0) + 1);
  }
  const ranked = candidates.map((pod) => ({ pod, colocated: perNode.get(pod.spec?.nodeName ?? "") ?? 0 }));
  ranked.sort((a, b) => compareForDeletion(a, b, nowMs));
  return ranked.slice(0, count).map(({ pod }) => pod);
}
