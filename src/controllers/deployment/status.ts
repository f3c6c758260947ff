// A Deployment's status as upstream computes it from its ReplicaSets, and the
// Progressing/Available conditions `kubectl rollout status` reads. Pure: time
// comes in as nowMs.
import type { Deployment, DeploymentCondition, DeploymentStatus, ReplicaSet } from "kubernetes-types/apps/v1";
import { actualReplicaCount, availableReplicaCount, maxUnavailable, readyReplicaCount, specReplicaCount, specReplicas } from "./rollout.ts";

export type ProgressingReason =
  | "NewReplicaSetCreated"
  | "FoundNewReplicaSet"
  | "ReplicaSetUpdated"
  | "NewReplicaSetAvailable"
  | "ProgressDeadlineExceeded"
  | "ReplicaSetCreateError"
  | "DeploymentPaused"
  | "DeploymentResumed";

export type AvailableReason = "MinimumReplicasAvailable" | "MinimumReplicasUnavailable";

/** Upstream's "no deadline" value: math.MaxInt32. */
const noDeadline = 2 ** 31 - 1;

export function hasProgressDeadline(deployment: Deployment): boolean {
  const seconds = deployment.spec?.progressDeadlineSeconds;
  return seconds !== undefined && seconds !== noDeadline;
}

export function condition(type: string, status: "True" | "False" | "Unknown", reason: ProgressingReason | AvailableReason, message: string, nowMs: number): DeploymentCondition {
  const now = new Date(Math.floor(nowMs / 1000) * 1000).toISOString().replace(".000Z", "Z");
  return { type, status, reason, message, lastUpdateTime: now, lastTransitionTime: now };
}

export function findCondition(status: DeploymentStatus | undefined, type: string): DeploymentCondition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/**
 * Puts next in status unless a condition of that type already says the same
 * (status and reason); a changed condition moves to the end, keeping its
 * transition time when only the reason changed.
 */
export function setCondition(status: DeploymentStatus, next: DeploymentCondition): void {
  const current = findCondition(status, next.type);
  if (current !== undefined && current.status === next.status && current.reason === next.reason) return;
  const placed = current !== undefined && current.status === next.status ? { ...next, lastTransitionTime: current.lastTransitionTime } : next;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== next.type), placed];
}

export function removeCondition(status: DeploymentStatus, type: string): void {
  if (status.conditions === undefined) return;
  status.conditions = status.conditions.filter((c) => c.type !== type);
}

/** Counts from the ReplicaSets plus the Available condition; other conditions carried over. */
export function calculateStatus(deployment: Deployment, allSets: readonly ReplicaSet[], newSet: ReplicaSet | undefined, nowMs: number): DeploymentStatus {
  const available = availableReplicaCount(allSets);
  const status: DeploymentStatus = {
    observedGeneration: deployment.metadata?.generation ?? 0,
    replicas: actualReplicaCount(allSets),
    updatedReplicas: newSet === undefined ? 0 : actualReplicaCount([newSet]),
    readyReplicas: readyReplicaCount(allSets),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, specReplicaCount(allSets) - available),
    conditions: (deployment.status?.conditions ?? []).map((c) => ({ ...c })),
  };
  if (deployment.status?.collisionCount !== undefined) status.collisionCount = deployment.status.collisionCount;
  if (available >= specReplicas(deployment) - maxUnavailable(deployment)) {
    setCondition(status, condition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", nowMs));
  } else {
    setCondition(status, condition("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.", nowMs));
  }
  return status;
}

/** Every replica updated and available, and the latest spec observed. */
export function isComplete(deployment: Deployment, status: DeploymentStatus): boolean {
  const replicas = specReplicas(deployment);
  return (
    status.updatedReplicas === replicas &&
    status.replicas === replicas &&
    status.availableReplicas === replicas &&
    (status.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0)
  );
}

/** Something moved since the stored status: more updated, fewer old, more ready or more available. */
export function isProgressing(deployment: Deployment, next: DeploymentStatus): boolean {
  const previous = deployment.status ?? {};
  const previousOld = (previous.replicas ?? 0) - (previous.updatedReplicas ?? 0);
  const nextOld = (next.replicas ?? 0) - (next.updatedReplicas ?? 0);
  return (
    (next.updatedReplicas ?? 0) > (previous.updatedReplicas ?? 0) ||
    nextOld < previousOld ||
    (next.readyReplicas ?? 0) > (previous.readyReplicas ?? 0) ||
    (next.availableReplicas ?? 0) > (previous.availableReplicas ?? 0)
  );
}

