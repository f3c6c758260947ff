// CronJob schedules as upstream reads them (robfig/cron's standard parser):
// five fields (minute hour day-of-month month day-of-week) with ranges, steps,
// lists, month and weekday names and `?`; the @-descriptors; @every <duration>;
// an optional TZ= / CRON_TZ= prefix. next() walks the wall clock of the
// schedule's zone field by field as upstream does, so its DST behaviour is
// upstream's: a run inside a skipped hour does not happen that day, and a run
// inside a repeated hour happens in both readings of it.
import { instantOf, isKnownTimeZone, wallTime, type WallTime } from "./zoned-time.ts";

export class ScheduleSyntaxError extends Error {
  readonly reason = "UnparseableSchedule" as const;
  constructor(message: string) {
    super(message);
    this.name = "ScheduleSyntaxError";
  }
}

export interface CronSchedule {
  /** The IANA zone the fields are read in. */
  readonly zone: string;
  /** The first run strictly after afterMs (whole seconds), or undefined when none comes within five years. */
  next(afterMs: number): number | undefined;
}

interface FieldBounds {
  min: number;
  max: number;
  names?: ReadonlyMap<string, number>;
}

const monthNames = new Map(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].map((name, i) => [name, i + 1]));
const dayNames = new Map(["sun", "mon", "tue", "wed", "thu", "fri", "sat"].map((name, i) => [name, i]));

const minuteBounds: FieldBounds = { min: 0, max: 59 };
const hourBounds: FieldBounds = { min: 0, max: 23 };
const domBounds: FieldBounds = { min: 1, max: 31 };
const monthBounds: FieldBounds = { min: 1, max: 12, names: monthNames };
const dowBounds: FieldBounds = { min: 0, max: 6, names: dayNames };

/** The values a field allows; `star` when it was written as * or ? (it then does not take part in the day-of-month/day-of-week OR). */
interface FieldSet {
  values: ReadonlySet<number>;
  star: boolean;
}

interface Fields {
  minute: FieldSet;
  hour: FieldSet;
  dom: FieldSet;
  month: FieldSet;
  dow: FieldSet;
}

function allOf(bounds: FieldBounds, star: boolean): FieldSet {
  const values = new Set<number>();
  for (let v = bounds.min; v <= bounds.max; v++) values.add(v);
  return { values, star };
}

const only = (value: number): FieldSet => ({ values: new Set([value]), star: false });

const descriptors: ReadonlyMap<string, Fields> = new Map([
  ["@yearly", { minute: only(0), hour: only(0), dom: only(1), month: only(1), dow: allOf(dowBounds, true) }],
  ["@annually", { minute: only(0), hour: only(0), dom: only(1), month: only(1), dow: allOf(dowBounds, true) }],
  ["@monthly", { minute: only(0), hour: only(0), dom: only(1), month: allOf(monthBounds, true), dow: allOf(dowBounds, true) }],
  ["@weekly", { minute: only(0), hour: only(0), dom: allOf(domBounds, true), month: allOf(monthBounds, true), dow: only(0) }],
  ["@daily", { minute: only(0), hour: only(0), dom: allOf(domBounds, true), month: allOf(monthBounds, true), dow: allOf(dowBounds, true) }],
  ["@midnight", { minute: only(0), hour: only(0), dom: allOf(domBounds, true), month: allOf(monthBounds, true), dow: allOf(dowBounds, true) }],
  ["@hourly", { minute: only(0), hour: allOf(hourBounds, true), dom: allOf(domBounds, true), month: allOf(monthBounds, true), dow: allOf(dowBounds, true) }],
]);

function parseNumber(text: string): number {
  if (!/^[+-]?\d+$/.test(text)) throw new ScheduleSyntaxError(`failed to parse int from ${text}`);
  const value = Number(text);
  if (value < 0) throw new ScheduleSyntaxError(`negative number (${value}) not allowed: ${text}`);
  return value;
}

function parseValue(text: string, bounds: FieldBounds): number {
  return bounds.names?.get(text.toLowerCase()) ?? parseNumber(text);
}

