import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseQuantity, Quantity, QuantityError } from "./quantity.ts";
import type { QuantityFormat } from "./quantity.ts";

const FORMAT_WRONG =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const SUFFIX_WRONG = "unable to parse quantity's suffix";

describe("parseQuantity: canonical text and format", () => {
  const cases: Array<[input: string, text: string, format: QuantityFormat]> = [
    ["0", "0", "DecimalSI"],
    ["0n", "0", "DecimalSI"],
    ["0Ki", "0", "BinarySI"],
    ["0Ti", "0", "BinarySI"],
    ["1", "1", "DecimalSI"],
    ["0.5", "500m", "DecimalSI"],
    ["1.5", "1500m", "DecimalSI"],
    ["1000m", "1", "DecimalSI"],
    ["1080m", "1080m", "DecimalSI"],
    ["1.08", "1080m", "DecimalSI"],
    ["1080000000n", "1080m", "DecimalSI"],
    ["100M", "100M", "DecimalSI"],
    ["1000M", "1G", "DecimalSI"],
    ["0.001T", "1G", "DecimalSI"],
    ["50k", "50k", "DecimalSI"],
    ["12E", "12E", "DecimalSI"],
    ["1.01E", "1010P", "DecimalSI"],
    ["0.0005k", "500m", "DecimalSI"],
    [".0001k", "100m", "DecimalSI"],
    ["1.0", "1", "DecimalSI"],
    ["1.000G", "1G", "DecimalSI"],
    ["7.1234567M", "7123456700m", "DecimalSI"],
    ["1Ki", "1Ki", "BinarySI"],
    ["1024Ki", "1Mi", "BinarySI"],
    ["1024Mi", "1Gi", "BinarySI"],
    ["1.5Gi", "1536Mi", "BinarySI"],
    ["300Mi", "300Mi", "BinarySI"],
    ["307200Ki", "300Mi", "BinarySI"],
    ["1025Ki", "1025Ki", "BinarySI"],
    ["0.5Mi", "512Ki", "BinarySI"],
    ["3Ei", "3Ei", "BinarySI"],
    // Binary values below 1024, or with a fraction, print in decimal notation.
    [".001Ki", "1024m", "BinarySI"],
    [".000001Ki", "1024u", "DecimalSI"],
    ["100.035Ki", "102435840m", "BinarySI"],
    ["0.05Gi", "53687091200m", "BinarySI"],
    // Binary values are capped at the largest int64.
    ["9Ei", "9223372036854775807", "BinarySI"],
    ["9223372036854775807Ki", "9223372036854775807", "BinarySI"],
    ["1e3", "1e3", "DecimalExponent"],
    ["1e14", "100e12", "DecimalExponent"],
    ["1.3E+6", "1300e3", "DecimalExponent"],
    ["1.2e3", "1200", "DecimalExponent"],
    [".001e12", "1e9", "DecimalExponent"],
    ["0.001e0", "1e-3", "DecimalExponent"],
    ["1000e-12", "1e-9", "DecimalExponent"],
    ["0.5e0", "500e-3", "DecimalExponent"],
    // Sub-nano precision rounds away from zero.
    ["0.9n", "1n", "DecimalSI"],
    ["3.001n", "4n", "DecimalSI"],
    ["0.0000000005", "1n", "DecimalSI"],
    ["0.00000012345", "124n", "DecimalSI"],
    ["1.1E-9", "2e-9", "DecimalExponent"],
    [".000000000001Ki", "2n", "DecimalSI"],
    ["-.000000000001Ki", "-2n", "DecimalSI"],
    ["-1.5Gi", "-1536Mi", "BinarySI"],
    ["-0.5", "-500m", "DecimalSI"],
    // Past "E" there is no SI suffix: the exponent is written out instead of lost.
    ["1000E", "1e21", "DecimalSI"],
    // Text upstream judges canonical is echoed as the client wrote it.
    ["+1", "+1", "DecimalSI"],
    ["01", "01", "DecimalSI"],
    ["1.500", "1.500", "DecimalSI"],
    ["1E3", "1E3", "DecimalExponent"],
    ["1.Ki", "1.Ki", "BinarySI"],
    ["1.", "1.", "DecimalSI"],
    ["1.G", "1.G", "DecimalSI"],
    ["100.035k", "100.035k", "DecimalSI"],
    ["7.123456M", "7.123456M", "DecimalSI"],
    ["-9Ki", "-9Ki", "BinarySI"],
    // A lone sign or dot is a zero.
    ["-", "0", "DecimalSI"],
    [".", "0", "DecimalSI"],
  ];
  for (const [input, text, format] of cases) {
    test(`${JSON.stringify(input)} -> ${text} (${format})`, () => {
      const quantity = parseQuantity(input);
      assert.equal(quantity.toString(), text);
      assert.equal(quantity.format, format);
      assert.equal(parseQuantity(text).cmp(quantity), 0, "the text parses back to the same value");
    });
  }
});

