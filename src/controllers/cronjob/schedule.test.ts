import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseSchedule, ScheduleSyntaxError } from "./schedule.ts";
import { formatRfc3339, instantOf } from "./zoned-time.ts";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? "none" : new Date(ms).toISOString());

describe("next run of a schedule", () => {
  const cases: Array<{ name: string; schedule: string; zone?: string; after: string; expected: string[] }> = [
    { name: "every quarter hour", schedule: "*/15 * * * *", after: "2024-05-01T10:07:30Z", expected: ["2024-05-01T10:15:00.000Z", "2024-05-01T10:30:00.000Z"] },
    { name: "strictly after a matching time", schedule: "0 * * * *", after: "2024-05-01T10:00:00Z", expected: ["2024-05-01T11:00:00.000Z"] },
    { name: "lists and ranges", schedule: "5,10-12 3 * * *", after: "2024-05-01T03:06:00Z", expected: ["2024-05-01T03:10:00.000Z", "2024-05-01T03:11:00.000Z", "2024-05-01T03:12:00.000Z", "2024-05-02T03:05:00.000Z"] },
    { name: "n/step runs from n to the end", schedule: "50/5 * * * *", after: "2024-05-01T03:56:00Z", expected: ["2024-05-01T04:50:00.000Z"] },
    { name: "Feb 29 waits for a leap year", schedule: "0 0 29 2 *", after: "2025-03-01T00:00:00Z", expected: ["2028-02-29T00:00:00.000Z", "2032-02-29T00:00:00.000Z"] },
    // Sep 1 2024 is a Sunday: the 13th OR any Friday.
    { name: "day-of-month OR day-of-week when both are restricted", schedule: "0 0 13 * 5", after: "2024-09-01T00:00:00Z", expected: ["2024-09-06T00:00:00.000Z", "2024-09-13T00:00:00.000Z", "2024-09-20T00:00:00.000Z"] },
    { name: "day-of-week alone when day-of-month is *", schedule: "0 0 * * 5", after: "2024-09-01T00:00:00Z", expected: ["2024-09-06T00:00:00.000Z", "2024-09-13T00:00:00.000Z"] },
    { name: "? is the same as *", schedule: "0 0 13 * ?", after: "2024-09-01T00:00:00Z", expected: ["2024-09-13T00:00:00.000Z", "2024-10-13T00:00:00.000Z"] },
    { name: "*/2 in day-of-week restricts, so the OR applies", schedule: "0 0 1 * */2", after: "2024-09-01T00:00:00Z", expected: ["2024-09-03T00:00:00.000Z", "2024-09-05T00:00:00.000Z", "2024-09-07T00:00:00.000Z", "2024-09-08T00:00:00.000Z"] },
    { name: "month and weekday names, any case", schedule: "0 9 * jan-MAR Mon-fri", after: "2024-03-29T10:00:00Z", expected: ["2025-01-01T09:00:00.000Z"] },
    { name: "@hourly", schedule: "@hourly", after: "2024-05-01T10:59:59Z", expected: ["2024-05-01T11:00:00.000Z"] },
    { name: "@weekly is Sunday midnight", schedule: "@weekly", after: "2024-09-02T00:00:00Z", expected: ["2024-09-08T00:00:00.000Z"] },
    { name: "@yearly and @annually", schedule: "@annually", after: "2024-01-01T00:00:00Z", expected: ["2025-01-01T00:00:00.000Z"] },
    { name: "@monthly", schedule: "@monthly", after: "2024-01-31T00:00:00Z", expected: ["2024-02-01T00:00:00.000Z"] },
    { name: "@daily and @midnight", schedule: "@midnight", after: "2024-12-31T23:00:00Z", expected: ["2025-01-01T00:00:00.000Z"] },
    { name: "@every counts from the time asked about", schedule: "@every 1h30m", after: "2024-05-01T10:07:30.250Z", expected: ["2024-05-01T11:37:30.000Z"] },
    { name: "a day that never comes", schedule: "0 0 30 2 *", after: "2024-01-01T00:00:00Z", expected: ["none"] },
    { name: "wall clock of the zone, winter", schedule: "0 9 * * *", zone: "America/New_York", after: "2024-01-10T00:00:00Z", expected: ["2024-01-10T14:00:00.000Z"] },
    { name: "wall clock of the zone, summer", schedule: "0 9 * * *", zone: "America/New_York", after: "2024-07-10T00:00:00Z", expected: ["2024-07-10T13:00:00.000Z"] },
    { name: "a TZ= prefix overrides the zone", schedule: "TZ=Asia/Kolkata 30 9 * * *", zone: "America/New_York", after: "2024-07-10T00:00:00Z", expected: ["2024-07-10T04:00:00.000Z"] },
    // 2024-03-10 02:00 EST jumps to 03:00 EDT: 02:30 does not exist that day.
    { name: "DST spring forward skips the run in the missing hour", schedule: "30 2 * * *", zone: "America/New_York", after: "2024-03-09T08:00:00Z", expected: ["2024-03-11T06:30:00.000Z"] },
    { name: "DST spring forward: the hour after the jump runs", schedule: "30 3 * * *", zone: "America/New_York", after: "2024-03-10T05:00:00Z", expected: ["2024-03-10T07:30:00.000Z", "2024-03-11T07:30:00.000Z"] },
    // 2024-11-03 02:00 EDT falls back to 01:00 EST: 01:30 happens twice.
    { name: "DST fall back runs in both readings of the repeated hour", schedule: "30 1 * * *", zone: "America/New_York", after: "2024-11-03T04:00:00Z", expected: ["2024-11-03T05:30:00.000Z", "2024-11-03T06:30:00.000Z", "2024-11-04T06:30:00.000Z"] },
    { name: "hourly across the fall back keeps every hour", schedule: "0 * * * *", zone: "America/New_York", after: "2024-11-03T04:30:00Z", expected: ["2024-11-03T05:00:00.000Z", "2024-11-03T06:00:00.000Z", "2024-11-03T07:00:00.000Z"] },
    { name: "midnight across a DST change in Europe", schedule: "0 0 * * *", zone: "Europe/Berlin", after: "2024-03-30T12:00:00Z", expected: ["2024-03-30T23:00:00.000Z", "2024-03-31T22:00:00.000Z"] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const schedule = parseSchedule(c.schedule, c.zone ?? "UTC");
      const seen: string[] = [];
      let t: number | undefined = at(c.after);
      for (const _ of c.expected) {
        t = t === undefined ? undefined : schedule.next(t);
        seen.push(iso(t));
      }
      assert.deepEqual(seen, c.expected);
    });
  }
});

