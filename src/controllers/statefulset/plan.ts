// One pass of the StatefulSet update loop (upstream's updateStatefulSet),
// as a list of actions. Members are the ordinals [start, start+replicas); pods
// outside are condemned. Missing members are created (at the update revision,
// or the current one below the partition); failed ones are deleted so the
// next pass recreates them; condemned pods go from the highest ordinal; then,
// under RollingUpdate, the highest member not at the update revision is
// deleted, down to the partition. Pending members get missing claims back,
// members that lost their pod-name label get it back. OrderedReady (monotonic) does one step at a
// time and only once every earlier member is Running and Ready (and available);
// Parallel does everything at once except rolling updates.
import type { Pod } from "kubernetes-types/core/v1";
import { isPodAvailable, isPodReady } from "../pod-ranking.ts";
import { podNameLabel } from "./identity.ts";

export type PlannedAction =
  | { kind: "create"; ordinal: number; revision: "current" | "update" }
  | { kind: "delete"; ordinal: number; pod: Pod; because: "failed" | "condemned" | "update" }
  /** A pending member gets any claim that went missing. */
  | { kind: "claims"; ordinal: number; pod: Pod }
  /** A member lost its identity label: put it back. */
  | { kind: "relabel"; ordinal: number; pod: Pod };

export interface PlanInput {
  replicas: number;
  /** spec.ordinals.start */
  start: number;
  /** Owned pods by ordinal. */
  pods: ReadonlyMap<number, Pod>;
  /** podManagementPolicy OrderedReady. */
  monotonic: boolean;
  strategy: "RollingUpdate" | "OnDelete";
  /** Members with index (ordinal - start) below this keep the current revision. */
  partition: number;
  currentRevision: string;
  updateRevision: string;
  revisionOf: (pod: Pod) => string | undefined;
  minReadySeconds: number;
  nowMs: number;
}

const isTerminating = (pod: Pod) => pod.metadata?.deletionTimestamp != null;
const isRunningAndReady = (pod: Pod) => pod.status?.phase === "Running" && isPodReady(pod);
const isHealthy = (pod: Pod) => isRunningAndReady(pod) && !isTerminating(pod);
const isFinished = (pod: Pod) => pod.status?.phase === "Failed" || pod.status?.phase === "Succeeded";

export function planStatefulSet(input: PlanInput): PlannedAction[] {
  const actions: PlannedAction[] = [];
  const { monotonic } = input;
  const end = input.start + input.replicas;
  const condemned = [...input.pods].filter(([ordinal]) => ordinal < input.start || ordinal >= end).sort(([a], [b]) => b - a);

  // Slots whose pod this pass creates or deletes: neither healthy nor updatable yet.
  const replaced = new Set<number>();
  for (let ordinal = input.start; ordinal < end; ordinal++) {
    const pod = input.pods.get(ordinal);
    if (pod !== undefined && isFinished(pod) && !isTerminating(pod)) {
      actions.push({ kind: "delete", ordinal, pod, because: "failed" });
      replaced.add(ordinal);
      if (monotonic) return actions;
      continue;
    }
    if (pod === undefined) {
      const revision = input.strategy === "RollingUpdate" && ordinal - input.start < input.partition ? "current" : "update";
      actions.push({ kind: "create", ordinal, revision });
      replaced.add(ordinal);
      if (monotonic) return actions;
      continue;
    }
    if (pod.status?.phase === "Pending") actions.push({ kind: "claims", ordinal, pod });
    if (monotonic && (!isHealthy(pod) || !isPodAvailable(pod, input.minReadySeconds, input.nowMs))) return actions;
    if (pod.metadata?.labels?.[podNameLabel] !== pod.metadata?.name) actions.push({ kind: "relabel", ordinal, pod });
  }

  const firstUnhealthy = firstUnhealthyOrdinal(input, condemned, replaced, end);
  for (const [ordinal, pod] of condemned) {
    if (isTerminating(pod)) {
      if (monotonic) return actions;
      continue;
    }
    if (monotonic && !isRunningAndReady(pod) && ordinal !== firstUnhealthy) return actions;
    actions.push({ kind: "delete", ordinal, pod, because: "condemned" });
    if (monotonic) return actions;
  }

  if (input.strategy === "OnDelete") return actions;
  for (let ordinal = end - 1; ordinal >= input.start + input.partition; ordinal--) {
    const pod = input.pods.get(ordinal);
    if (pod === undefined || replaced.has(ordinal)) return actions;
    if (input.revisionOf(pod) !== input.updateRevision && !isTerminating(pod)) {
      actions.push({ kind: "delete", ordinal, pod, because: "update" });
      return actions;
    }
    if (!isHealthy(pod)) return actions;
  }
  return actions;
}

/** The lowest unhealthy member, else the lowest unhealthy condemned pod: the one a blocked scale-down may still remove. */
function firstUnhealthyOrdinal(input: PlanInput, condemned: ReadonlyArray<[number, Pod]>, replaced: ReadonlySet<number>, end: number): number | undefined {
  for (let ordinal = input.start; ordinal < end; ordinal++) {
    const pod = input.pods.get(ordinal);
    if (pod === undefined || replaced.has(ordinal) || !isHealthy(pod)) return ordinal;
  }
  for (let i = condemned.length - 1; i >= 0; i--) {
    const entry = condemned[i];
    if (entry !== undefined && !isHealthy(entry[1])) return entry[0];
  }
  return undefined;
}
