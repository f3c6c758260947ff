import { test } from "node:test";
import assert from "node:assert/strict";
import { humanDuration } from "./human-duration.ts";

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

const cases: [milliseconds: number, text: string][] = [
  [-2 * s, "<invalid>"],
  [-1500, "0s"],
  [-1 * s, "0s"],
  [0, "0s"],
  [999, "0s"],
  [59 * s, "59s"],
  [119 * s, "119s"],
  [2 * m, "2m"],
  [5 * m + 3 * s, "5m3s"],
  [9 * m + 59 * s, "9m59s"],
  [10 * m + 30 * s, "10m"],
  [179 * m, "179m"],
  [3 * h, "3h"],
  [3 * h + 5 * m + 40 * s, "3h5m"],
  [7 * h + 59 * m, "7h59m"],
  [8 * h + 30 * m, "8h"],
  [47 * h + 59 * m, "47h"],
  [2 * d, "2d"],
  [2 * d + 3 * h + 10 * m, "2d3h"],
  [7 * d + 23 * h, "7d23h"],
  [8 * d + 5 * h, "8d"],
  [729 * d, "729d"],
  [730 * d, "2y"],
  [730 * d + 24 * h, "2y1d"],
  [4 * 365 * d, "4y"],
  [8 * 365 * d + 100 * d, "8y"],
];

for (const [milliseconds, text] of cases) {
  test(`humanDuration(${milliseconds}ms) is ${text}`, () => {
    assert.equal(humanDuration(milliseconds), text);
  });
}
