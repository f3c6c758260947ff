// Conformance cases for watch: completeness, order, replay, prefixes, compaction and abort.
import assert from "node:assert/strict";
import type { Revision, Store, WatchEvent, WatchEventType } from "../store.ts";
import type { ConformanceCase } from "./harness.ts";
import type { TestObject, WatchCollector } from "./fixtures.ts";
import { collectWatch, expectStoreError, revisionOf, sleep, testObject } from "./fixtures.ts";

interface ExpectedEvent {
  type: WatchEventType;
  key: string;
  revision: Revision;
  object: TestObject;
  prevObject?: TestObject;
}

/**
 * Writes `lanes * opsPerLane` events, one key per lane, lanes running
 * concurrently: each key is created, updated three times and deleted, over
 * and over. Returns the events a watcher must see, in revision order, built
 * from what each write returned.
 */
async function writeEvents(
  store: Store,
  prefix: string,
  lanes: number,
  opsPerLane: number,
  onProgress: (written: number) => void = () => undefined,
): Promise<ExpectedEvent[]> {
  const expected: ExpectedEvent[] = [];
  let written = 0;
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      const key = `${prefix}lane${lane}`;
      let previous: TestObject | undefined;
      for (let step = 0; step < opsPerLane; step++) {
        const object = testObject(`lane${lane}`, { step: String(step), lane: String(lane) });
        let event: ExpectedEvent;
        if (previous === undefined) {
          const created = await store.create(key, object);
          event = { type: "ADDED", key, revision: revisionOf(created), object: created };
          previous = created;
        } else if (step % 5 === 4) {
          const deleted = await store.delete<TestObject>(key);
          event = { type: "DELETED", key, revision: revisionOf(deleted), object: deleted, prevObject: previous };
          previous = undefined;
        } else {
          const updated = await store.update(key, object, { resourceVersion: previous.metadata.resourceVersion });
          event = { type: "MODIFIED", key, revision: revisionOf(updated), object: updated, prevObject: previous };
          previous = updated;
        }
        expected.push(event);
        onProgress(++written);
      }
    }),
  );
  return expected.sort((a, b) => a.revision - b.revision);
}

function comparable(event: WatchEvent<TestObject> | ExpectedEvent): ExpectedEvent {
  const { type, key, revision, object, prevObject } = event;
  return prevObject === undefined ? { type, key, revision, object } : { type, key, revision, object, prevObject };
}

/** Equal sequences, reporting the first difference instead of two 10,000-line dumps. */
function assertSameEvents(actual: WatchEvent<TestObject>[], expected: ExpectedEvent[], who: string): void {
  const length = Math.min(actual.length, expected.length);
  for (let i = 0; i < length; i++) {
    assert.deepEqual(comparable(actual[i]!), comparable(expected[i]!), `${who}: event #${i} differs`);
  }
  assert.equal(actual.length, expected.length, `${who}: ${actual.length} events, expected ${expected.length}`);
}

async function endsWithin(ended: Promise<unknown>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    ended.then(() => "ended"),
    new Promise<string>((resolve) => (timer = setTimeout(() => resolve("still running"), ms))),
  ]).finally(() => clearTimeout(timer));
  assert.equal(outcome, "ended", what);
}

