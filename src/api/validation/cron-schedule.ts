// CronJob schedules as upstream parses them (the standard five-field cron
// format, @-descriptors, an optional TZ= or CRON_TZ= prefix), reporting the
// parser's own error texts. Only the syntax is checked here; computing run
// times belongs to the CronJob controller.
import { goQuote } from "./go-value.ts";

interface Bounds {
  min: number;
  max: number;
  names?: ReadonlyMap<string, number>;
}

const monthNames = new Map(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].map((n, i) => [n, i + 1]));
const dayNames = new Map(["sun", "mon", "tue", "wed", "thu", "fri", "sat"].map((n, i) => [n, i]));

const fields: readonly Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: monthNames },
  { min: 0, max: 6, names: dayNames },
];

const descriptors = new Set(["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"]);

class CronSyntaxError extends Error {
  readonly reason = "InvalidCronSchedule" as const;
}

/** Go's strconv.Atoi on its own: an optional sign and decimal digits. */
function atoi(text: string): number {
  if (!/^[+-]?[0-9]+$/.test(text)) throw new CronSyntaxError(`strconv.Atoi: parsing ${goQuote(text)}: invalid syntax`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new CronSyntaxError(`strconv.Atoi: parsing ${goQuote(text)}: value out of range`);
  return n;
}

function parseUint(expr: string): number {
  let n: number;
  try {
    n = atoi(expr);
  } catch (e) {
    throw new CronSyntaxError(`failed to parse int from ${expr}: ${(e as Error).message}`);
  }
  if (n < 0) throw new CronSyntaxError(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

function parseIntOrName(expr: string, bounds: Bounds): number {
  return bounds.names?.get(expr.toLowerCase()) ?? parseUint(expr);
}

function checkRange(expr: string, bounds: Bounds): void {
  const rangeAndStep = expr.split("/");
  const lowAndHigh = (rangeAndStep[0] ?? "").split("-");
  let start: number;
  let end: number;
  if (lowAndHigh[0] === "*" || lowAndHigh[0] === "?") {
    start = bounds.min;
    end = bounds.max;
  } else {
    start = parseIntOrName(lowAndHigh[0] ?? "", bounds);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1] ?? "", bounds);
    else throw new CronSyntaxError(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = parseUint(rangeAndStep[1] ?? "");
    if (lowAndHigh.length === 1) end = bounds.max;
  } else if (rangeAndStep.length > 2) {
    throw new CronSyntaxError(`too many slashes: ${expr}`);
  }
  if (start < bounds.min) throw new CronSyntaxError(`beginning of range (${start}) below minimum (${bounds.min}): ${expr}`);
  if (end > bounds.max) throw new CronSyntaxError(`end of range (${end}) above maximum (${bounds.max}): ${expr}`);
  if (start > end) throw new CronSyntaxError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new CronSyntaxError(`step of range should be a positive number: ${expr}`);
}

const durationUnits = new Set(["ns", "us", "µs", "μs", "ms", "s", "m", "h"]);

/** Go's time.ParseDuration, for its error texts only. */
function checkDuration(text: string): void {
  const quoted = goQuote(text);
  let rest = text.replace(/^[-+]/, "");
  if (rest === "0") return;
  if (rest === "") throw new CronSyntaxError(`time: invalid duration ${quoted}`);
  while (rest !== "") {
    const number = /^([0-9]*)(\.[0-9]*)?/.exec(rest)?.[0] ?? "";
    if (number === "" || number === ".") throw new CronSyntaxError(`time: invalid duration ${quoted}`);
    rest = rest.slice(number.length);
    const unit = /^[^0-9.]*/.exec(rest)?.[0] ?? "";
    if (unit === "") throw new CronSyntaxError(`time: missing unit in duration ${quoted}`);
    if (!durationUnits.has(unit)) throw new CronSyntaxError(`time: unknown unit ${goQuote(unit)} in duration ${quoted}`);
    rest = rest.slice(unit.length);
  }
}

function isKnownTimeZone(name: string): boolean {
  if (name === "" || name === "UTC") return true;
  try {
    const resolved = new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
    // Go looks zones up as files, so the spelling's case must be right.
    return !(resolved !== name && resolved.toLowerCase() === name.toLowerCase());
  } catch {
    return false;
  }
}

/** Go's time.LoadLocation outcome for an IANA name; undefined when it loads. */
export function timeZoneError(name: string): string | undefined {
  if (name === "Local") return undefined;
  return isKnownTimeZone(name) ? undefined : `unknown time zone ${name}`;
}

/** The parser's complaint about a schedule, or undefined when it parses. */
export function cronScheduleError(schedule: string): string | undefined {
  try {
    let spec = schedule;
    if (spec.length === 0) return "empty spec string";
    if (spec.startsWith("TZ=") || spec.startsWith("CRON_TZ=")) {
      const space = spec.indexOf(" ");
      const eq = spec.indexOf("=");
      // Upstream slices the string at the space without checking for one and recovers the panic.
      if (space < 0) return "invalid schedule format: runtime error: slice bounds out of range [:-1]";
      const zone = spec.slice(eq + 1, space);
      const problem = timeZoneError(zone);
      if (problem !== undefined) return `provided bad location ${zone}: ${problem}`;
      spec = spec.slice(space).trim();
    }
    if (spec.startsWith("@")) {
      if (descriptors.has(spec)) return undefined;
      if (spec.startsWith("@every ")) {
        try {
          checkDuration(spec.slice("@every ".length));
        } catch (e) {
          return `failed to parse duration ${spec}: ${(e as Error).message}`;
        }
        return undefined;
      }
      return `unrecognized descriptor: ${spec}`;
    }
    const parts = spec.split(/\s+/).filter((p) => p !== "");
    if (parts.length !== fields.length) return `expected exactly ${fields.length} fields, found ${parts.length}: [${parts.join(" ")}]`;
    parts.forEach((part, i) => {
      const bounds = fields[i];
      if (bounds === undefined) return;
      for (const expr of part.split(",").filter((e) => e !== "")) checkRange(expr, bounds);
    });
    return undefined;
  } catch (e) {
    if (e instanceof CronSyntaxError) return e.message;
    throw e;
  }
}
