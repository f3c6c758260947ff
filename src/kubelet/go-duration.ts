// Durations worded as Go's time.Duration.String() prints them, since event
// and status messages clients see carry them: "2ms", "1.5s", "1m20s", "5m0s".

export function goDuration(ms: number): string {
  if (ms === 0) return "0s";
  if (ms < 1000) return `${ms}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = `${((ms % 60_000) / 1000).toFixed(3).replace(/\.?0+$/, "")}s`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${minutes}m${seconds}`;
  return seconds;
}
