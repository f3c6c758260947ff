import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { cronScheduleError, timeZoneError } from "./cron-schedule.ts";

describe("cronScheduleError", () => {
  const cases: [string, string, string | undefined][] = [
    ["every minute", "* * * * *", undefined],
    ["lists, ranges and steps", "0,30 9-17/2 1-31 */3 mon-fri", undefined],
    ["month and day names", "0 0 1 JAN,jul SUN", undefined],
    ["question mark", "0 0 ? * *", undefined],
    ["descriptor", "@hourly", undefined],
    ["every", "@every 1h30m", undefined],
    ["time zone prefix", "TZ=Europe/Paris 0 9 * * *", undefined],
    ["empty", "", "empty spec string"],
    ["too few fields", "* * *", "expected exactly 5 fields, found 3: [* * *]"],
    ["too many fields", "0 * * * * *", "expected exactly 5 fields, found 6: [0 * * * * *]"],
    ["minute above 59", "60 * * * *", "end of range (60) above maximum (59): 60"],
    ["day of month 0", "0 0 0 * *", "beginning of range (0) below minimum (1): 0"],
    ["reversed range", "0 5-3 * * *", "beginning of range (5) beyond end of range (3): 5-3"],
    ["not a number", "x * * * *", 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
    ["empty range start", "-5 * * * *", 'failed to parse int from : strconv.Atoi: parsing "": invalid syntax'],
    ["too many hyphens", "1-2-3 * * * *", "too many hyphens: 1-2-3"],
    ["too many slashes", "*/2/3 * * * *", "too many slashes: */2/3"],
    ["zero step", "*/0 * * * *", "step of range should be a positive number: */0"],
    ["unknown descriptor", "@fortnightly", "unrecognized descriptor: @fortnightly"],
    ["bad every", "@every 1d", 'failed to parse duration @every 1d: time: unknown unit "d" in duration "1d"'],
    ["every without unit", "@every 10", 'failed to parse duration @every 10: time: missing unit in duration "10"'],
    ["bad time zone", "TZ=Mars/Olympus 0 * * * *", "provided bad location Mars/Olympus: unknown time zone Mars/Olympus"],
    ["time zone without schedule", "TZ=UTC", "invalid schedule format: runtime error: slice bounds out of range [:-1]"],
  ];
  for (const [name, schedule, expected] of cases) test(name, () => assert.equal(cronScheduleError(schedule), expected));
});

describe("timeZoneError", () => {
  const cases: [string, string, string | undefined][] = [
    ["IANA name", "America/New_York", undefined],
    ["UTC", "UTC", undefined],
    ["alias", "US/Eastern", undefined],
    ["unknown", "Foo/Bar", "unknown time zone Foo/Bar"],
    ["wrong case", "america/new_york", "unknown time zone america/new_york"],
  ];
  for (const [name, zone, expected] of cases) test(name, () => assert.equal(timeZoneError(zone), expected));
});
