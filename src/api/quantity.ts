// Kubernetes resource quantities ("500m", "1.5Gi", "1e3") with exact decimal
// arithmetic: a value is an integer mantissa times a power of ten, never a
// float. Parsing, canonical text and rounding follow apimachinery's
// resource.Quantity as a client observes them through the API.

export type QuantityFormat = "DecimalSI" | "BinarySI" | "DecimalExponent";

const QUANTITY_PATTERN = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";
const FORMAT_WRONG_MESSAGE = `quantities must match the regular expression '${QUANTITY_PATTERN}'`;
const SUFFIX_MESSAGE = "unable to parse quantity's suffix";

export class QuantityError extends Error {
  readonly reason = "InvalidQuantity" as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "QuantityError";
  }
}

// Parsing keeps values down to nano; anything finer is rounded away from zero.
const NANO_EXPONENT = -9;
// Upstream silently caps binary quantities at the largest int64.
const MAX_BINARY_VALUE = (1n << 63n) - 1n;
// Upstream accepts any exponent that fits an int32 (and wraps larger ones);
// values like 1e2000000000 would make exact bigint arithmetic explode, so we
// reject exponents no real resource amount comes near.
const MAX_EXPONENT_MAGNITUDE = 1000;

const DECIMAL_SUFFIX_EXPONENTS: ReadonlyMap<string, number> = new Map([
  ["n", -9],
  ["u", -6],
  ["m", -3],
  ["", 0],
  ["k", 3],
  ["M", 6],
  ["G", 9],
  ["T", 12],
  ["P", 15],
  ["E", 18],
]);
const DECIMAL_SUFFIX_BY_EXPONENT: ReadonlyMap<number, string> = new Map(
  [...DECIMAL_SUFFIX_EXPONENTS].map(([suffix, exponent]) => [exponent, suffix]),
);
const BINARY_SUFFIX_EXPONENTS: ReadonlyMap<string, number> = new Map([
  ["Ki", 10],
  ["Mi", 20],
  ["Gi", 30],
  ["Ti", 40],
  ["Pi", 50],
  ["Ei", 60],
]);
const BINARY_SUFFIXES_BY_POWER_OF_1024 = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"] as const;

interface SuffixMeaning {
  readonly base: 2 | 10;
  readonly exponent: number;
  readonly format: QuantityFormat;
}

function interpretSuffix(suffix: string): SuffixMeaning {
  const decimal = DECIMAL_SUFFIX_EXPONENTS.get(suffix);
  if (decimal !== undefined) return { base: 10, exponent: decimal, format: "DecimalSI" };
  const binary = BINARY_SUFFIX_EXPONENTS.get(suffix);
  if (binary !== undefined) return { base: 2, exponent: binary, format: "BinarySI" };
  const exponentText = suffix.slice(1);
  if ((suffix.startsWith("e") || suffix.startsWith("E")) && /^[+-]?[0-9]+$/.test(exponentText)) {
    const exponent = Number(exponentText);
    if (Math.abs(exponent) <= MAX_EXPONENT_MAGNITUDE) {
      return { base: 10, exponent, format: "DecimalExponent" };
    }
  }
  throw new QuantityError(SUFFIX_MESSAGE);
}

const SCANNER = /^([+-]?)([0-9]*)(?:\.([0-9]*))?([eEinumkKMGTP]*[-+]?[0-9]*)$/;

interface ScannedQuantity {
  readonly negative: boolean;
  // Integer digits without leading zeros, "0" when none remain.
  readonly integerDigits: string;
  readonly fractionDigits: string;
  readonly suffix: string;
}

function scan(text: string): ScannedQuantity {
  const match = SCANNER.exec(text);
  if (text === "" || match === null) throw new QuantityError(FORMAT_WRONG_MESSAGE);
  const [, sign = "", integer = "", fraction = "", suffix = ""] = match;
  return {
    negative: sign === "-",
    integerDigits: integer.replace(/^0+/, "") || "0",
    fractionDigits: fraction,
    suffix,
  };
}

