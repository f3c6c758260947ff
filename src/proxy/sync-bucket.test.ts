import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { SyncBucket } from "./sync-bucket.ts";

describe("SyncBucket", () => {
  // Each step: at time `at`, the wait asked for, and whether a sync then runs (taking a token).
  const cases: { name: string; steps: [at: number, wait: number, take: boolean][] }[] = [
    { name: "two syncs at once, then one per interval", steps: [[0, 0, true], [0, 0, true], [0, 1000, false], [400, 600, false], [1000, 0, true], [1000, 1000, false]] },
    { name: "a quiet spell refills the bucket, never beyond the burst", steps: [[0, 0, true], [0, 0, true], [5000, 0, true], [5000, 0, true], [5000, 1000, false]] },
    { name: "half a token after half an interval", steps: [[0, 0, true], [0, 0, true], [500, 500, false], [1500, 0, true], [1500, 500, false]] },
  ];
  for (const { name, steps } of cases) {
    test(name, () => {
      const bucket = new SyncBucket(1000, 2, 0);
      for (const [at, wait, take] of steps) {
        assert.equal(bucket.waitMs(at), wait, `wait at ${at}`);
        if (take) bucket.take(at);
      }
    });
  }

  test("a zero interval never waits", () => {
    const bucket = new SyncBucket(0);
    for (let i = 0; i < 5; i++) {
      assert.equal(bucket.waitMs(0), 0);
      bucket.take(0);
    }
  });
});
