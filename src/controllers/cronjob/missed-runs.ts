// Which scheduled time a CronJob should act on now, and when to look again
// (upstream's mostRecentScheduleTime / nextScheduleTime): only the most
// recent missed time is ever started; older misses are counted roughly
// (how many schedule intervals fit since the first miss) to warn when more
// than 100 were missed.
import type { CronSchedule } from "./schedule.ts";

export class InvalidScheduleError extends Error {
  readonly reason = "InvalidSchedule" as const;
  constructor(message: string) {
    super(message);
    this.name = "InvalidScheduleError";
  }
}

/** Upstream's limit before it warns TooManyMissedTimes. */
export const tooManyMissedLimit = 100;
/**
 * The longest a CronJob sleeps before looking again: Node timers cannot wait
 * past 2^31-1 ms (they would fire at once), and a monthly or yearly schedule
 * is further away than that. Waking early only recomputes the same time.
 */
export const longestWaitMs = 24 * 60 * 60_000;
/** Requeues land this long after a scheduled time, so the sync sees it as due. */
export const nextScheduleDeltaMs = 100;

export interface ScheduleState {
  creationMs: number;
  lastScheduleMs?: number;
  startingDeadlineSeconds?: number;
}

export interface MostRecent {
  /** The time runs are counted from: the last schedule, the creation, or the starting deadline. */
  earliestMs: number;
  /** The latest scheduled time at or before now, after earliestMs. */
  mostRecentMs?: number;
  missed: "none" | "few" | "many";
}

// More than enough steps for the walk from the estimated earliest miss to now.
const maxWalkSteps = 10_000;

export function mostRecentScheduleTime(state: ScheduleState, nowMs: number, schedule: CronSchedule, withStartingDeadline: boolean): MostRecent {
  let earliestMs = state.lastScheduleMs ?? state.creationMs;
  if (withStartingDeadline && state.startingDeadlineSeconds !== undefined) {
    earliestMs = Math.max(earliestMs, nowMs - state.startingDeadlineSeconds * 1000);
  }
  const t1 = schedule.next(earliestMs);
  const t2 = t1 === undefined ? undefined : schedule.next(t1);
  if (t1 !== undefined && nowMs < t1) return { earliestMs, missed: "none" };
  if (t1 !== undefined && t2 !== undefined && nowMs < t2) return { earliestMs, mostRecentMs: t1, missed: "none" };
  if (t1 === undefined || t2 === undefined || Math.round((t2 - t1) / 1000) < 1) {
    throw new InvalidScheduleError("time difference between two schedules is less than 1 second");
  }
  const intervalSeconds = Math.round((t2 - t1) / 1000);
  const elapsedSeconds = Math.trunc((nowMs - t1) / 1000);
  const missedCount = Math.floor(elapsedSeconds / intervalSeconds) + 1;
  // Start one interval before the estimate so irregular schedules still find their latest time.
  let t = schedule.next(t1 + (missedCount - 2) * intervalSeconds * 1000);
  let mostRecentMs: number | undefined;
  for (let step = 0; t !== undefined && t <= nowMs && step < maxWalkSteps; step++) {
    mostRecentMs = t;
    t = schedule.next(t);
  }
  const missed = missedCount > tooManyMissedLimit ? "many" : "few";
  return mostRecentMs === undefined ? { earliestMs, missed } : { earliestMs, mostRecentMs, missed };
}

export interface Due {
  /** The scheduled time to start a Job for, if one is due. */
  scheduledMs?: number;
  tooManyMissed: boolean;
}

/** The time to start a Job for now, within the starting deadline. */
export function dueScheduleTime(state: ScheduleState, nowMs: number, schedule: CronSchedule): Due {
  const { mostRecentMs, missed } = mostRecentScheduleTime(state, nowMs, schedule, true);
  if (mostRecentMs === undefined || mostRecentMs > nowMs) return { tooManyMissed: false };
  return { scheduledMs: mostRecentMs, tooManyMissed: missed === "many" };
}

/** How long until the sync after the next scheduled time; undefined when the schedule has no next time. */
export function msUntilNextSchedule(state: ScheduleState, nowMs: number, schedule: CronSchedule): number | undefined {
  let from = nowMs;
  try {
    const { earliestMs, mostRecentMs, missed } = mostRecentScheduleTime(state, nowMs, schedule, false);
    from = mostRecentMs ?? (missed === "none" ? earliestMs : nowMs);
  } catch (error) {
    // Still look again at some point: at the next slot from now.
    if (!(error instanceof InvalidScheduleError)) throw error;
  }
  const next = schedule.next(from);
  return next === undefined ? undefined : Math.min(longestWaitMs, Math.max(0, next + nextScheduleDeltaMs - nowMs));
}

/** Upstream names a CronJob's Job after its scheduled time in minutes since the epoch. */
export function jobNameFor(cronJobName: string, scheduledMs: number): string {
  return `${cronJobName}-${Math.floor(scheduledMs / 60_000)}`;
}
