import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { formatRfc3339, goZeroTimeSeconds, parseRfc3339 } from "./go-time.ts";

describe("formatRfc3339", () => {
  const cases: { seconds: bigint; nanos: number; digits: 0 | 6; text: string | undefined }[] = [
    { seconds: 0n, nanos: 0, digits: 0, text: "1970-01-01T00:00:00Z" },
    { seconds: 1714558830n, nanos: 999_999_999, digits: 0, text: "2024-05-01T10:20:30Z" },
    { seconds: 1714558830n, nanos: 123_456_789, digits: 6, text: "2024-05-01T10:20:30.123456Z" },
    { seconds: 1714558830n, nanos: 0, digits: 6, text: "2024-05-01T10:20:30.000000Z" },
    { seconds: -1n, nanos: 0, digits: 0, text: "1969-12-31T23:59:59Z" },
    { seconds: goZeroTimeSeconds, nanos: 0, digits: 0, text: "0001-01-01T00:00:00Z" },
    { seconds: 253402300799n, nanos: 0, digits: 0, text: "9999-12-31T23:59:59Z" },
    { seconds: 253402300800n, nanos: 0, digits: 0, text: undefined },
    { seconds: goZeroTimeSeconds - 1n, nanos: 0, digits: 0, text: undefined },
  ];
  for (const { seconds, nanos, digits, text } of cases) {
    test(`${seconds}s ${nanos}ns with ${digits} digits`, () =>
      assert.equal(formatRfc3339({ seconds, nanos }, digits), text));
  }
});

describe("parseRfc3339", () => {
  const cases: { text: string; seconds: bigint; nanos: number }[] = [
    { text: "1970-01-01T00:00:00Z", seconds: 0n, nanos: 0 },
    { text: "2024-05-01T10:20:30Z", seconds: 1714558830n, nanos: 0 },
    { text: "2024-05-01T10:20:30.5Z", seconds: 1714558830n, nanos: 500_000_000 },
    { text: "2024-05-01T10:20:30.123456789Z", seconds: 1714558830n, nanos: 123_456_789 },
    { text: "2024-05-01T12:20:30+02:00", seconds: 1714558830n, nanos: 0 },
    { text: "2024-05-01T05:50:30-04:30", seconds: 1714558830n, nanos: 0 },
    { text: "2024-05-01t10:20:30z", seconds: 1714558830n, nanos: 0 },
    { text: "0001-01-01T00:00:00Z", seconds: goZeroTimeSeconds, nanos: 0 },
    { text: "0099-03-01T00:00:00Z", seconds: -59037897600n, nanos: 0 },
  ];
  for (const { text, seconds, nanos } of cases) {
    test(text, () => assert.deepEqual(parseRfc3339(text), { seconds, nanos }));
  }
  for (const text of [
    "",
    "2024-05-01",
    "2024-05-01 10:20:30Z",
    "2024-05-01T10:20:30",
    "2024-13-01T10:20:30Z",
    "2024-02-30T10:20:30Z",
    "2024-05-01T24:00:00Z",
    "2024-05-01T10:20:60Z",
    "2024-05-01T10:20:30.Z",
    "2024-05-01T10:20:30.1234567890Z",
  ]) {
    test(`rejects ${JSON.stringify(text)}`, () => assert.equal(parseRfc3339(text), undefined));
  }
});
