import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { RateLimitingQueue } from "./rate-limiting-queue.ts";
import { ItemExponentialFailureRateLimiter } from "./rate-limiter.ts";
import { FakeClock } from "./testing/fake-clock.ts";

describe("RateLimitingQueue", () => {
  test("each failure waits twice as long until forget()", async () => {
    const clock = new FakeClock();
    const queue = new RateLimitingQueue<string>({ rateLimiter: new ItemExponentialFailureRateLimiter<string>(100, 10_000), clock });
    const waits: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      const before = clock.now();
      queue.addRateLimited("key");
      while (queue.length === 0) clock.advance(1);
      waits.push(clock.now() - before);
      queue.done((await queue.get())!);
    }
    assert.deepEqual(waits, [100, 200, 400, 800]);
    assert.equal(queue.numRequeues("key"), 4);
    queue.forget("key");
    assert.equal(queue.numRequeues("key"), 0);
  });

  test("the default limiter retries a fresh key after 5 ms", () => {
    const clock = new FakeClock();
    const queue = new RateLimitingQueue<string>({ clock });
    queue.addRateLimited("key");
    clock.advance(4);
    assert.equal(queue.length, 0);
    clock.advance(1);
    assert.equal(queue.length, 1);
  });
});