describe("parseQuantity: rejected input", () => {
  const cases: Array<[input: string, message: string]> = [
    ["", FORMAT_WRONG],
    ["1.1.M", FORMAT_WRONG],
    ["1+1.0M", FORMAT_WRONG],
    ["0.1am", FORMAT_WRONG],
    ["aoeu", FORMAT_WRONG],
    [" 1", FORMAT_WRONG],
    ["1 ", FORMAT_WRONG],
    ["1e3e", FORMAT_WRONG],
    ["0.1mi", SUFFIX_WRONG],
    [".5i", SUFFIX_WRONG],
    ["1i", SUFFIX_WRONG],
    ["-3.01i", SUFFIX_WRONG],
    ["-3.01e-", SUFFIX_WRONG],
    ["1K", SUFFIX_WRONG],
    ["1e", SUFFIX_WRONG],
    ["1eKi", SUFFIX_WRONG],
    ["1e1001", SUFFIX_WRONG],
  ];
  for (const [input, message] of cases) {
    test(JSON.stringify(input), () => {
      assert.throws(
        () => parseQuantity(input),
        (error: unknown) =>
          error instanceof QuantityError && error.reason === "InvalidQuantity" && error.message === message,
      );
    });
  }
});

describe("value and milliValue round away from zero", () => {
  const cases: Array<[input: string, value: bigint, milli: bigint]> = [
    ["1", 1n, 1000n],
    ["1.5", 2n, 1500n],
    ["-1.5", -2n, -1500n],
    ["1m", 1n, 1n],
    ["1n", 1n, 1n],
    ["-1n", -1n, -1n],
    ["999m", 1n, 999n],
    ["1Gi", 1073741824n, 1073741824000n],
    ["12E", 12000000000000000000n, 12000000000000000000000n],
    ["1e21", 10n ** 21n, 10n ** 24n],
    ["0", 0n, 0n],
  ];
  for (const [input, value, milli] of cases) {
    test(input, () => {
      const quantity = parseQuantity(input);
      assert.equal(quantity.value(), value);
      assert.equal(quantity.milliValue(), milli);
    });
  }
});

describe("cmp", () => {
  const cases: Array<[left: string, right: string, expected: -1 | 0 | 1]> = [
    ["0", "0", 0],
    ["100m", "50m", 1],
    ["50m", "100m", -1],
    ["10000T", "100Gi", 1],
    ["1", "1000m", 0],
    ["1Ki", "1024", 0],
    ["1k", "1Ki", -1],
    ["-1", "1n", -1],
    ["1e-3", "1m", 0],
    ["9Ei", "9223372036854775807", 0],
    ["12E", "9Ei", 1],
  ];
  for (const [left, right, expected] of cases) {
    test(`${left} vs ${right}`, () => {
      assert.equal(parseQuantity(left).cmp(parseQuantity(right)), expected);
      assert.equal(parseQuantity(right).cmp(parseQuantity(left)), expected === 0 ? 0 : -expected);
    });
  }
});

