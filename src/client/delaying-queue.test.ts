import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { DelayingQueue } from "./delaying-queue.ts";
import { FakeClock } from "./testing/fake-clock.ts";

describe("DelayingQueue", () => {
  const cases: { name: string; adds: { key: string; delayMs: number }[]; checks: { atMs: number; queued: string[] }[] }[] = [
    {
      name: "a key appears when its delay has passed",
      adds: [{ key: "a", delayMs: 100 }],
      checks: [
        { atMs: 99, queued: [] },
        { atMs: 100, queued: ["a"] },
      ],
    },
    {
      name: "keys come out in due order, not insertion order",
      adds: [
        { key: "late", delayMs: 300 },
        { key: "early", delayMs: 100 },
        { key: "middle", delayMs: 200 },
      ],
      checks: [
        { atMs: 150, queued: ["early"] },
        { atMs: 300, queued: ["early", "middle", "late"] },
      ],
    },
    {
      name: "an earlier delay for a waiting key wins",
      adds: [
        { key: "a", delayMs: 500 },
        { key: "a", delayMs: 100 },
      ],
      checks: [
        { atMs: 100, queued: ["a"] },
        { atMs: 1000, queued: ["a"] },
      ],
    },
    {
      name: "a later delay for a waiting key is ignored",
      adds: [
        { key: "a", delayMs: 100 },
        { key: "a", delayMs: 500 },
      ],
      checks: [{ atMs: 100, queued: ["a"] }],
    },
    {
      name: "no delay adds at once",
      adds: [{ key: "now", delayMs: 0 }],
      checks: [{ atMs: 0, queued: ["now"] }],
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const clock = new FakeClock();
      const queue = new DelayingQueue<string>(clock);
      for (const { key, delayMs } of c.adds) queue.addAfter(key, delayMs);
      let elapsed = 0;
      for (const check of c.checks) {
        clock.advance(check.atMs - elapsed);
        elapsed = check.atMs;
        assert.equal(queue.length, check.queued.length, `at ${check.atMs} ms`);
      }
      const handedOut: string[] = [];
      while (queue.length > 0) handedOut.push((await queue.get())!);
      assert.deepEqual(handedOut, c.checks.at(-1)!.queued);
      assert.equal(queue.waitingLength, 0);
    });
  }

  test("shutDown drops waiting keys and their timer", () => {
    const clock = new FakeClock();
    const queue = new DelayingQueue<string>(clock);
    queue.addAfter("a", 100);
    assert.equal(queue.waitingLength, 1);
    queue.shutDown();
    assert.equal(clock.pendingTimers, 0);
    queue.addAfter("b", 10);
    clock.advance(200);
    assert.equal(queue.length, 0);
    assert.equal(queue.waitingLength, 0);
  });

  test("a thousand keys with shuffled delays come out sorted", async () => {
    const clock = new FakeClock();
    const queue = new DelayingQueue<number>(clock);
    const delays = Array.from({ length: 1000 }, (_, i) => ((i * 7919) % 1000) + 1);
    for (const d of delays) queue.addAfter(d, d);
    clock.advance(1000);
    const out: number[] = [];
    for (let i = 0; i < 1000; i++) out.push((await queue.get())!);
    assert.deepEqual(out, [...delays].sort((a, b) => a - b));
  });
});