/** One comma-separated part: `*`, `?`, `n`, `a-b`, each optionally `/step`. */
function parseRange(expr: string, bounds: FieldBounds, into: Set<number>): boolean {
  const [range = "", step, ...extraSlashes] = expr.split("/");
  if (extraSlashes.length > 0) throw new ScheduleSyntaxError(`too many slashes: ${expr}`);
  const ends = range.split("-");
  let start: number;
  let end: number;
  let star = false;
  if (ends[0] === "*" || ends[0] === "?") {
    start = bounds.min;
    end = bounds.max;
    star = true;
  } else {
    if (ends.length > 2) throw new ScheduleSyntaxError(`too many hyphens: ${expr}`);
    start = parseValue(ends[0] ?? "", bounds);
    end = ends.length === 2 ? parseValue(ends[1] ?? "", bounds) : start;
  }
  let stride = 1;
  if (step !== undefined) {
    stride = parseNumber(step);
    // "n/step" means "n-max/step".
    if (ends.length === 1 && !star) end = bounds.max;
    if (stride > 1) star = false;
  }
  if (start < bounds.min) throw new ScheduleSyntaxError(`beginning of range (${start}) below minimum (${bounds.min}): ${expr}`);
  if (end > bounds.max) throw new ScheduleSyntaxError(`end of range (${end}) above maximum (${bounds.max}): ${expr}`);
  if (start > end) throw new ScheduleSyntaxError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (stride === 0) throw new ScheduleSyntaxError(`step of range should be a positive number: ${expr}`);
  for (let v = start; v <= end; v += stride) into.add(v);
  return star;
}

function parseField(text: string, bounds: FieldBounds): FieldSet {
  const values = new Set<number>();
  let star = false;
  for (const part of text.split(",")) star = parseRange(part, bounds, values) || star;
  return { values, star };
}

const durationUnitsMs: ReadonlyMap<string, number> = new Map([
  ["ns", 1e-6],
  ["us", 1e-3],
  ["µs", 1e-3],
  ["μs", 1e-3],
  ["ms", 1],
  ["s", 1000],
  ["m", 60_000],
  ["h", 3_600_000],
]);

/** Go's time.ParseDuration, in milliseconds. */
function parseDurationMs(text: string): number {
  const sign = text.startsWith("-") ? -1 : 1;
  let rest = text.replace(/^[-+]/, "");
  if (rest === "0") return 0;
  if (rest === "") throw new ScheduleSyntaxError(`time: invalid duration "${text}"`);
  let total = 0;
  while (rest !== "") {
    const match = /^(\d*(?:\.\d*)?)([^\d.]*)/.exec(rest);
    const number = match?.[1] ?? "";
    const unit = match?.[2] ?? "";
    if (number === "" || number === ".") throw new ScheduleSyntaxError(`time: invalid duration "${text}"`);
    if (unit === "") throw new ScheduleSyntaxError(`time: missing unit in duration "${text}"`);
    const scale = durationUnitsMs.get(unit);
    if (scale === undefined) throw new ScheduleSyntaxError(`time: unknown unit "${unit}" in duration "${text}"`);
    total += Number(number) * scale;
    rest = rest.slice(number.length + unit.length);
  }
  return sign * total;
}

/** @every d: runs d apart (at least a second, whole seconds), counted from the time asked about. */
function everySchedule(delayText: string, zone: string): CronSchedule {
  let delayMs: number;
  try {
    delayMs = parseDurationMs(delayText);
  } catch (error) {
    throw new ScheduleSyntaxError(`failed to parse duration @every ${delayText}: ${(error as Error).message}`);
  }
  const stepMs = Math.max(1000, delayMs - (delayMs % 1000));
  return { zone, next: (afterMs) => afterMs - (((afterMs % 1000) + 1000) % 1000) + stepMs };
}

function dayMatches(fields: Fields, wall: WallTime): boolean {
  const domMatch = fields.dom.values.has(wall.day);
  const dowMatch = fields.dow.values.has(wall.weekday);
  if (fields.dom.star || fields.dow.star) return domMatch && dowMatch;
  return domMatch || dowMatch;
}

const yearsSearched = 5;