// Upstream keeps the client's text and serializes it back verbatim when its
// quick check deems the text canonical; the check is loose (it accepts "+1",
// "01" or "1.500"), and clients see exactly that text echoed.
function upstreamKeepsText(scanned: ScannedQuantity, meaning: SuffixMeaning): boolean {
  const { integerDigits, fractionDigits } = scanned;
  if (meaning.base === 2) {
    const precision = 15 - integerDigits.length - Math.trunc((meaning.exponent * 3) / 10) - 1;
    return precision >= 0 && fractionDigits.length === 0 && (BigInt(integerDigits) & 7n) !== 0n;
  }
  const shifted = integerDigits + fractionDigits;
  const scale = meaning.exponent - fractionDigits.length;
  return (
    shifted.length <= 18 &&
    scale >= NANO_EXPONENT &&
    scale % 3 === 0 &&
    !shifted.endsWith("000") &&
    !shifted.startsWith("0")
  );
}

const TEN = 10n;

function powerOfTen(exponent: number): bigint {
  return TEN ** BigInt(exponent);
}

function absolute(value: bigint): bigint {
  return value < 0n ? -value : value;
}

// Divides and rounds the magnitude up, keeping the sign ("away from zero").
function divideAwayFromZero(dividend: bigint, divisor: bigint): bigint {
  const quotient = absolute(dividend) / divisor;
  const rounded = absolute(dividend) % divisor === 0n ? quotient : quotient + 1n;
  return dividend < 0n ? -rounded : rounded;
}

function toInteger(value: bigint | number, what: string): bigint {
  if (typeof value === "bigint") return value;
  if (!Number.isSafeInteger(value)) {
    throw new QuantityError(`${what} must be a safe integer, got ${value}`);
  }
  return BigInt(value);
}

export class Quantity {
  readonly format: QuantityFormat;
  // The value is #mantissa × 10^#exponent.
  readonly #mantissa: bigint;
  readonly #exponent: number;
  readonly #keptText: string | undefined;

  private constructor(mantissa: bigint, exponent: number, format: QuantityFormat, keptText?: string) {
    this.#mantissa = mantissa;
    this.#exponent = exponent;
    this.format = format;
    this.#keptText = keptText;
  }

  static parse(text: string): Quantity {
    if (text === "0") return new Quantity(0n, 0, "DecimalSI", text);
    const scanned = scan(text);
    const meaning = interpretSuffix(scanned.suffix);
    const digits = BigInt(scanned.integerDigits + scanned.fractionDigits);
    let magnitude = meaning.base === 2 ? digits << BigInt(meaning.exponent) : digits;
    let exponent = (meaning.base === 2 ? 0 : meaning.exponent) - scanned.fractionDigits.length;
    if (exponent < NANO_EXPONENT) {
      magnitude = divideAwayFromZero(magnitude, powerOfTen(NANO_EXPONENT - exponent));
      exponent = NANO_EXPONENT;
    }
    let format = meaning.format;
    if (format === "BinarySI") {
      const scaledMax = exponent >= 0 ? MAX_BINARY_VALUE : MAX_BINARY_VALUE * powerOfTen(-exponent);
      const scaledMagnitude = exponent >= 0 ? magnitude * powerOfTen(exponent) : magnitude;
      if (scaledMagnitude > scaledMax) {
        magnitude = MAX_BINARY_VALUE;
        exponent = 0;
      }
      const belowOne = exponent < 0 && magnitude < powerOfTen(-exponent);
      // A fraction of one shown in binary notation would have to round.
      if (magnitude > 0n && belowOne) format = "DecimalSI";
    }
    const keptText = upstreamKeepsText(scanned, meaning) ? text : undefined;
    return new Quantity(scanned.negative ? -magnitude : magnitude, exponent, format, keptText);
  }

  static fromMilli(milli: bigint | number): Quantity {
    return new Quantity(toInteger(milli, "milli value"), -3, "DecimalSI");
  }