export const watchCases: ConformanceCase[] = [
  {
    name: "watch delivers 10,000 events exactly once and in order, DELETED with prevObject",
    async run(harness) {
      const store = await harness.open();
      await store.create("/w-other/x", testObject("x"));
      const from = await store.currentRevision();
      const watcher = collectWatch<TestObject>(store, "/w/", from);
      const expected = await writeEvents(store, "/w/", 25, 400);
      await store.create("/w-other/y", testObject("y"));
      const events = await watcher.finish(expected.at(-1)!.revision);
      assert.equal(expected.length, 10_000);
      assert.ok(expected.some((event) => event.type === "DELETED"));
      assertSameEvents(events, expected, "watcher started before the writes");
    },
  },
  {
    name: "watchers started before, during and after the writes each see the full sequence",
    async run(harness) {
      const store = await harness.open();
      await store.create("/seq/seed", testObject("seed"));
      const from = await store.currentRevision();
      const watchers: { who: string; collector: WatchCollector<TestObject> }[] = [
        { who: "started before", collector: collectWatch<TestObject>(store, "/seq/", from) },
        { who: "second started before", collector: collectWatch<TestObject>(store, "/seq/", from) },
      ];
      let middle: Revision | undefined;
      let suffixWatcher: WatchCollector<TestObject> | undefined;
      const expected = await writeEvents(store, "/seq/", 10, 200, (written) => {
        if (written === 500 || written === 1_500) {
          watchers.push({ who: `started after ${written} writes`, collector: collectWatch<TestObject>(store, "/seq/", from) });
        }
        if (written === 1_000) {
          // A watch from a revision in the middle sees only what follows it.
          void store.currentRevision().then((revision) => {
            middle = revision;
            suffixWatcher = collectWatch<TestObject>(store, "/seq/", revision);
          });
        }
      });
      watchers.push({ who: "started after the writes", collector: collectWatch<TestObject>(store, "/seq/", from) });
      const last = expected.at(-1)!.revision;
      for (const { who, collector } of watchers) assertSameEvents(await collector.finish(last), expected, who);
      assert.ok(middle !== undefined && suffixWatcher !== undefined);
      const suffix = expected.filter((event) => event.revision > middle!);
      assertSameEvents(await suffixWatcher.finish(last), suffix, `started at revision ${middle}`);
    },
  },
  {
    name: "watch filters events by prefix",
    async run(harness) {
      const store = await harness.open();
      const from = await store.currentRevision();
      const underA = collectWatch<TestObject>(store, "/f/a/", from);
      const underAb = collectWatch<TestObject>(store, "/f/ab/", from);
      const everything = collectWatch<TestObject>(store, "/f/", from);
      for (const key of ["/f/a/1", "/f/ab/1", "/f/a", "/f/a0", "/f/a/2/deep", "/f/ab/2", "/g/a/1"]) {
        await store.create(key, testObject(key));
      }
      await store.delete("/f/ab/1");
      const last = await store.currentRevision();
      await store.create("/f/a/after-last", testObject("after"));
      const keys = (events: WatchEvent<TestObject>[], until: Revision) =>
        events.filter((event) => event.revision <= until).map((event) => `${event.type} ${event.key}`);
      // Each watcher is finished on the last event it must see.
      assert.deepEqual(keys(await underAb.finish(last), last), ["ADDED /f/ab/1", "ADDED /f/ab/2", "DELETED /f/ab/1"]);
      const afterLast = await store.currentRevision();
      assert.deepEqual(keys(await underA.finish(afterLast), afterLast), ["ADDED /f/a/1", "ADDED /f/a/2/deep", "ADDED /f/a/after-last"]);
      assert.equal(keys(await everything.finish(afterLast), afterLast).length, 8);
    },
  },
  {
    name: "watch from a compacted revision fails Expired",
    async run(harness) {
      const store = await harness.open();
      await store.create("/wc/k", testObject("k", { v: "0" }));
      const revisions: Revision[] = [];
      for (let i = 1; i <= 10; i++) revisions.push(revisionOf(await store.update("/wc/k", testObject("k", { v: String(i) }))));
      const compactAt = revisions[5]!;
      await store.compact(compactAt);
      const expired = store.watch({ prefix: "/wc/", fromRevision: revisions[2]!, signal: new AbortController().signal });
      await expectStoreError(expired[Symbol.asyncIterator]().next(), "Expired", "watch from before the compacted revision");
      await expectStoreError(
        store.watch({ prefix: "/wc/", fromRevision: compactAt - 2, signal: new AbortController().signal })[Symbol.asyncIterator]().next(),
        "Expired",
        "watch needing the event just before the compacted revision",
      );
      // fromRevision + 1 == compacted revision: every wanted event is still kept.
      const kept = collectWatch<TestObject>(store, "/wc/", compactAt - 1);
      const events = await kept.finish(revisions[9]!);
      assert.deepEqual(
        events.map((event) => [event.type, event.revision, event.object.data.v]),
        revisions.slice(5).map((revision, i) => ["MODIFIED", revision, String(i + 6)]),
      );
    },
  },
  {
    name: "aborting a watch ends the iteration promptly",
    async run(harness) {
      const store = await harness.open();
      const from = await store.currentRevision();
      const idle = collectWatch<TestObject>(store, "/ab/", from);
      await sleep(20);
      idle.stop();
      await endsWithin(idle.ended, 2_000, "an idle watch ends on abort");

      const aborted = new AbortController();
      aborted.abort();
      const preAborted = (async () => {
        let count = 0;
        for await (const _event of store.watch({ prefix: "/ab/", fromRevision: from, signal: aborted.signal })) count++;
        return count;
      })();
      await endsWithin(preAborted, 2_000, "a watch with an aborted signal ends");

      let writing = true;
      const writer = (async () => {
        await store.create("/ab/k", testObject("k", { v: "0" }));
        for (let i = 1; writing && i < 20_000; i++) {
          await store.update("/ab/k", testObject("k", { v: String(i) }));
          // A store that answers in microtasks would otherwise starve the timers below.
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      const busy = collectWatch<TestObject>(store, "/ab/", from);
      for (let waited = 0; busy.events.length < 50 && waited < 10_000; waited += 5) await sleep(5);
      assert.ok(busy.events.length >= 50, "the busy watch received events");
      busy.stop();
      await endsWithin(busy.ended, 2_000, "a watch receiving events ends on abort");
      writing = false;
      await writer;
      const revisions = busy.events.map((event) => event.revision);
      assert.deepEqual(revisions, [...revisions].sort((a, b) => a - b), "events before the abort stay in order");
    },
  },
];
