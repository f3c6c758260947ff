import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { TokenBucket } from "./token-bucket.ts";
import { FakeClock } from "./testing/fake-clock.ts";
import { InvalidClientOptionError } from "./errors.ts";

describe("TokenBucket", () => {
  const cases: { name: string; qps: number; burst: number; steps: { advanceMs: number; reserve: number }[]; delays: number[] }[] = [
    {
      name: "burst is free, then one token per 1/qps",
      qps: 10,
      burst: 3,
      steps: [{ advanceMs: 0, reserve: 5 }],
      delays: [0, 0, 0, 100, 200],
    },
    {
      name: "waiting refills the bucket",
      qps: 10,
      burst: 2,
      steps: [
        { advanceMs: 0, reserve: 2 },
        { advanceMs: 100, reserve: 2 },
      ],
      delays: [0, 0, 0, 100],
    },
    {
      name: "refill never exceeds burst",
      qps: 100,
      burst: 2,
      steps: [
        { advanceMs: 0, reserve: 2 },
        { advanceMs: 60_000, reserve: 3 },
      ],
      delays: [0, 0, 0, 0, 10],
    },
    {
      name: "a deficit is paid back before new tokens count",
      qps: 1,
      burst: 1,
      steps: [
        { advanceMs: 0, reserve: 3 },
        { advanceMs: 1500, reserve: 1 },
      ],
      delays: [0, 1000, 2000, 1500],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const clock = new FakeClock();
      const bucket = new TokenBucket(c.qps, c.burst, clock);
      const delays: number[] = [];
      for (const step of c.steps) {
        clock.advance(step.advanceMs);
        for (let i = 0; i < step.reserve; i++) delays.push(Math.round(bucket.reserve()));
      }
      assert.deepEqual(delays, c.delays);
    });
  }

  test("tryAccept takes no token when none is left", () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket(2, 2, clock);
    assert.deepEqual([bucket.tryAccept(), bucket.tryAccept(), bucket.tryAccept()], [true, true, false]);
    clock.advance(499);
    assert.equal(bucket.tryAccept(), false);
    clock.advance(1);
    assert.equal(bucket.tryAccept(), true);
  });

  test("wait resolves when the reserved token is due", async () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket(4, 1, clock);
    await bucket.wait();
    let done = false;
    const waiting = bucket.wait().then(() => (done = true));
    await clock.advanceAsync(249);
    assert.equal(done, false);
    await clock.advanceAsync(1);
    await waiting;
    assert.equal(done, true);
  });

  test("rejects a bucket that could never hand out a token", () => {
    assert.throws(() => new TokenBucket(0, 1), InvalidClientOptionError);
    assert.throws(() => new TokenBucket(1, 0), InvalidClientOptionError);
  });
});