/** The field-by-field walk: each field advances its own unit until it matches; a carry into a larger unit starts over. */
function nextRun(fields: Fields, zone: string, afterMs: number): number | undefined {
  let t = afterMs - (((afterMs % 1000) + 1000) % 1000) + 1000;
  let truncated = false;
  const yearLimit = wallTime(t, zone).year + yearsSearched;
  // Each pass either returns or carries into a larger unit; bounded by the year limit.
  for (let pass = 0; pass < 100_000; pass++) {
    let wall = wallTime(t, zone);
    if (wall.year > yearLimit) return undefined;
    let carried = false;
    while (!fields.month.values.has(wall.month)) {
      if (!truncated) {
        truncated = true;
        t = instantOf(wall.year, wall.month, 1, 0, 0, 0, zone);
        wall = wallTime(t, zone);
      }
      t = instantOf(wall.year, wall.month + 1, wall.day, wall.hour, wall.minute, wall.second, zone);
      wall = wallTime(t, zone);
      if (wall.month === 1) {
        carried = true;
        break;
      }
    }
    if (carried) continue;
    while (!dayMatches(fields, wall)) {
      if (!truncated) {
        truncated = true;
        t = instantOf(wall.year, wall.month, wall.day, 0, 0, 0, zone);
        wall = wallTime(t, zone);
      }
      t = instantOf(wall.year, wall.month, wall.day + 1, wall.hour, wall.minute, wall.second, zone);
      wall = wallTime(t, zone);
      // A DST change can move midnight: step back onto it.
      if (wall.hour !== 0) {
        t += (wall.hour > 12 ? 24 - wall.hour : -wall.hour) * 3_600_000;
        wall = wallTime(t, zone);
      }
      if (wall.day === 1) {
        carried = true;
        break;
      }
    }
    if (carried) continue;
    while (!fields.hour.values.has(wall.hour)) {
      if (!truncated) {
        truncated = true;
        t = instantOf(wall.year, wall.month, wall.day, wall.hour, 0, 0, zone);
      }
      t += 3_600_000;
      wall = wallTime(t, zone);
      if (wall.hour === 0) {
        carried = true;
        break;
      }
    }
    if (carried) continue;
    while (!fields.minute.values.has(wall.minute)) {
      if (!truncated) {
        truncated = true;
        t -= ((t % 60_000) + 60_000) % 60_000;
      }
      t += 60_000;
      wall = wallTime(t, zone);
      if (wall.minute === 0) {
        carried = true;
        break;
      }
    }
    if (carried) continue;
    // Standard schedules run at second 0 of their minute.
    if (wall.second !== 0) {
      truncated = true;
      t += (60 - wall.second) * 1000;
      continue;
    }
    return t;
  }
  return undefined;
}

function zoneFrom(text: string): string {
  return text === "" || text === "UTC" ? "UTC" : text;
}

/**
 * Parses a schedule read in defaultZone unless it names its own with a TZ= or
 * CRON_TZ= prefix. Throws ScheduleSyntaxError with the parser's complaint.
 */
export function parseSchedule(text: string, defaultZone: string): CronSchedule {
  let spec = text.trim();
  if (spec === "") throw new ScheduleSyntaxError("empty spec string");
  let zone = zoneFrom(defaultZone);
  if (spec.startsWith("TZ=") || spec.startsWith("CRON_TZ=")) {
    const space = spec.indexOf(" ");
    if (space < 0) throw new ScheduleSyntaxError("invalid schedule format: a TZ= prefix must be followed by a schedule");
    const named = spec.slice(spec.indexOf("=") + 1, space);
    if (!isKnownTimeZone(zoneFrom(named))) throw new ScheduleSyntaxError(`provided bad location ${named}: unknown time zone ${named}`);
    zone = zoneFrom(named);
    spec = spec.slice(space).trim();
  }
  if (spec.startsWith("@")) {
    if (spec.startsWith("@every ")) return everySchedule(spec.slice("@every ".length).trim(), zone);
    const fields = descriptors.get(spec);
    if (fields === undefined) throw new ScheduleSyntaxError(`unrecognized descriptor: ${spec}`);
    return { zone, next: (afterMs) => nextRun(fields, zone, afterMs) };
  }
  const parts = spec.split(/\s+/);
  if (parts.length !== 5) throw new ScheduleSyntaxError(`expected exactly 5 fields, found ${parts.length}: [${parts.join(" ")}]`);
  const [minute = "", hour = "", dom = "", month = "", dow = ""] = parts;
  const fields: Fields = {
    minute: parseField(minute, minuteBounds),
    hour: parseField(hour, hourBounds),
    dom: parseField(dom, domBounds),
    month: parseField(month, monthBounds),
    dow: parseField(dow, dowBounds),
  };
  return { zone, next: (afterMs) => nextRun(fields, zone, afterMs) };
}
