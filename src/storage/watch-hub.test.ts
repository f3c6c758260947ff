import { test } from "node:test";
import assert from "node:assert/strict";
import type { Revision, StoredObject, WatchEvent } from "./store.ts";
import { isStoreError } from "./store.ts";
import type { WatchHubOptions, WatchLog } from "./watch-hub.ts";
import { WatchHub } from "./watch-hub.ts";

/** A revision log in an array, the smallest backend a hub can serve. */
class ArrayLog implements WatchLog {
  readonly events: WatchEvent<StoredObject>[] = [];
  reads = 0;
  readonly hub: WatchHub;

  constructor(options: WatchHubOptions = {}) {
    this.hub = new WatchHub(this, { latest: 0, compacted: 0 }, options);
  }

  readEvents(prefix: string, after: Revision, through: Revision): WatchEvent<StoredObject>[] {
    this.reads++;
    return this.events
      .filter((event) => event.revision > after && event.revision <= through && event.key.startsWith(prefix))
      .map((event) => structuredClone(event));
  }

  write(key: string): Revision {
    const revision = this.events.length + 1;
    const object = { metadata: { name: key, resourceVersion: String(revision) } };
    const event: WatchEvent<StoredObject> = { type: "ADDED", key, revision, object };
    this.events.push(event);
    this.hub.publish([{ key, revision, event: () => structuredClone(event) }]);
    return revision;
  }
}

async function take(iterator: AsyncIterator<WatchEvent<StoredObject>>, count: number): Promise<number[]> {
  const revisions: number[] = [];
  for (let i = 0; i < count; i++) {
    const next = await iterator.next();
    if (next.done) break;
    revisions.push(next.value.revision);
  }
  return revisions;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

test("a watcher that falls behind its queue limit re-reads the log and still sees every event once", async () => {
  const log = new ArrayLog({ maxQueued: 5 });
  const iterator = log.hub.watch({ prefix: "/k/", fromRevision: 0, signal: new AbortController().signal })[Symbol.asyncIterator]();
  const waiting = iterator.next();
  await new Promise((resolve) => setImmediate(resolve));
  for (let i = 0; i < 50; i++) log.write(`/k/${i % 7}`);
  const first = await waiting;
  assert.equal(first.done ? undefined : first.value.revision, 1);
  const readsBefore = log.reads;
  assert.deepEqual(await take(iterator, 49), range(2, 50));
  assert.ok(log.reads > readsBefore, "the overflowing queue was dropped and the log read again");
  log.write("/k/live");
  assert.deepEqual(await take(iterator, 1), [51], "back to live delivery");
});

test("replay advances in windows and skips keys outside the prefix", async () => {
  const log = new ArrayLog({ replayWindow: 3 });
  const wanted: number[] = [];
  for (let i = 0; i < 40; i++) {
    const revision = log.write(i % 9 === 0 ? `/a/${i}` : `/b/${i}`);
    if (i % 9 === 0) wanted.push(revision);
  }
  const iterator = log.hub.watch({ prefix: "/a/", fromRevision: 0, signal: new AbortController().signal })[Symbol.asyncIterator]();
  assert.deepEqual(await take(iterator, wanted.length), wanted);
  assert.ok(log.reads >= Math.ceil(wanted.at(-1)! / 3), `read in windows of 3 revisions (${log.reads} reads)`);
});

test("a watcher replaying past the compacted revision fails Expired; one at its edge does not", async () => {
  const log = new ArrayLog({ replayWindow: 2 });
  for (let i = 0; i < 20; i++) log.write(`/k/${i}`);
  const behind = log.hub.watch({ prefix: "/k/", fromRevision: 0, signal: new AbortController().signal })[Symbol.asyncIterator]();
  assert.deepEqual(await take(behind, 2), [1, 2]);
  log.hub.compactedTo(10);
  await assert.rejects(behind.next(), (error) => isStoreError(error, "Expired"));
  assert.deepEqual(await behind.next(), { value: undefined, done: true }, "a failed watch stays ended");
  const edge = log.hub.watch({ prefix: "/k/", fromRevision: 9, signal: new AbortController().signal })[Symbol.asyncIterator]();
  assert.deepEqual(await take(edge, 11), range(10, 20));
});

test("a watch from a future revision receives only later events", async () => {
  const log = new ArrayLog();
  for (let i = 0; i < 3; i++) log.write("/k/a");
  const iterator = log.hub.watch({ prefix: "/k/", fromRevision: 5, signal: new AbortController().signal })[Symbol.asyncIterator]();
  const pending = take(iterator, 2);
  for (let i = 0; i < 4; i++) log.write("/k/a");
  assert.deepEqual(await pending, [6, 7]);
});

test("events are shared frozen objects", async () => {
  const log = new ArrayLog();
  const signal = new AbortController().signal;
  const one = log.hub.watch({ prefix: "/", fromRevision: 0, signal })[Symbol.asyncIterator]();
  const two = log.hub.watch({ prefix: "/", fromRevision: 0, signal })[Symbol.asyncIterator]();
  const pendingOne = one.next();
  const pendingTwo = two.next();
  log.write("/x");
  const [a, b] = [await pendingOne, await pendingTwo];
  assert.ok(!a.done && !b.done);
  assert.equal(a.value, b.value, "one event object for both watchers");
  assert.throws(() => {
    (a.value.object.metadata as Record<string, unknown>).name = "changed";
  }, TypeError);
});

test("many watches on one signal add one abort listener and all end on abort", async () => {
  const log = new ArrayLog();
  const controller = new AbortController();
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  process.on("warning", onWarning);
  try {
    const iterators = Array.from({ length: 50 }, () =>
      log.hub.watch({ prefix: "/", fromRevision: 0, signal: controller.signal })[Symbol.asyncIterator](),
    );
    const pending = iterators.map((iterator) => iterator.next());
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(log.hub.watcherCount, 50);
    controller.abort();
    const results = await Promise.all(pending);
    assert.ok(results.every((result) => result.done));
    assert.equal(log.hub.watcherCount, 0);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(warnings.map((warning) => warning.name), []);
  } finally {
    process.off("warning", onWarning);
  }
});

test("closing the hub fails waiting and later watches with its reason", async () => {
  const log = new ArrayLog();
  log.write("/k/a");
  const iterator = log.hub.watch({ prefix: "/k/", fromRevision: 1, signal: new AbortController().signal })[Symbol.asyncIterator]();
  const waiting = iterator.next();
  await new Promise((resolve) => setImmediate(resolve));
  const { StoreError } = await import("./store.ts");
  log.hub.close(new StoreError("Unavailable", "closed"));
  await assert.rejects(waiting, (error) => isStoreError(error, "Unavailable"));
  const later = log.hub.watch({ prefix: "/k/", fromRevision: 0, signal: new AbortController().signal })[Symbol.asyncIterator]();
  await assert.rejects(later.next(), (error) => isStoreError(error, "Unavailable"));
});
