import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { pickFreeOffset, staticBandSize } from "./allocation-range.ts";

describe("staticBandSize", () => {
  const limits = { min: 16, max: 256, step: 16 };
  for (const [size, band] of [
    [8, 0],
    [254, 16],
    [4094, 255],
    [65534, 256],
  ] as const) {
    test(`size ${size} keeps ${band} offsets`, () => assert.equal(staticBandSize(size, limits), band));
  }
});

describe("pickFreeOffset", () => {
  const range = { size: 10, staticBand: 4 };
  const cases: { name: string; taken: number[]; random: number; want: number | undefined }[] = [
    { name: "dynamic band first, from the random start", taken: [], random: 0, want: 4 },
    { name: "random start inside the dynamic band", taken: [], random: 0.5, want: 7 },
    { name: "scan wraps inside the dynamic band", taken: [8, 9], random: 0.7, want: 4 },
    { name: "static band once the dynamic band is full", taken: [4, 5, 6, 7, 8, 9], random: 0.9, want: 3 },
    { name: "static band skips taken offsets", taken: [4, 5, 6, 7, 8, 9, 0, 1, 2], random: 0, want: 3 },
    { name: "full range", taken: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], random: 0.3, want: undefined },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const taken = new Set(c.taken);
      assert.equal(pickFreeOffset(range, (o) => taken.has(o), () => c.random), c.want);
    });
  }
});
