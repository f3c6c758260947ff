// Conformance cases for single-key reads and writes, preconditions and revisions.
import assert from "node:assert/strict";
import type { Revision } from "../store.ts";
import { isStoreError } from "../store.ts";
import type { ConformanceCase } from "./harness.ts";
import type { TestObject } from "./fixtures.ts";
import { expectStoreError, revisionOf, stamped, testObject } from "./fixtures.ts";

export const crudCases: ConformanceCase[] = [
  {
    name: "create then get returns the object stamped with its revision",
    async run(harness) {
      const store = await harness.open();
      const object = testObject("one", { color: "blue" });
      const created = await store.create("/crud/one", object);
      const revision = revisionOf(created);
      assert.deepEqual(created, stamped(object, revision));
      assert.deepEqual(await store.get("/crud/one"), created);
      assert.equal(await store.currentRevision(), revision);
      assert.equal(object.metadata.resourceVersion, undefined, "the caller's object must not be modified");
      // A resourceVersion sent by the caller is replaced, never stored as given.
      const withStale = { ...testObject("two"), metadata: { name: "two", uid: "u2", resourceVersion: "999999" } };
      const createdTwo = await store.create("/crud/two", withStale);
      assert.ok(revisionOf(createdTwo) > revision);
      assert.equal(revisionOf(await store.get("/crud/two")), revisionOf(createdTwo));
    },
  },
  {
    name: "returned objects are copies the caller may change",
    async run(harness) {
      const store = await harness.open();
      const created = await store.create<TestObject>("/copies/a", testObject("a", { n: "1" }));
      created.data.n = "changed by caller";
      const got = await store.get<TestObject>("/copies/a");
      assert.equal(got.data.n, "1");
      got.data.n = "changed again";
      const listed = await store.list<TestObject>({ prefix: "/copies/" });
      assert.equal(listed.items[0]?.data.n, "1");
    },
  },
  {
    name: "create on an existing key fails AlreadyExists",
    async run(harness) {
      const store = await harness.open();
      const first = await store.create("/dup/x", testObject("x", { v: "first" }));
      await expectStoreError(store.create("/dup/x", testObject("x", { v: "second" })), "AlreadyExists", "second create");
      assert.deepEqual(await store.get("/dup/x"), first);
      assert.equal(await store.currentRevision(), revisionOf(first), "a failed create must not consume a revision");
      // After a delete the key may be created again.
      await store.delete("/dup/x");
      const again = await store.create<TestObject>("/dup/x", testObject("x", { v: "third" }));
      assert.equal(again.data.v, "third");
    },
  },
  {
    name: "get, update and delete of a missing key fail NotFound",
    async run(harness) {
      const store = await harness.open();
      await expectStoreError(store.get("/missing/a"), "NotFound", "get of a never-written key");
      await expectStoreError(store.update("/missing/a", testObject("a")), "NotFound", "update of a never-written key");
      await expectStoreError(store.delete("/missing/a"), "NotFound", "delete of a never-written key");
      await store.create("/missing/b", testObject("b"));
      await store.delete("/missing/b");
      await expectStoreError(store.get("/missing/b"), "NotFound", "get of a deleted key");
      await expectStoreError(store.update("/missing/b", testObject("b")), "NotFound", "update of a deleted key");
      await expectStoreError(store.delete("/missing/b"), "NotFound", "delete of a deleted key");
      // A key that only extends an existing key is a different key.
      await store.create("/missing/c", testObject("c"));
      await expectStoreError(store.get("/missing/c2"), "NotFound", "get of a longer key");
      await expectStoreError(store.get("/missing/"), "NotFound", "get of a prefix");
    },
  },
  {
    name: "update replaces the object and stamps the new revision",
    async run(harness) {
      const store = await harness.open();
      const created = await store.create("/upd/a", testObject("a", { v: "1" }));
      const replacement = testObject("a", { v: "2", extra: "yes" });
      const updated = await store.update("/upd/a", replacement, { resourceVersion: created.metadata.resourceVersion });
      assert.ok(revisionOf(updated) > revisionOf(created));
      assert.deepEqual(updated, stamped(replacement, revisionOf(updated)));
      assert.deepEqual(await store.get("/upd/a"), updated);
      // Without preconditions an update is unconditional.
      const blind = await store.update("/upd/a", testObject("a", { v: "3" }));
      assert.equal((await store.get<TestObject>("/upd/a")).data.v, "3");
      assert.ok(revisionOf(blind) > revisionOf(updated));
    },
  },
  {
    name: "update with a stale resourceVersion fails Conflict",
    async run(harness) {
      const store = await harness.open();
      const created = await store.create("/stale/a", testObject("a", { v: "1" }));
      const updated = await store.update("/stale/a", testObject("a", { v: "2" }), { resourceVersion: created.metadata.resourceVersion });
      await expectStoreError(
        store.update("/stale/a", testObject("a", { v: "stale" }), { resourceVersion: created.metadata.resourceVersion }),
        "Conflict",
        "update at the old resourceVersion",
      );
      await expectStoreError(
        store.update("/stale/a", testObject("a", { v: "future" }), { resourceVersion: String(revisionOf(updated) + 1000) }),
        "Conflict",
        "update at a resourceVersion never seen",
      );
      assert.deepEqual(await store.get("/stale/a"), updated);
      assert.equal(await store.currentRevision(), revisionOf(updated), "a failed update must not consume a revision");
    },
  },
  {
    name: "update with a mismatched uid fails Conflict",
    async run(harness) {
      const store = await harness.open();
      const created = await store.create("/uid/a", testObject("a", { v: "1" }, "uid-1"));
      await expectStoreError(store.update("/uid/a", testObject("a", { v: "2" }), { uid: "uid-other" }), "Conflict", "update with another uid");
      await expectStoreError(
        store.update("/uid/a", testObject("a", { v: "2" }), { uid: "uid-other", resourceVersion: created.metadata.resourceVersion }),
        "Conflict",
        "update with a right resourceVersion but another uid",
      );
      assert.deepEqual(await store.get("/uid/a"), created);
      const updated = await store.update<TestObject>("/uid/a", testObject("a", { v: "2" }, "uid-1"), { uid: "uid-1" });
      assert.equal(updated.data.v, "2");
    },
  },
  {
    name: "delete honours resourceVersion and uid preconditions and returns the last state",
    async run(harness) {
      const store = await harness.open();
      const created = await store.create("/del/a", testObject("a", { v: "1" }, "uid-a"));
      const updated = await store.update("/del/a", testObject("a", { v: "2" }, "uid-a"));
      await expectStoreError(store.delete("/del/a", { resourceVersion: created.metadata.resourceVersion }), "Conflict", "delete at a stale resourceVersion");
      await expectStoreError(store.delete("/del/a", { uid: "uid-b" }), "Conflict", "delete with another uid");
      assert.deepEqual(await store.get("/del/a"), updated);
      assert.equal(await store.currentRevision(), revisionOf(updated), "a failed delete must not consume a revision");
      const deleted = await store.delete("/del/a", { resourceVersion: updated.metadata.resourceVersion, uid: "uid-a" });
      const deletionRevision = revisionOf(deleted);
      assert.ok(deletionRevision > revisionOf(updated));
      assert.deepEqual(deleted, stamped(testObject("a", { v: "2" }, "uid-a"), deletionRevision));
      assert.equal(await store.currentRevision(), deletionRevision);
      await expectStoreError(store.get("/del/a"), "NotFound", "get after delete");
      // Unconditional delete.
      await store.create("/del/b", testObject("b"));
      await store.delete("/del/b");
      await expectStoreError(store.get("/del/b"), "NotFound", "get after unconditional delete");
    },
  },
  {
    name: "racing read-modify-write loops: exactly one writer wins each revision",
    async run(harness) {
      const store = await harness.open();
      const key = "/race/counter";
      await store.create(key, testObject("counter", { count: "0" }));
      const writers = 32;
      const incrementsPerWriter = 4;
      const maxAttempts = 5_000;
      let conflicts = 0;
      const wins = await Promise.all(
        Array.from({ length: writers }, async () => {
          const revisions: Revision[] = [];
          for (let attempt = 0; attempt < maxAttempts && revisions.length < incrementsPerWriter; attempt++) {
            const current = await store.get<TestObject>(key);
            const next = testObject("counter", { count: String(Number(current.data.count) + 1) });
            try {
              const written = await store.update(key, next, { resourceVersion: current.metadata.resourceVersion });
              revisions.push(revisionOf(written));
            } catch (error) {
              if (!isStoreError(error, "Conflict")) throw error;
              conflicts++;
            }
          }
          return revisions;
        }),
      );
      const allWins = wins.flat();
      assert.equal(allWins.length, writers * incrementsPerWriter, "every writer finishes within its attempts");
      assert.equal(new Set(allWins).size, allWins.length, "two updates succeeded at the same revision");
      const final = await store.get<TestObject>(key);
      assert.equal(Number(final.data.count), allWins.length, "lost update: the counter differs from the successes");
      assert.equal(revisionOf(final), Math.max(...allWins));
      assert.ok(conflicts > 0, "32 racing writers must see at least one Conflict");
    },
  },
  {
    name: "revisions strictly increase and resourceVersion equals the revision",
    async run(harness) {
      const store = await harness.open();
      const start = await store.currentRevision();
      let last = start;
      const expectAfter = async (write: Promise<TestObject>) => {
        const object = await write;
        const revision = revisionOf(object);
        assert.ok(revision > last, `revision ${revision} after ${last}`);
        assert.equal(await store.currentRevision(), revision);
        last = revision;
      };
      for (let i = 0; i < 5; i++) {
        await expectAfter(store.create(`/rev/k${i}`, testObject(`k${i}`)));
        await expectAfter(store.update(`/rev/k${i}`, testObject(`k${i}`, { i: String(i) })));
      }
      await expectAfter(store.delete("/rev/k0"));
      // Concurrent writes on distinct keys also receive distinct revisions.
      const concurrent = await Promise.all(Array.from({ length: 20 }, (_, i) => store.create(`/rev/c${i}`, testObject(`c${i}`))));
      const revisions = concurrent.map(revisionOf);
      assert.equal(new Set(revisions).size, revisions.length);
      assert.ok(Math.min(...revisions) > last);
      assert.equal(await store.currentRevision(), Math.max(...revisions));
      for (const object of concurrent) assert.equal(revisionOf(await store.get(`/rev/${object.metadata.name}`)), revisionOf(object));
    },
  },
  {
    name: "each write increments the revision by exactly one and failed writes none",
    async run(harness) {
      const store = await harness.open();
      const created = await store.create("/inc/a", testObject("a"));
      const r = revisionOf(created);
      await expectStoreError(store.create("/inc/a", testObject("a")), "AlreadyExists", "duplicate create");
      await expectStoreError(store.update("/inc/a", testObject("a"), { resourceVersion: String(r + 100) }), "Conflict", "stale update");
      await expectStoreError(store.update("/inc/none", testObject("none")), "NotFound", "update of a missing key");
      assert.equal(revisionOf(await store.update("/inc/a", testObject("a", { v: "2" }))), r + 1);
      assert.equal(revisionOf(await store.create("/inc/b", testObject("b"))), r + 2);
      assert.equal(revisionOf(await store.delete("/inc/a")), r + 3);
      assert.equal(await store.currentRevision(), r + 3);
    },
  },
  {
    name: "a closed store fails calls with Unavailable",
    async run(harness) {
      const store = await harness.open();
      const created = await store.create("/closed/a", testObject("a"));
      const watching = store.watch({ prefix: "/closed/", fromRevision: revisionOf(created), signal: new AbortController().signal });
      const iterator = watching[Symbol.asyncIterator]();
      const pending = iterator.next();
      await store.close();
      // An open watch ends (or fails Unavailable) when its store closes.
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        pending.then(
          (result) => (result.done ? "ended" : "event"),
          (error: unknown) => (isStoreError(error, "Unavailable") ? "unavailable" : `failed: ${String(error)}`),
        ),
        new Promise<string>((resolve) => (timer = setTimeout(() => resolve("still open"), 5_000))),
      ]).finally(() => clearTimeout(timer));
      assert.ok(outcome === "ended" || outcome === "unavailable", `open watch after close: ${outcome}`);
      await expectStoreError(store.get("/closed/a"), "Unavailable", "get");
      await expectStoreError(store.list({ prefix: "/closed/" }), "Unavailable", "list");
      await expectStoreError(store.create("/closed/b", testObject("b")), "Unavailable", "create");
      await expectStoreError(store.update("/closed/a", testObject("a")), "Unavailable", "update");
      await expectStoreError(store.delete("/closed/a"), "Unavailable", "delete");
      await expectStoreError(store.currentRevision(), "Unavailable", "currentRevision");
      await expectStoreError(store.compact(revisionOf(created)), "Unavailable", "compact");
      const lateWatch = store.watch({ prefix: "/closed/", fromRevision: 0, signal: new AbortController().signal });
      await expectStoreError(lateWatch[Symbol.asyncIterator]().next(), "Unavailable", "watch");
      await store.close();
    },
  },
];
