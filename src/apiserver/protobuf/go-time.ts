// metav1.Time and metav1.MicroTime travel as {seconds, nanos} in protobuf
// and as RFC 3339 strings in UTC in JSON (Time to the second, MicroTime to
// the microsecond); Go's zero time is JSON null.

/** Seconds from the Unix epoch to Go's zero time, 0001-01-01T00:00:00Z. */
export const goZeroTimeSeconds = -62135596800n;

const maxRfc3339Seconds = 253402300799n; // 9999-12-31T23:59:59Z

export interface Timestamp {
  readonly seconds: bigint;
  readonly nanos: number;
}

/** Formats a timestamp as RFC 3339 in UTC with `fractionDigits` digits (0 drops the fraction); undefined outside years 0001–9999. */
export function formatRfc3339(timestamp: Timestamp, fractionDigits: 0 | 6): string | undefined {
  if (timestamp.seconds < goZeroTimeSeconds || timestamp.seconds > maxRfc3339Seconds) return undefined;
  const date = new Date(Number(timestamp.seconds) * 1000);
  const year = String(date.getUTCFullYear()).padStart(4, "0");
  const pad = (value: number) => String(value).padStart(2, "0");
  const wholeSeconds =
    `${year}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}` +
    `T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  if (fractionDigits === 0) return `${wholeSeconds}Z`;
  const micros = String(Math.floor(timestamp.nanos / 1000)).padStart(6, "0");
  return `${wholeSeconds}.${micros}Z`;
}

const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** Parses an RFC 3339 date-time with any offset; undefined when it is not one. */
export function parseRfc3339(text: string): Timestamp | undefined {
  const match = rfc3339.exec(text);
  if (match === null) return undefined;
  const [, year, month, day, hours, minutes, seconds, fraction = "", zulu, offsetSign, offsetHours, offsetMinutes] =
    match;
  const date = new Date(0);
  date.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
  date.setUTCHours(Number(hours), Number(minutes), Number(seconds));
  if (
    date.getUTCMonth() !== Number(month) - 1 ||
    date.getUTCDate() !== Number(day) ||
    date.getUTCHours() !== Number(hours) || date.getUTCSeconds() !== Number(seconds)) {
    return undefined;
  }
  const offsetSeconds =
    zulu !== undefined ? 0 : (offsetSign === "-" ? -1 : 1) * (Number(offsetHours) * 3600 + Number(offsetMinutes) * 60);
  return {
    seconds: BigInt(date.getTime() / 1000 - offsetSeconds),
    nanos: Number(fraction.padEnd(9, "0")),
  };
}
