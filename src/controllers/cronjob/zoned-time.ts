// Wall-clock time in an IANA time zone, through Intl (Node ships the zone
// data). Cron schedules are read in a zone's wall clock; this is the one
// place instants become wall-clock fields and back, with Go's time.Date
// rules for times a DST jump skips or repeats, so run times match upstream's.

export interface WallTime {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** True when Intl knows zone (names are matched as Intl does; see timeZoneError in api/validation for Go's stricter spelling rules). */
export function isKnownTimeZone(zone: string): boolean {
  try {
    formatterFor(zone);
    return true;
  } catch (error) {
    if (error instanceof RangeError) return false;
    throw error;
  }
}

/** The zone this process reads local time in (upstream's time.Local of the controller manager). */
export function localTimeZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone;
}

function floorTo(ms: number, unit: number): number {
  return ms - (((ms % unit) + unit) % unit);
}

export function wallTime(ms: number, zone: string): WallTime {
  if (zone === "UTC") return utcWallTime(ms);
  const fields: Record<string, number> = {};
  for (const part of formatterFor(zone).formatToParts(new Date(floorTo(ms, 1000)))) {
    if (part.type !== "literal") fields[part.type] = Number(part.value);
  }
  const year = fields.year ?? 1970;
  const month = fields.month ?? 1;
  const day = fields.day ?? 1;
  return { year, month, day, hour: fields.hour ?? 0, minute: fields.minute ?? 0, second: fields.second ?? 0, weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay() };
}

function utcWallTime(ms: number): WallTime {
  const date = new Date(ms);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
    weekday: date.getUTCDay(),
  };
}

/** How far zone's wall clock is ahead of UTC at instant ms. */
export function offsetMs(ms: number, zone: string): number {
  const wall = wallTime(ms, zone);
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second) - floorTo(ms, 1000);
}

/**
 * The instant zone's wall clock reads these fields (out-of-range fields carry
 * over, like Go's time.Date). A time a DST jump skips or repeats resolves as
 * Go resolves it: take the offset in force at the naive reading, and if that
 * offset's period does not contain the result, the offset in force there.
 */
export function instantOf(year: number, month: number, day: number, hour: number, minute: number, second: number, zone: string): number {
  const naive = Date.UTC(year, month - 1, day, hour, minute, second);
  if (zone === "UTC") return naive;
  const guess = offsetMs(naive, zone);
  const candidate = naive - guess;
  const actual = offsetMs(candidate, zone);
  return actual === guess ? candidate : naive - actual;
}

function pad(value: number, width = 2): string {
  return String(Math.abs(value)).padStart(width, "0");
}

/** Go's time.RFC3339 of the instant read in zone: "Z" for a zero offset, else ±hh:mm. */
export function formatRfc3339(ms: number, zone: string): string {
  const wall = wallTime(ms, zone);
  const offsetMinutes = Math.round(offsetMs(ms, zone) / 60_000);
  const suffix = offsetMinutes === 0 ? "Z" : `${offsetMinutes < 0 ? "-" : "+"}${pad(Math.trunc(offsetMinutes / 60))}:${pad(offsetMinutes % 60)}`;
  return `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}T${pad(wall.hour)}:${pad(wall.minute)}:${pad(wall.second)}${suffix}`;
}
