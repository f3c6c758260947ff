// The arithmetic of a Deployment rollout (upstream's deployment util and
// rolling.go): how far the surge and unavailability fences reach, how large
// the new ReplicaSet may grow, how much old ReplicaSets may shrink, and how a
// resize of the Deployment spreads over ReplicaSets mid-rollout. Pure: each
// function answers the new sizes; the controller does the writes.
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";

/** An int or a percentage string such as "25%" (intstr.IntOrPercent). */
export type IntOrPercent = number | string;

export const desiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas";
export const maxReplicasAnnotation = "deployment.kubernetes.io/max-replicas";

export class InvalidIntOrPercentError extends Error {
  readonly reason = "InvalidIntOrPercent" as const;
  constructor(readonly value: string) {
    super(`invalid value for IntOrString: invalid value ${JSON.stringify(value)}: is not a percentage`);
    this.name = "InvalidIntOrPercentError";
  }
}

/** An int as is; "N%" of total, rounded up or down. */
export function scaledValue(value: IntOrPercent, total: number, roundUp: boolean): number {
  if (typeof value === "number") return value;
  const match = /^(-?\d+)%$/.exec(value);
  if (match === null) throw new InvalidIntOrPercentError(value);
  const exact = (Number(match[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** Surge rounds up, unavailability down; both zero would stall a rollout, so unavailability becomes 1. */
export function resolveFenceposts(maxSurge: IntOrPercent, maxUnavailable: IntOrPercent, desired: number): { surge: number; unavailable: number } {
  const surge = scaledValue(maxSurge, desired, true);
  const unavailable = scaledValue(maxUnavailable, desired, false);
  return surge === 0 && unavailable === 0 ? { surge, unavailable: 1 } : { surge, unavailable };
}

export function specReplicas(object: Deployment | ReplicaSet | undefined): number {
  return object?.spec?.replicas ?? (object === undefined ? 0 : 1);
}

function isRollingUpdate(deployment: Deployment): boolean {
  return (deployment.spec?.strategy?.type ?? "RollingUpdate") === "RollingUpdate";
}

function fenceposts(deployment: Deployment): { surge: number; unavailable: number } {
  const rolling = deployment.spec?.strategy?.rollingUpdate;
  return resolveFenceposts(rolling?.maxSurge ?? "25%", rolling?.maxUnavailable ?? "25%", specReplicas(deployment));
}

/** Pods a rolling update may run above spec.replicas; 0 for Recreate. */
export function maxSurge(deployment: Deployment): number {
  return isRollingUpdate(deployment) ? fenceposts(deployment).surge : 0;
}

/** Pods a rolling update may have unavailable, at most spec.replicas; 0 for Recreate. */
export function maxUnavailable(deployment: Deployment): number {
  const replicas = specReplicas(deployment);
  if (!isRollingUpdate(deployment) || replicas === 0) return 0;
  return Math.min(fenceposts(deployment).unavailable, replicas);
}

const sum = (sets: readonly ReplicaSet[], of: (rs: ReplicaSet) => number) => sets.reduce((total, rs) => total + of(rs), 0);

/** Sum of spec.replicas. */
export const specReplicaCount = (sets: readonly ReplicaSet[]) => sum(sets, (rs) => specReplicas(rs));
/** Sum of status.replicas: the pods that exist. */
export const actualReplicaCount = (sets: readonly ReplicaSet[]) => sum(sets, (rs) => rs.status?.replicas ?? 0);
export const readyReplicaCount = (sets: readonly ReplicaSet[]) => sum(sets, (rs) => rs.status?.readyReplicas ?? 0);
export const availableReplicaCount = (sets: readonly ReplicaSet[]) => sum(sets, (rs) => rs.status?.availableReplicas ?? 0);

/** ReplicaSets that have (or ought to have) pods. */
export const activeReplicaSets = (sets: readonly ReplicaSet[]) => sets.filter((rs) => specReplicas(rs) > 0);

function creationMs(rs: ReplicaSet): number {
  const ms = Date.parse(rs.metadata?.creationTimestamp ?? "");
  return Number.isNaN(ms) ? 0 : ms;
}

/** Oldest first, names breaking ties. */
export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  return creationMs(a) - creationMs(b) || (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? "");
}

/** The size the new ReplicaSet may grow to now. */
export function newReplicaSetReplicas(deployment: Deployment, allSets: readonly ReplicaSet[], newSet: ReplicaSet): number {
  const replicas = specReplicas(deployment);
  if (!isRollingUpdate(deployment)) return replicas;
  const current = specReplicaCount(allSets);
  const maxTotal = replicas + maxSurge(deployment);
  if (current >= maxTotal) return specReplicas(newSet);
  return specReplicas(newSet) + Math.min(maxTotal - current, replicas - specReplicas(newSet));
}

/** New sizes by name; ReplicaSets left out keep theirs. */
export type Resizes = Map<string, number>;

const nameOf = (rs: ReplicaSet) => rs.metadata?.name ?? "";

/**
 * How far old ReplicaSets shrink in one rolling step: first their unavailable
 * pods (which cost nothing in availability), then available pods as long as
 * minimum availability holds. Oldest ReplicaSets shrink first.
 */
export function scaleDownOldReplicaSets(deployment: Deployment, oldSets: readonly ReplicaSet[], newSet: ReplicaSet): Resizes {
  const resizes: Resizes = new Map();
  const oldCount = specReplicaCount(oldSets);
  if (oldCount === 0) return resizes;
  const minAvailable = specReplicas(deployment) - maxUnavailable(deployment);
  const newUnavailable = specReplicas(newSet) - (newSet.status?.availableReplicas ?? 0);
  const maxScaledDown = oldCount + specReplicas(newSet) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return resizes;

  const sorted = [...oldSets].sort(byCreation);
  let unhealthyRemoved = 0;
  for (const rs of sorted) {
    if (unhealthyRemoved >= maxScaledDown) break;
    const size = specReplicas(rs);
    const unavailable = size - (rs.status?.availableReplicas ?? 0);
    if (size === 0 || unavailable <= 0) continue;
    const cut = Math.min(maxScaledDown - unhealthyRemoved, unavailable);
    resizes.set(nameOf(rs), size - cut);
    unhealthyRemoved += cut;
  }

  const available = availableReplicaCount([...oldSets, newSet]);
  const budget = available - minAvailable;
  let removed = 0;
  for (const rs of sorted) {
    if (removed >= budget) break;
    const size = resizes.get(nameOf(rs)) ?? specReplicas(rs);
    if (size === 0) continue;
    const cut = Math.min(size, budget - removed);
    resizes.set(nameOf(rs), size - cut);
    removed += cut;
  }
  return resizes;
}

function annotatedCount(rs: ReplicaSet, annotation: string): number | undefined {
  const text = rs.metadata?.annotations?.[annotation];
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

export const desiredReplicasOf = (rs: ReplicaSet) => annotatedCount(rs, desiredReplicasAnnotation);

/** The new ReplicaSet has every replica and they are all available. */
export function isSaturated(deployment: Deployment, newSet: ReplicaSet | undefined): boolean {
  if (newSet === undefined) return false;
  const replicas = specReplicas(deployment);
  return specReplicas(newSet) === replicas && desiredReplicasOf(newSet) === replicas && (newSet.status?.availableReplicas ?? 0) === replicas;
}

/** Whether some active ReplicaSet was sized for another spec.replicas: the user scaled. */
export function isScalingEvent(deployment: Deployment, allSets: readonly ReplicaSet[]): boolean {
  return activeReplicaSets(allSets).some((rs) => {
    const desired = desiredReplicasOf(rs);
    return desired !== undefined && desired !== specReplicas(deployment);
  });
}

/** The only active ReplicaSet, or with none active the new one (else the newest old one); undefined when several are active. */
export function activeOrLatest(newSet: ReplicaSet | undefined, oldSets: readonly ReplicaSet[]): ReplicaSet | undefined {
  const newestFirst = [...oldSets].sort((a, b) => byCreation(b, a));
  const active = activeReplicaSets(newSet === undefined ? newestFirst : [...newestFirst, newSet]);
  if (active.length === 1) return active[0];
  if (active.length === 0) return newSet ?? newestFirst[0];
  return undefined;
}

/**
 * Sizes after spec.replicas changed mid-rollout (upstream's proportional
 * scaling): the change spreads over active ReplicaSets by their share of the
 * previous total (the max-replicas annotation), the rounding leftover goes to
 * the largest. Only the rolling strategy is asked.
 */
export function proportionalResizes(deployment: Deployment, allSets: readonly ReplicaSet[]): { resizes: Resizes; direction: "up" | "down" } {
  const active = activeReplicaSets(allSets);
  const replicas = specReplicas(deployment);
  const allowed = replicas > 0 ? replicas + maxSurge(deployment) : 0;
  const toAdd = allowed - specReplicaCount(active);
  const direction = toAdd > 0 ? "up" : "down";
  const resizes: Resizes = new Map();
  if (toAdd === 0 || active.length === 0) return { resizes, direction };
  // Growing favours the larger and newer sets, shrinking the larger and older ones.
  active.sort((a, b) => specReplicas(b) - specReplicas(a) || (toAdd > 0 ? byCreation(b, a) : byCreation(a, b)));
  let added = 0;
  for (const rs of active) {
    const size = specReplicas(rs);
    let share = 0;
    if (added !== toAdd) {
      const previousTotal = annotatedCount(rs, maxReplicasAnnotation) ?? deployment.status?.replicas ?? 0;
      const fraction = replicas === 0 ? -size : previousTotal === 0 ? 0 : Math.round((size * allowed) / previousTotal) - size;
      share = toAdd > 0 ? Math.min(fraction, toAdd - added) : Math.max(fraction, toAdd - added);
    }
    resizes.set(nameOf(rs), size + share);
    added += share;
  }
  const largest = nameOf(active[0]!);
  if (added !== toAdd) resizes.set(largest, Math.max(0, resizes.get(largest)! + toAdd - added));
  return { resizes, direction };
}