describe("arithmetic", () => {
  const sums: Array<[left: string, right: string, sum: string, difference: string]> = [
    ["1", "500m", "1500m", "500m"],
    ["1Gi", "512Mi", "1536Mi", "512Mi"],
    ["100m", "0", "100m", "100m"],
    // A zero takes the other operand's format.
    ["0", "1Gi", "1Gi", "-1Gi"],
    ["0", "100m", "100m", "-100m"],
    ["1k", "1Ki", "2024", "-24"],
    ["4Ei", "4Ei", "8Ei", "0"],
    ["1n", "1E", "1000000000000000000000000001n", "-999999999999999999999999999n"],
  ];
  for (const [left, right, sum, difference] of sums) {
    test(`${left} + ${right} and ${left} - ${right}`, () => {
      assert.equal(parseQuantity(left).add(parseQuantity(right)).toString(), sum);
      assert.equal(parseQuantity(left).sub(parseQuantity(right)).toString(), difference);
    });
  }

  test("operands stay unchanged", () => {
    const left = parseQuantity("1");
    const right = parseQuantity("2");
    left.add(right);
    left.sub(right);
    left.neg();
    assert.equal(left.toString(), "1");
    assert.equal(right.toString(), "2");
  });

  const negations: Array<[input: string, negated: string]> = [
    ["9.01", "-9010m"],
    ["-1Gi", "1Gi"],
    ["0", "0"],
    ["+1", "-1"],
  ];
  for (const [input, negated] of negations) {
    test(`neg ${input}`, () => {
      assert.equal(parseQuantity(input).neg().toString(), negated);
    });
  }
});

describe("isZero and sign", () => {
  const cases: Array<[input: string, sign: -1 | 0 | 1]> = [
    ["0", 0],
    ["0Ki", 0],
    ["-0", 0],
    ["1n", 1],
    ["-1n", -1],
  ];
  for (const [input, sign] of cases) {
    test(input, () => {
      const quantity = parseQuantity(input);
      assert.equal(quantity.sign(), sign);
      assert.equal(quantity.isZero(), sign === 0);
    });
  }
});

describe("construction from integers", () => {
  const cases: Array<[quantity: () => Quantity, text: string]> = [
    [() => Quantity.fromMilli(1500), "1500m"],
    [() => Quantity.fromMilli(1000n), "1"],
    [() => Quantity.fromMilli(-250), "-250m"],
    [() => Quantity.fromValue(5, "BinarySI"), "5"],
    [() => Quantity.fromValue(2048, "BinarySI"), "2Ki"],
    [() => Quantity.fromValue(1n << 70n, "BinarySI"), "1024Ei"],
    [() => Quantity.fromValue(3000, "DecimalExponent"), "3e3"],
    [() => Quantity.fromValue(3000, "DecimalSI"), "3k"],
    [() => Quantity.fromValue(0, "BinarySI"), "0"],
  ];
  for (const [make, text] of cases) {
    test(text, () => {
      assert.equal(make().toString(), text);
    });
  }

  for (const bad of [1.5, Number.MAX_SAFE_INTEGER + 2, Number.NaN]) {
    test(`rejects ${bad}`, () => {
      assert.throws(() => Quantity.fromValue(bad, "DecimalSI"), QuantityError);
      assert.throws(() => Quantity.fromMilli(bad), QuantityError);
    });
  }
});

describe("asApproximateNumber", () => {
  const cases: Array<[input: string, approximate: number]> = [
    ["1.5Gi", 1610612736],
    ["500m", 0.5],
    ["-2n", -2e-9],
    ["12E", 1.2e19],
  ];
  for (const [input, approximate] of cases) {
    test(input, () => {
      assert.equal(parseQuantity(input).asApproximateNumber(), approximate);
    });
  }
});

test("JSON serialization writes the text", () => {
  const resources = { cpu: parseQuantity("0.5"), memory: parseQuantity("1.5Gi") };
  assert.equal(JSON.stringify(resources), '{"cpu":"500m","memory":"1536Mi"}');
});