describe("schedule syntax errors", () => {
  const cases: Array<[string, RegExp]> = [
    ["", /empty spec string/],
    ["* * * *", /expected exactly 5 fields, found 4/],
    ["61 * * * *", /end of range \(61\) above maximum \(59\)/],
    ["* * 0 * *", /beginning of range \(0\) below minimum \(1\)/],
    ["5-1 * * * *", /beginning of range \(5\) beyond end of range \(1\)/],
    ["*/0 * * * *", /step of range should be a positive number/],
    ["1-2-3 * * * *", /too many hyphens/],
    ["*/2/3 * * * *", /too many slashes/],
    ["* * * FOO *", /failed to parse int from FOO/],
    ["* * * * 7", /end of range \(7\) above maximum \(6\)/],
    ["@fortnightly", /unrecognized descriptor/],
    ["@every 5x", /unknown unit "x"/],
    ["TZ=Mars/Olympus * * * * *", /provided bad location Mars\/Olympus/],
  ];
  for (const [schedule, message] of cases) {
    test(JSON.stringify(schedule), () => {
      assert.throws(() => parseSchedule(schedule, "UTC"), (error: unknown) => error instanceof ScheduleSyntaxError && message.test(error.message));
    });
  }
});

describe("zoned time", () => {
  test("RFC 3339 in a zone, Z for a zero offset", () => {
    assert.equal(formatRfc3339(at("2024-01-10T14:00:00Z"), "America/New_York"), "2024-01-10T09:00:00-05:00");
    assert.equal(formatRfc3339(at("2024-07-10T04:00:00Z"), "Asia/Kolkata"), "2024-07-10T09:30:00+05:30");
    assert.equal(formatRfc3339(at("2024-01-10T14:00:00Z"), "Europe/London"), "2024-01-10T14:00:00Z");
    assert.equal(formatRfc3339(at("2024-01-10T14:00:00Z"), "UTC"), "2024-01-10T14:00:00Z");
  });

  test("wall times a DST jump skips or repeats resolve as Go's time.Date does", () => {
    assert.equal(iso(instantOf(2024, 3, 10, 2, 30, 0, "America/New_York")), "2024-03-10T06:30:00.000Z");
    assert.equal(iso(instantOf(2024, 11, 3, 1, 30, 0, "America/New_York")), "2024-11-03T05:30:00.000Z");
    assert.equal(iso(instantOf(2024, 12, 32, 0, 0, 0, "UTC")), "2025-01-01T00:00:00.000Z");
  });
});