  static fromValue(value: bigint | number, format: QuantityFormat): Quantity {
    return new Quantity(toInteger(value, "value"), 0, format);
  }

  isZero(): boolean {
    return this.#mantissa === 0n;
  }

  sign(): -1 | 0 | 1 {
    if (this.#mantissa === 0n) return 0;
    return this.#mantissa < 0n ? -1 : 1;
  }

  cmp(other: Quantity): -1 | 0 | 1 {
    const [left, right] = this.#alignedWith(other);
    if (left === right) return 0;
    return left < right ? -1 : 1;
  }

  // Like upstream, a zero takes on the format of what is added to it.
  add(other: Quantity): Quantity {
    const [left, right] = this.#alignedWith(other);
    const format = this.isZero() ? other.format : this.format;
    return new Quantity(left + right, Math.min(this.#exponent, other.#exponent), format);
  }

  sub(other: Quantity): Quantity {
    return this.add(new Quantity(-other.#mantissa, other.#exponent, other.format));
  }

  neg(): Quantity {
    return new Quantity(-this.#mantissa, this.#exponent, this.format);
  }

  // The integer value, rounded away from zero.
  value(): bigint {
    return this.#scaledValue(0);
  }

  // The value in thousandths, rounded away from zero.
  milliValue(): bigint {
    return this.#scaledValue(-3);
  }

  asApproximateNumber(): number {
    return Number(`${this.#mantissa}e${this.#exponent}`);
  }

  toString(): string {
    return this.#keptText ?? this.#canonicalText();
  }

  toJSON(): string {
    return this.toString();
  }

  // Both mantissas scaled to the smaller of the two exponents.
  #alignedWith(other: Quantity): [bigint, bigint] {
    const common = Math.min(this.#exponent, other.#exponent);
    return [
      this.#mantissa * powerOfTen(this.#exponent - common),
      other.#mantissa * powerOfTen(other.#exponent - common),
    ];
  }

  #scaledValue(unitExponent: number): bigint {
    const shift = this.#exponent - unitExponent;
    if (shift >= 0) return this.#mantissa * powerOfTen(shift);
    return divideAwayFromZero(this.#mantissa, powerOfTen(-shift));
  }

  #isInteger(): boolean {
    return this.#exponent >= 0 || this.#mantissa % powerOfTen(-this.#exponent) === 0n;
  }

  #canonicalText(): string {
    if (this.isZero()) return "0";
    const sign = this.#mantissa < 0n ? "-" : "";
    const useBinary =
      this.format === "BinarySI" && absolute(this.value()) >= 1024n && this.#isInteger();
    if (useBinary) {
      let magnitude = absolute(this.value());
      let power = 0;
      while (power < BINARY_SUFFIXES_BY_POWER_OF_1024.length - 1 && magnitude % 1024n === 0n) {
        magnitude /= 1024n;
        power += 1;
      }
      return `${sign}${magnitude}${BINARY_SUFFIXES_BY_POWER_OF_1024[power]}`;
    }
    let magnitude = absolute(this.#mantissa);
    let exponent = this.#exponent;
    while (magnitude % TEN === 0n) {
      magnitude /= TEN;
      exponent += 1;
    }
    // Suffixes step by thousands, so the exponent moves down to a multiple of three.
    while (exponent % 3 !== 0) {
      magnitude *= TEN;
      exponent -= 1;
    }
    return `${sign}${magnitude}${decimalSuffix(exponent, this.format)}`;
  }
}

// Beyond "E" there is no SI suffix; upstream then drops the exponent and
// corrupts the value, so we write it as a decimal exponent instead.
function decimalSuffix(exponent: number, format: QuantityFormat): string {
  const siSuffix = format === "DecimalExponent" ? undefined : DECIMAL_SUFFIX_BY_EXPONENT.get(exponent);
  if (siSuffix !== undefined) return siSuffix;
  return exponent === 0 ? "" : `e${exponent}`;
}

export function parseQuantity(text: string): Quantity {
  return Quantity.parse(text);
}
