// Shared clock for the printers' tests: every object is aged against NOW.
export const NOW = new Date("2024-06-01T12:00:00Z");

/** The RFC3339 time `seconds` before NOW. */
export function ago(seconds: number): string {
  return new Date(NOW.getTime() - seconds * 1000).toISOString().replace(/\.\d+Z$/, "Z");
}
