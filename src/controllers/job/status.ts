// What a Job's pods say about it, as pure arithmetic (upstream's syncJob
// decisions): which pods are active, newly succeeded or failed; how many pods
// it wants running; when it has failed (backoff limit, deadline) or met its
// completions; and which finished pods to record in
// status.uncountedTerminatedPods before their tracking finalizer comes off,
// so each pod is counted exactly once even across restarts.
import type { Job, JobCondition, JobStatus } from "kubernetes-types/batch/v1";
import type { Pod } from "kubernetes-types/core/v1";
import { isPodActive, isPodReady } from "../pod-ranking.ts";
import { completionIndexOf, parseIndexes } from "./indexes.ts";
import { podFailureVerdict } from "./pod-failure-policy.ts";

export const jobTrackingFinalizer = "batch.kubernetes.io/job-tracking";
/** The longest a Job waits before looking again (a deadline or TTL days away): Node timers cannot wait past 2^31-1 ms. */
export const longestWaitMs = 24 * 60 * 60_000;
/** Upstream's MaxPodCreateDeletePerSync. */
export const maxPodChangesPerSync = 500;

export type TerminalConditionType = "Complete" | "Failed";

/** The condition the Job is heading for, recorded first as its interim form (SuccessCriteriaMet, FailureTarget). */
export interface Finish {
  type: TerminalConditionType;
  reason: string;
  message: string;
}

export const interimConditionType: Record<TerminalConditionType, string> = { Complete: "SuccessCriteriaMet", Failed: "FailureTarget" };