/** The Progressing condition was last updated longer ago than the deadline. */
export function isTimedOut(deployment: Deployment, status: DeploymentStatus, nowMs: number): boolean {
  if (!hasProgressDeadline(deployment)) return false;
  const progressing = findCondition(status, "Progressing");
  if (progressing === undefined || progressing.reason === "NewReplicaSetAvailable") return false;
  if (progressing.reason === "ProgressDeadlineExceeded") return true;
  const since = Date.parse(progressing.lastUpdateTime ?? "");
  return !Number.isNaN(since) && since + deployment.spec!.progressDeadlineSeconds! * 1000 < nowMs;
}

/**
 * The status a rolling or recreate sync leaves: counts, Available, and the
 * Progressing condition advanced (complete, progressing, or timed out).
 */
export function rolloutStatus(deployment: Deployment, allSets: readonly ReplicaSet[], newSet: ReplicaSet | undefined, nowMs: number): DeploymentStatus {
  const status = calculateStatus(deployment, allSets, newSet, nowMs);
  if (!hasProgressDeadline(deployment)) {
    removeCondition(status, "Progressing");
    return status;
  }
  const current = findCondition(deployment.status, "Progressing");
  const alreadyComplete = status.replicas === status.updatedReplicas && current?.reason === "NewReplicaSetAvailable";
  if (alreadyComplete) return status;
  const name = deployment.metadata?.name ?? "";
  const subject = newSet === undefined ? `Deployment "${name}"` : `ReplicaSet "${newSet.metadata?.name ?? ""}"`;
  if (isComplete(deployment, status)) {
    setCondition(status, condition("Progressing", "True", "NewReplicaSetAvailable", `${subject} has successfully progressed.`, nowMs));
  } else if (isProgressing(deployment, status)) {
    // Progress refreshes lastUpdateTime even when the reason stays, which restarts the deadline.
    const next = condition("Progressing", "True", "ReplicaSetUpdated", `${subject} is progressing.`, nowMs);
    if (current?.status === "True" && current.lastTransitionTime !== undefined) next.lastTransitionTime = current.lastTransitionTime;
    removeCondition(status, "Progressing");
    setCondition(status, next);
  } else if (isTimedOut(deployment, status, nowMs)) {
    setCondition(status, condition("Progressing", "False", "ProgressDeadlineExceeded", `${subject} has timed out progressing.`, nowMs));
  }
  return status;
}

/**
 * When to look again at a rollout that has not moved: just after its
 * deadline would pass. Undefined when nothing is pending.
 */
export function msUntilProgressCheck(deployment: Deployment, status: DeploymentStatus, nowMs: number): number | undefined {
  const progressing = findCondition(deployment.status, "Progressing");
  if (!hasProgressDeadline(deployment) || progressing === undefined) return undefined;
  if (isComplete(deployment, status) || progressing.reason === "ProgressDeadlineExceeded") return undefined;
  const since = Date.parse(progressing.lastUpdateTime ?? "");
  if (Number.isNaN(since)) return undefined;
  const remaining = since + deployment.spec!.progressDeadlineSeconds! * 1000 - nowMs;
  return Math.max(remaining, 0) + 1000;
}

/** The Progressing condition a paused or resumed Deployment should carry, if it must change. */
export function pauseCondition(deployment: Deployment, nowMs: number): DeploymentCondition | undefined {
  if (!hasProgressDeadline(deployment)) return undefined;
  const current = findCondition(deployment.status, "Progressing");
  if (current?.reason === "ProgressDeadlineExceeded") return undefined;
  const pausedNoted = current?.reason === "DeploymentPaused";
  if (deployment.spec?.paused === true && !pausedNoted) return condition("Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", nowMs);
  if (deployment.spec?.paused !== true && pausedNoted) return condition("Progressing", "Unknown", "DeploymentResumed", "Deployment is resumed", nowMs);
  return undefined;
}
