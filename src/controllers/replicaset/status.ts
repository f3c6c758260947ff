// A ReplicaSet's status from the pods it owns, and how many pods to add or
// remove (upstream's calculateStatus and manageReplicas arithmetic).
import type { ReplicaSet, ReplicaSetCondition, ReplicaSetStatus } from "kubernetes-types/apps/v1";
import type { Pod } from "kubernetes-types/core/v1";
import { isPodAvailable, isPodReady, msUntilAvailable } from "../pod-ranking.ts";

/** Upstream's burstReplicas: the most pods one sync creates or deletes. */
export const burstReplicas = 500;

/** Positive: pods to create; negative: pods to delete. */
export function replicaDiff(rs: ReplicaSet, activePods: readonly Pod[]): number {
  const diff = (rs.spec?.replicas ?? 1) - activePods.length;
  return Math.max(-burstReplicas, Math.min(burstReplicas, diff));
}

function fullyLabeled(pod: Pod, templateLabels: Record<string, string>): boolean {
  const labels = pod.metadata?.labels ?? {};
  return Object.entries(templateLabels).every(([key, value]) => labels[key] === value);
}

/** The failure a create or delete met during this sync, if any. */
export interface ManageFailure {
  reason: "FailedCreate" | "FailedDelete";
  message: string;
}

export function calculateStatus(rs: ReplicaSet, activePods: readonly Pod[], failure: ManageFailure | undefined, nowMs: number): ReplicaSetStatus {
  const templateLabels = rs.spec?.template?.metadata?.labels ?? {};
  const minReadySeconds = rs.spec?.minReadySeconds ?? 0;
  const status: ReplicaSetStatus = {
    replicas: activePods.length,
    fullyLabeledReplicas: activePods.filter((pod) => fullyLabeled(pod, templateLabels)).length,
    readyReplicas: activePods.filter(isPodReady).length,
    availableReplicas: activePods.filter((pod) => isPodAvailable(pod, minReadySeconds, nowMs)).length,
    observedGeneration: rs.metadata?.generation ?? 0,
  };
  const conditions = (rs.status?.conditions ?? []).filter((c) => c.type !== "ReplicaFailure");
  const previousFailure = rs.status?.conditions?.find((c) => c.type === "ReplicaFailure");
  if (failure !== undefined) {
    const kept = previousFailure ?? replicaFailure(failure, nowMs);
    conditions.push(kept);
  }
  if (conditions.length > 0) status.conditions = conditions;
  return status;
}

function replicaFailure(failure: ManageFailure, nowMs: number): ReplicaSetCondition {
  return { type: "ReplicaFailure", status: "True", reason: failure.reason, message: failure.message, lastTransitionTime: new Date(Math.floor(nowMs / 1000) * 1000).toISOString().replace(".000Z", "Z") };
}

/** When a ready pod will count as available (minReadySeconds), so status is refreshed then. */
export function msUntilNextAvailable(rs: ReplicaSet, activePods: readonly Pod[], nowMs: number): number | undefined {
  const waits = activePods.map((pod) => msUntilAvailable(pod, rs.spec?.minReadySeconds ?? 0, nowMs)).filter((ms): ms is number => ms !== undefined);
  return waits.length === 0 ? undefined : Math.min(...waits);
}
