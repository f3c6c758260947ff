import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { slowStart, slowStartBatches } from "./slow-start.ts";

describe("slowStartBatches", () => {
  const cases: [number, number, number[]][] = [
    [0, 1, []],
    [1, 1, [1]],
    [3, 1, [1, 2]],
    [10, 1, [1, 2, 4, 3]],
    [16, 1, [1, 2, 4, 8, 1]],
    [5, 4, [4, 1]],
  ];
  for (const [count, initial, expected] of cases) {
    test(`${count} from ${initial}`, () => assert.deepEqual(slowStartBatches(count, initial), expected));
  }
});

describe("slowStart", () => {
  test("stops after the batch where a call failed", async () => {
    let calls = 0;
    const result = await slowStart(10, async () => {
      calls++;
      if (calls === 3) throw new Error("quota exceeded");
    });
    // Batches 1 and 2 ran (3 calls); the failure in the second skips the remaining 7.
    assert.equal(calls, 3);
    assert.deepEqual({ succeeded: result.succeeded, skipped: result.skipped }, { succeeded: 2, skipped: 7 });
    assert.equal((result.error as Error).message, "quota exceeded");
  });
  test("all succeed", async () => {
    let calls = 0;
    assert.deepEqual(await slowStart(6, async () => void calls++), { succeeded: 6, skipped: 0 });
    assert.equal(calls, 6);
  });
});
