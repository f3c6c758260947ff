import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { WorkQueue } from "./work-queue.ts";
import { settle } from "./testing/fake-clock.ts";

/** Takes whatever get() hands out right now. */
async function takeAll(queue: WorkQueue<string>, count: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push((await queue.get())!);
  return out;
}

describe("WorkQueue", () => {
  const cases: { name: string; adds: string[]; expected: string[] }[] = [
    { name: "first in, first out", adds: ["a", "b", "c"], expected: ["a", "b", "c"] },
    { name: "a waiting key is queued once", adds: ["a", "b", "a", "c", "b"], expected: ["a", "b", "c"] },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const queue = new WorkQueue<string>();
      for (const key of c.adds) queue.add(key);
      assert.equal(queue.length, c.expected.length);
      assert.deepEqual(await takeAll(queue, c.expected.length), c.expected);
      assert.equal(queue.length, 0);
    });
  }

  test("a key added while processing waits for done() and is handed out again", async () => {
    const queue = new WorkQueue<string>();
    queue.add("a");
    assert.equal(await queue.get(), "a");
    queue.add("a");
    queue.add("a");
    assert.equal(queue.length, 0, "not queued while a worker holds it");
    queue.add("b");
    assert.equal(await queue.get(), "b");
    queue.done("a");
    assert.equal(queue.length, 1);
    assert.equal(await queue.get(), "a");
    queue.done("a");
    queue.done("b");
    assert.equal(queue.length, 0);
  });

  test("done() without a re-add does not queue the key again", async () => {
    const queue = new WorkQueue<string>();
    queue.add("a");
    await queue.get();
    queue.done("a");
    assert.equal(queue.length, 0);
  });

  test("a waiting get() receives the next key", async () => {
    const queue = new WorkQueue<string>();
    const waiting = queue.get();
    queue.add("x");
    assert.equal(await waiting, "x");
    queue.add("x");
    assert.equal(queue.length, 0, "x is being processed");
  });

  test("shutDown wakes waiting getters, ignores adds, still hands out queued keys", async () => {
    const queue = new WorkQueue<string>();
    const idle = queue.get();
    queue.shutDown();
    assert.equal(await idle, undefined);

    const busy = new WorkQueue<string>();
    busy.add("a");
    busy.add("b");
    busy.shutDown();
    busy.add("c");
    assert.deepEqual([await busy.get(), await busy.get(), await busy.get()], ["a", "b", undefined]);
    assert.equal(busy.shuttingDown, true);
  });

  test("shutDownWithDrain resolves only after queued and in-flight keys are done", async () => {
    const queue = new WorkQueue<string>();
    queue.add("a");
    queue.add("b");
    const held = await queue.get();
    queue.add("a");
    let drained = false;
    const drain = queue.shutDownWithDrain().then(() => (drained = true));
    await settle();
    assert.equal(drained, false);
    assert.equal(await queue.get(), "b");
    queue.done("b");
    queue.done(held!);
    // "a" was added again while held: it still gets processed before the drain ends.
    await settle();
    assert.equal(drained, false);
    assert.equal(await queue.get(), "a");
    queue.done("a");
    await drain;
    assert.equal(await queue.get(), undefined);
  });

  test("under concurrent workers a key is never held twice and every add is followed by a processing", async () => {
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const queue = new WorkQueue<string>();
    const keys = Array.from({ length: 12 }, (_, i) => `key-${i}`);
    const held = new Set<string>();
    const lastAdd = new Map<string, number>();
    const lastStart = new Map<string, number>();
    let clock = 0;
    let overlaps = 0;
    let processed = 0;
    const add = (key: string) => {
      lastAdd.set(key, ++clock);
      queue.add(key);
    };
    const worker = async () => {
      for (;;) {
        const key = await queue.get();
        if (key === undefined) return;
        if (held.has(key)) overlaps++;
        held.add(key);
        lastStart.set(key, ++clock);
        processed++;
        for (let turns = random(4); turns > 0; turns--) {
          if (random(3) === 0) add(keys[random(keys.length)]!);
          await settle();
        }
        held.delete(key);
        queue.done(key);
      }
    };
    const workers = Array.from({ length: 6 }, worker);
    for (let round = 0; round < 400; round++) {
      add(keys[random(keys.length)]!);
      if (random(2) === 0) await settle();
    }
    await queue.shutDownWithDrain();
    await Promise.all(workers);
    assert.equal(overlaps, 0);
    assert.ok(processed > keys.length, `processed ${processed}`);
    for (const key of keys) {
      if (!lastAdd.has(key)) continue;
      assert.ok(lastStart.get(key)! > lastAdd.get(key)!, `${key}: added at ${lastAdd.get(key)}, last started at ${lastStart.get(key)}`);
    }
  });
});
