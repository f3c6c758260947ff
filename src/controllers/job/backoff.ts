// The delay before a Job replaces failed pods (upstream's backoffRecord):
// base * 2^(failures since the last success - 1), capped, counted from the
// last failure's finish time. A success resets it.
import type { Pod } from "kubernetes-types/core/v1";

/** Upstream's DefaultJobPodFailureBackOff and MaxJobPodFailureBackOff. */
export const defaultPodFailureBackoffMs = 10_000;
export const maxPodFailureBackoffMs = 10 * 60_000;

export interface BackoffRecord {
  failuresAfterLastSuccess: number;
  lastFailureMs?: number;
}

export const noBackoff: BackoffRecord = { failuresAfterLastSuccess: 0 };

function timeMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** When a finished pod finished: its Ready=False transition, its containers' last exit, its deletion, or its creation. */
export function podFinishedMs(pod: Pod): number {
  const ready = pod.status?.conditions?.find((condition) => condition.type === "Ready" && condition.status === "False");
  const fromReady = timeMs(ready?.lastTransitionTime);
  if (fromReady !== undefined) return fromReady;
  let latest: number | undefined;
  for (const status of pod.status?.containerStatuses ?? []) {
    const finished = timeMs(status.state?.terminated?.finishedAt);
    if (finished !== undefined && (latest === undefined || finished > latest)) latest = finished;
  }
  return latest ?? timeMs(pod.metadata?.deletionTimestamp) ?? timeMs(pod.metadata?.creationTimestamp) ?? 0;
}

/** The record after newly counted pods: failures add up, a success resets, failures after the latest success count again. */
export function nextBackoffRecord(record: BackoffRecord, newSucceeded: readonly Pod[], newFailed: readonly Pod[]): BackoffRecord {
  const failedTimes = newFailed.map(podFinishedMs).sort((a, b) => a - b);
  if (newSucceeded.length === 0) {
    if (failedTimes.length === 0) return record;
    return { failuresAfterLastSuccess: record.failuresAfterLastSuccess + failedTimes.length, lastFailureMs: failedTimes[failedTimes.length - 1] };
  }
  const lastSuccessMs = Math.max(...newSucceeded.map(podFinishedMs));
  const after = failedTimes.filter((ms) => ms > lastSuccessMs);
  return after.length === 0 ? noBackoff : { failuresAfterLastSuccess: after.length, lastFailureMs: after[after.length - 1] };
}

/** How long until replacements may be created; 0 when now. */
export function remainingBackoffMs(record: BackoffRecord, nowMs: number, baseMs = defaultPodFailureBackoffMs, maxMs = maxPodFailureBackoffMs): number {
  if (record.failuresAfterLastSuccess === 0 || record.lastFailureMs === undefined) return 0;
  let delay = baseMs;
  for (let i = 1; i < record.failuresAfterLastSuccess && delay < maxMs; i++) delay *= 2;
  delay = Math.min(delay, maxMs);
  const elapsed = nowMs - record.lastFailureMs;
  return elapsed >= delay ? 0 : delay - elapsed;
}
