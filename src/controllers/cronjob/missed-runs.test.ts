import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { dueScheduleTime, InvalidScheduleError, jobNameFor, longestWaitMs, msUntilNextSchedule, type ScheduleState } from "./missed-runs.ts";
import { parseSchedule } from "./schedule.ts";

const at = (iso: string) => Date.parse(iso);

describe("the scheduled time a CronJob acts on", () => {
  const cases: Array<{ name: string; schedule: string; state: ScheduleState; now: string; due?: string; tooManyMissed?: boolean; requeueAt: string }> = [
    { name: "nothing due before the first run", schedule: "* * * * *", state: { creationMs: at("2024-05-01T10:00:30Z") }, now: "2024-05-01T10:00:50Z", requeueAt: "2024-05-01T10:01:00.100Z" },
    { name: "the first run is due", schedule: "* * * * *", state: { creationMs: at("2024-05-01T10:00:30Z") }, now: "2024-05-01T10:01:05Z", due: "2024-05-01T10:01:00Z", requeueAt: "2024-05-01T10:02:00.100Z" },
    { name: "a run already scheduled is not due again", schedule: "* * * * *", state: { creationMs: at("2024-05-01T10:00:30Z"), lastScheduleMs: at("2024-05-01T10:01:00Z") }, now: "2024-05-01T10:01:05Z", requeueAt: "2024-05-01T10:02:00.100Z" },
    { name: "after a few misses only the latest runs", schedule: "* * * * *", state: { creationMs: 0, lastScheduleMs: at("2024-05-01T10:00:00Z") }, now: "2024-05-01T10:05:30Z", due: "2024-05-01T10:05:00Z", requeueAt: "2024-05-01T10:06:00.100Z" },
    { name: "more than 100 misses warn", schedule: "* * * * *", state: { creationMs: at("2024-05-01T08:00:00Z") }, now: "2024-05-01T10:05:30Z", due: "2024-05-01T10:05:00Z", tooManyMissed: true, requeueAt: "2024-05-01T10:06:00.100Z" },
    { name: "a starting deadline limits how far back misses count", schedule: "* * * * *", state: { creationMs: at("2024-05-01T08:00:00Z"), startingDeadlineSeconds: 200 }, now: "2024-05-01T10:05:30Z", due: "2024-05-01T10:05:00Z", requeueAt: "2024-05-01T10:06:00.100Z" },
    { name: "a run older than the starting deadline is skipped", schedule: "0 * * * *", state: { creationMs: at("2024-05-01T08:30:00Z"), lastScheduleMs: at("2024-05-01T09:00:00Z"), startingDeadlineSeconds: 60 }, now: "2024-05-01T10:05:30Z", requeueAt: "2024-05-01T11:00:00.100Z" },
    { name: "an irregular schedule finds its latest time", schedule: "30 6-16/4 * * 1-5", state: { creationMs: at("2024-04-29T00:00:00Z") }, now: "2024-05-01T15:00:00Z", due: "2024-05-01T14:30:00Z", requeueAt: "2024-05-02T06:30:00.100Z" },
    { name: "in the schedule's zone", schedule: "0 9 * * *", state: { creationMs: at("2024-01-09T00:00:00Z") }, now: "2024-01-09T14:00:10Z", due: "2024-01-09T14:00:00Z", requeueAt: "2024-01-10T14:00:00.100Z" },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const schedule = parseSchedule(c.schedule, c.name === "in the schedule's zone" ? "America/New_York" : "UTC");
      const now = at(c.now);
      const due = dueScheduleTime(c.state, now, schedule);
      assert.equal(due.scheduledMs === undefined ? undefined : new Date(due.scheduledMs).toISOString(), c.due === undefined ? undefined : new Date(at(c.due)).toISOString());
      assert.equal(due.tooManyMissed, c.tooManyMissed ?? false);
      const scheduled = due.scheduledMs === undefined ? c.state : { ...c.state, lastScheduleMs: due.scheduledMs };
      assert.equal(new Date(now + (msUntilNextSchedule(scheduled, now, schedule) ?? NaN)).toISOString(), c.requeueAt);
    });
  }

  test("a schedule with no next time is invalid once its first run would be due", () => {
    const schedule = parseSchedule("0 0 30 2 *", "UTC");
    assert.throws(() => dueScheduleTime({ creationMs: at("2024-01-01T00:00:00Z") }, at("2024-03-01T00:00:00Z"), schedule), InvalidScheduleError);
    assert.equal(msUntilNextSchedule({ creationMs: at("2024-01-01T00:00:00Z") }, at("2024-03-01T00:00:00Z"), schedule), undefined);
  });

  test("a far-away run is waited for a day at a time (timers cannot wait past 2^31-1 ms)", () => {
    const schedule = parseSchedule("@yearly", "UTC");
    assert.equal(msUntilNextSchedule({ creationMs: at("2024-01-02T00:00:00Z") }, at("2024-01-02T00:00:00Z"), schedule), longestWaitMs);
  });

  test("Job names count minutes since the epoch", () => {
    assert.equal(jobNameFor("backup", at("2024-05-01T10:05:00Z")), "backup-28575965");
  });
});
