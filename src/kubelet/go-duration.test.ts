import { test } from "node:test";
import assert from "node:assert/strict";
import { goDuration } from "./go-duration.ts";

const cases: [number, string][] = [
  [0, "0s"],
  [2, "2ms"],
  [1500, "1.5s"],
  [10_000, "10s"],
  [80_000, "1m20s"],
  [300_000, "5m0s"],
  [3_600_000, "1h0m0s"],
  [3_723_250, "1h2m3.25s"],
];
for (const [ms, text] of cases) test(`goDuration(${ms}) = ${text}`, () => assert.equal(goDuration(ms), text));
