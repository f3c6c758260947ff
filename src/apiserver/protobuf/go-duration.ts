// metav1.Duration travels as nanoseconds in protobuf but as Go's
// time.Duration string ("1h0m0s", "1.5ms") in JSON; these convert between the two.

const nanosecond = 1n;
const microsecond = 1000n * nanosecond;
const millisecond = 1000n * microsecond;
const second = 1000n * millisecond;
const minute = 60n * second;
const hour = 60n * minute;

/** The integer part of value / 10^precision, then its fraction digits without trailing zeros. */
function splitFraction(value: bigint, precision: number): { whole: bigint; fraction: string } {
  const scale = 10n ** BigInt(precision);
  const digits = (value % scale).toString().padStart(precision, "0").replace(/0+$/, "");
  return { whole: value / scale, fraction: digits === "" ? "" : `.${digits}` };
}

/** Formats nanoseconds as Go's time.Duration.String does. */
export function formatGoDuration(nanoseconds: bigint): string {
  if (nanoseconds === 0n) return "0s";
  const sign = nanoseconds < 0n ? "-" : "";
  const magnitude = nanoseconds < 0n ? -nanoseconds : nanoseconds;
  if (magnitude < microsecond) return `${sign}${magnitude}ns`;
  if (magnitude < millisecond) {
    const { whole, fraction } = splitFraction(magnitude, 3);
    return `${sign}${whole}${fraction}µs`;
  }
  if (magnitude < second) {
    const { whole, fraction } = splitFraction(magnitude, 6);
    return `${sign}${whole}${fraction}ms`;
  }
  const { whole: totalSeconds, fraction } = splitFraction(magnitude, 9);
  const seconds = `${totalSeconds % 60n}${fraction}s`;
  const totalMinutes = totalSeconds / 60n;
  if (totalMinutes === 0n) return `${sign}${seconds}`;
  const minutes = `${totalMinutes % 60n}m`;
  const hours = totalMinutes / 60n;
  return hours === 0n ? `${sign}${minutes}${seconds}` : `${sign}${hours}h${minutes}${seconds}`;
}

const unitNanoseconds: Readonly<Record<string, bigint>> = {
  ns: nanosecond,
  us: microsecond,
  "µs": microsecond, // U+00B5 micro sign
  "μs": microsecond, // U+03BC Greek mu
  ms: millisecond,
  s: second,
  m: minute,
  h: hour,
};

const durationTerm = /(\d*)(?:\.(\d*))?([^\d.]+)/y;

/** Parses a Go duration string ("300ms", "-1.5h", "2h45m"); undefined when it is not one. */
export function parseGoDuration(text: string): bigint | undefined {
  let rest = text;
  let sign = 1n;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    sign = rest.startsWith("-") ? -1n : 1n;
    rest = rest.slice(1);
  }
  if (rest === "0") return 0n;
  if (rest === "") return undefined;
  let total = 0n;
  durationTerm.lastIndex = 0;
  while (durationTerm.lastIndex < rest.length) {
    const start = durationTerm.lastIndex;
    const term = durationTerm.exec(rest);
    if (term === null || term.index !== start) return undefined;
    const [, whole = "", fraction = "", unitName = ""] = term;
    const unit = unitNanoseconds[unitName];
    if (unit === undefined || (whole === "" && fraction === "")) return undefined;
    const fractionNanoseconds = fraction === "" ? 0n : (BigInt(fraction) * unit) / 10n ** BigInt(fraction.length);
    total += BigInt(whole === "" ? "0" : whole) * unit + fractionNanoseconds;
  }
  return sign * total;
}
