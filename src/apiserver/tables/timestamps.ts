// Timestamps arrive as RFC3339 strings (metav1.Time, metav1.MicroTime); an
// absent or unreadable one is upstream's zero time.
import { humanDuration } from "./human-duration.ts";

export function parseTimestamp(value: string | undefined | null): Date | undefined {
  if (!value) return undefined;
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed;
}

/** Upstream's translateTimestampSince: the age of a moment, "<unknown>" when unset. */
export function since(value: string | undefined | null, now: Date): string {
  const moment = parseTimestamp(value);
  return moment ? humanDuration(now.getTime() - moment.getTime()) : "<unknown>";
}

/** RFC3339 in UTC at whole seconds, the way metav1.Time prints; the zero time when unset. */
export function rfc3339(value: string | undefined | null): string {
  const moment = parseTimestamp(value);
  if (!moment) return "0001-01-01T00:00:00Z";
  return moment.toISOString().replace(/\.\d+Z$/, "Z");
}
