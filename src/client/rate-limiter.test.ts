import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { BucketRateLimiter, ItemExponentialFailureRateLimiter, MaxOfRateLimiter, defaultControllerRateLimiter } from "./rate-limiter.ts";
import { TokenBucket } from "./token-bucket.ts";
import { FakeClock } from "./testing/fake-clock.ts";

describe("ItemExponentialFailureRateLimiter", () => {
  const cases: { name: string; baseMs: number; maxMs: number; failures: number; expected: number[] }[] = [
    { name: "doubles from the base", baseMs: 5, maxMs: 1_000_000, failures: 6, expected: [5, 10, 20, 40, 80, 160] },
    { name: "stops at the cap", baseMs: 1, maxMs: 10, failures: 6, expected: [1, 2, 4, 8, 10, 10] },
    { name: "the cap holds for very many failures", baseMs: 5, maxMs: 1_000_000, failures: 1100, expected: [1_000_000] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const limiter = new ItemExponentialFailureRateLimiter<string>(c.baseMs, c.maxMs);
      const delays = Array.from({ length: c.failures }, () => limiter.when("key"));
      assert.deepEqual(delays.slice(-c.expected.length), c.expected);
      assert.equal(limiter.numRequeues("key"), c.failures);
    });
  }

  test("keys back off independently and forget resets one key", () => {
    const limiter = new ItemExponentialFailureRateLimiter<string>(5, 1000);
    limiter.when("a");
    limiter.when("a");
    assert.equal(limiter.when("b"), 5);
    assert.equal(limiter.when("a"), 20);
    limiter.forget("a");
    assert.equal(limiter.numRequeues("a"), 0);
    assert.equal(limiter.when("a"), 5);
    assert.equal(limiter.numRequeues("b"), 1);
  });
});

describe("MaxOfRateLimiter", () => {
  test("answers the longest wait and counts the failure in every limiter", () => {
    const clock = new FakeClock();
    const limiter = new MaxOfRateLimiter<string>(new ItemExponentialFailureRateLimiter<string>(10, 1000), new BucketRateLimiter<string>(new TokenBucket(1, 2, clock)));
    // Bucket: 0, 0, 1000, 2000 ms; exponential: 10, 20, 40, 80 ms.
    assert.deepEqual([limiter.when("a"), limiter.when("a"), limiter.when("a"), limiter.when("a")], [10, 20, 1000, 2000]);
    assert.equal(limiter.numRequeues("a"), 4);
    limiter.forget("a");
    assert.equal(limiter.numRequeues("a"), 0);
  });
});

describe("defaultControllerRateLimiter", () => {
  test("100 keys retry at the per-key base, the 101st waits for the 10 qps bucket", () => {
    const clock = new FakeClock();
    const limiter = defaultControllerRateLimiter<string>(clock);
    const delays = Array.from({ length: 102 }, (_, i) => limiter.when(`key-${i}`));
    assert.deepEqual(delays.slice(0, 100), Array(100).fill(5));
    assert.deepEqual(delays.slice(100).map(Math.round), [100, 200]);
  });

  test("one failing key doubles from 5 ms and reaches the 1000 s cap", () => {
    const limiter = defaultControllerRateLimiter<string>(new FakeClock());
    const delays = Array.from({ length: 30 }, () => limiter.when("stuck"));
    assert.deepEqual(delays.slice(0, 4), [5, 10, 20, 40]);
    // 5 ms * 2^17 = 655.36 s, 2^18 would pass 1000 s.
    assert.equal(delays[17], 655_360);
    assert.equal(delays[18], 1_000_000);
    assert.equal(delays[29], 1_000_000);
  });
});
