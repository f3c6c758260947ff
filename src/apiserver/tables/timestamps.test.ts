import { test } from "node:test";
import assert from "node:assert/strict";
import { rfc3339, since } from "./timestamps.ts";

const now = new Date("2024-06-01T12:00:00Z");

const sinceCases: [value: string | undefined, text: string][] = [
  [undefined, "<unknown>"],
  ["", "<unknown>"],
  ["not a time", "<unknown>"],
  ["2024-06-01T11:59:30Z", "30s"],
  ["2024-06-01T11:59:30.750000Z", "29s"],
  ["2024-05-30T09:00:00Z", "2d3h"],
  ["2024-06-01T12:00:01Z", "0s"],
];

for (const [value, text] of sinceCases) {
  test(`since(${JSON.stringify(value)}) is ${text}`, () => {
    assert.equal(since(value, now), text);
  });
}

const rfcCases: [value: string | undefined, text: string][] = [
  [undefined, "0001-01-01T00:00:00Z"],
  ["2024-06-01T11:59:30Z", "2024-06-01T11:59:30Z"],
  ["2024-06-01T13:59:30.123456+02:00", "2024-06-01T11:59:30Z"],
];

for (const [value, text] of rfcCases) {
  test(`rfc3339(${JSON.stringify(value)}) is ${text}`, () => {
    assert.equal(rfc3339(value), text);
  });
}