export const completionsReached: Finish = { type: "Complete", reason: "CompletionsReached", message: "Reached expected number of succeeded pods" };
export const backoffLimitExceeded: Finish = { type: "Failed", reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit" };
export const deadlineExceeded: Finish = { type: "Failed", reason: "DeadlineExceeded", message: "Job was active longer than specified deadline" };

function trueCondition(job: Job, type: string): JobCondition | undefined {
  return job.status?.conditions?.find((condition) => condition.type === type && condition.status === "True");
}

/** Complete or Failed once the Job carries that condition: nothing more happens to it then. */
export function terminalConditionOf(job: Job): TerminalConditionType | undefined {
  if (trueCondition(job, "Complete") !== undefined) return "Complete";
  if (trueCondition(job, "Failed") !== undefined) return "Failed";
  return undefined;
}

/** A finish already decided in an earlier sync (its interim condition is in status). */
export function recordedFinish(job: Job): Finish | undefined {
  for (const type of ["Complete", "Failed"] as const) {
    const interim = trueCondition(job, interimConditionType[type]);
    if (interim !== undefined) return { type, reason: interim.reason ?? "", message: interim.message ?? "" };
  }
  return undefined;
}

export function isSuspended(job: Job): boolean {
  return job.spec?.suspend === true;
}

export function isIndexed(job: Job): boolean {
  return job.spec?.completionMode === "Indexed";
}

export function hasTrackingFinalizer(pod: Pod): boolean {
  return pod.metadata?.finalizers?.includes(jobTrackingFinalizer) ?? false;
}

/** Being deleted but not yet finished. */
export function isTerminating(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return pod.metadata?.deletionTimestamp != null && phase !== "Succeeded" && phase !== "Failed";
}

/** podReplacementPolicy Failed (implied by a podFailurePolicy): a deleted pod is replaced only once it has failed. */
export function replacesOnlyFailedPods(job: Job): boolean {
  return job.spec?.podReplacementPolicy === "Failed" || job.spec?.podFailurePolicy != null;
}

/** Failed, or (unless the Job replaces only Failed pods) deleted before it succeeded. */
export function isPodFailed(pod: Pod, job: Job): boolean {
  if (pod.status?.phase === "Failed") return true;
  return !replacesOnlyFailedPods(job) && pod.metadata?.deletionTimestamp != null && pod.status?.phase !== "Succeeded";
}

export interface Uncounted {
  succeeded: ReadonlySet<string>;
  failed: ReadonlySet<string>;
}

export function uncountedOf(job: Job): Uncounted {
  const pods = job.status?.uncountedTerminatedPods;
  return { succeeded: new Set(pods?.succeeded ?? []), failed: new Set(pods?.failed ?? []) };
}

export interface PodTally {
  active: Pod[];
  ready: number;
  terminating: number;
  /** Finished pods not yet in status, counters or uncounted lists. */
  newSucceeded: Pod[];
  newFailed: Pod[];
  /** Counters as they will be once every finished pod is counted. */
  succeeded: number;
  failed: number;
  /** Indexed Jobs: indexes already in status.completedIndexes, and with the new successes. */
  previousIndexes: ReadonlySet<number>;
  succeededIndexes: ReadonlySet<number>;
}

function uidOf(pod: Pod): string {
  return pod.metadata?.uid ?? "";
}

/** pods are the Job's own; expectedRemovals the uids whose finalizer removal the cache has not shown yet. */
export function tallyPods(job: Job, pods: readonly Pod[], expectedRemovals: ReadonlySet<string>): PodTally {
  const uncounted = uncountedOf(job);
  const tracked = pods.filter((pod) => hasTrackingFinalizer(pod) && !expectedRemovals.has(uidOf(pod)));
  const newSucceeded = tracked.filter((pod) => pod.status?.phase === "Succeeded" && !uncounted.succeeded.has(uidOf(pod)) && !uncounted.failed.has(uidOf(pod)));
  const newFailed = tracked.filter((pod) => isPodFailed(pod, job) && !uncounted.failed.has(uidOf(pod)) && !uncounted.succeeded.has(uidOf(pod)));
  const active = pods.filter(isPodActive);
  const completions = job.spec?.completions ?? 0;
  const previousIndexes = isIndexed(job) ? parseIndexes(job.status?.completedIndexes, completions) : new Set<number>();
  const succeededIndexes = new Set(previousIndexes);
  if (isIndexed(job)) {
    for (const pod of pods) {
      const index = completionIndexOf(pod);
      if (pod.status?.phase === "Succeeded" && index !== undefined && index < completions && (hasTrackingFinalizer(pod) || previousIndexes.has(index))) succeededIndexes.add(index);
    }
  }
  return {
    active,
    ready: active.filter(isPodReady).length,
    terminating: pods.filter(isTerminating).length,
    newSucceeded,
    newFailed,
    succeeded: isIndexed(job) ? succeededIndexes.size : (job.status?.succeeded ?? 0) + newSucceeded.length + uncounted.succeeded.size,
    failed: (job.status?.failed ?? 0) + newFailed.filter((pod) => podFailureVerdict(job, pod).counts).length + uncounted.failed.size,
    previousIndexes,
    succeededIndexes,
  };
}

/** For restartPolicy OnFailure: container restarts of running and pending pods count against the backoff limit. */
export function pastBackoffLimitOnFailure(job: Job, pods: readonly Pod[]): boolean {
  if (job.spec?.template.spec?.restartPolicy !== "OnFailure") return false;
  let restarts = 0;
  for (const pod of pods) {
    if (pod.status?.phase !== "Running" && pod.status?.phase !== "Pending") continue;
    for (const status of [...(pod.status.initContainerStatuses ?? []), ...(pod.status.containerStatuses ?? [])]) restarts += status.restartCount;
  }
  const limit = job.spec.backoffLimit ?? 6;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

export interface FailureCheck {
  finish?: Finish;
  /** Time left before activeDeadlineSeconds runs out, when it is set and not yet reached. */
  deadlineInMs?: number;
}

/** Whether the Job has failed by a FailJob rule of its podFailurePolicy, its backoff limit or its deadline (checked in that order, as upstream). */
export function checkFailure(job: Job, pods: readonly Pod[], failed: number, startMs: number | undefined, nowMs: number): FailureCheck {
  if (job.spec?.podFailurePolicy != null) {
    for (const pod of pods) {
      const message = isPodFailed(pod, job) ? podFailureVerdict(job, pod).failJobMessage : undefined;
      if (message !== undefined) return { finish: { type: "Failed", reason: "PodFailurePolicy", message } };
    }
  }
  if (failed > (job.spec?.backoffLimit ?? 6) || pastBackoffLimitOnFailure(job, pods)) return { finish: backoffLimitExceeded };
  const deadlineSeconds = job.spec?.activeDeadlineSeconds;
  if (deadlineSeconds == null || startMs === undefined || isSuspended(job)) return {};
  const remaining = startMs + deadlineSeconds * 1000 - nowMs;
  return remaining <= 0 ? { finish: deadlineExceeded } : { deadlineInMs: remaining };
}

/** How many pods should be running: parallelism, never more than the completions still missing; once a work queue saw a success, no new ones. */
export function wantedActive(job: Job, succeeded: number, active: number): number {
  const parallelism = job.spec?.parallelism ?? 1;
  const completions = job.spec?.completions;
  if (completions == null) return succeeded > 0 ? active : parallelism;
  return Math.max(0, Math.min(parallelism, completions - succeeded));
}

/** Enough successes and nothing left running (a work queue: any success). */
export function isComplete(job: Job, succeeded: number, active: number): boolean {
  const completions = job.spec?.completions;
  return active === 0 && (completions == null ? succeeded > 0 : succeeded >= completions);
}

export interface Tracking {
  uncountedSucceeded: string[];
  uncountedFailed: string[];
  /** Indexes newly succeeded (Indexed Jobs count by index, not by uid). */
  newIndexes: number[];
  /** Finished pods whose finalizer can come off once the status above is written. */
  toStrip: Pod[];
}

/**
 * Records finished pods in the uncounted lists and picks the pods whose
 * finalizer can come off: finished ones, and every pod once the Job is being
 * deleted or finishing (a Job that failed counts its unfinished pods as failed).
 */
export function trackFinishedPods(job: Job, pods: readonly Pod[], expectedRemovals: ReadonlySet<string>, finishing: Finish | undefined, previousIndexes: ReadonlySet<number>): Tracking {
  const uncounted = uncountedOf(job);
  const uncountedSucceeded = [...uncounted.succeeded];
  const uncountedFailed = [...uncounted.failed];
  const newIndexes: number[] = [];
  const toStrip: Pod[] = [];
  const completions = job.spec?.completions ?? 0;
  const jobGoing = job.metadata?.deletionTimestamp != null;
  for (const pod of pods) {
    const uid = uidOf(pod);
    if (!hasTrackingFinalizer(pod) || expectedRemovals.has(uid)) continue;
    const failed = isPodFailed(pod, job);
    const succeeded = pod.status?.phase === "Succeeded";
    if (!jobGoing && finishing === undefined && !succeeded && !failed) continue;
    toStrip.push(pod);
    const index = completionIndexOf(pod);
    if (succeeded && !uncounted.failed.has(uid)) {
      if (isIndexed(job)) {
        if (index !== undefined && index < completions && !previousIndexes.has(index) && !newIndexes.includes(index)) newIndexes.push(index);
      } else if (!uncounted.succeeded.has(uid)) {
        uncountedSucceeded.push(uid);
      }
    } else if (failed || (finishing !== undefined && finishing.type === "Failed")) {
      const countable = !isIndexed(job) || (index !== undefined && index < completions);
      if (!uncounted.failed.has(uid) && countable && podFailureVerdict(job, pod).counts) uncountedFailed.push(uid);
    }
  }
  return { uncountedSucceeded, uncountedFailed, newIndexes, toStrip };
}

/** Moves uncounted uids whose pods no longer hold the finalizer into the counters. */
export function countReleased(status: JobStatus, withFinalizer: ReadonlySet<string>): boolean {
  const uncounted = (status.uncountedTerminatedPods ??= {});
  let changed = false;
  const keep = (uids: string[] | undefined) => (uids ?? []).filter((uid) => withFinalizer.has(uid));
  const succeeded = keep(uncounted.succeeded);
  if (succeeded.length !== (uncounted.succeeded ?? []).length) {
    status.succeeded = (status.succeeded ?? 0) + (uncounted.succeeded ?? []).length - succeeded.length;
    changed = true;
  }
  const failed = keep(uncounted.failed);
  if (failed.length !== (uncounted.failed ?? []).length) {
    status.failed = (status.failed ?? 0) + (uncounted.failed ?? []).length - failed.length;
    changed = true;
  }
  status.uncountedTerminatedPods = { ...(succeeded.length > 0 ? { succeeded } : {}), ...(failed.length > 0 ? { failed } : {}) };
  return changed;
}
