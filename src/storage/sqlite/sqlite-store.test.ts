// SQLite-specific behaviour beyond the shared conformance suite: group
// commit, the file lock, the compaction policy and what compaction leaves on disk.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { StoredObject } from "../store.ts";
import { isStoreError } from "../store.ts";
import { SqliteStore, openSqliteStore } from "./sqlite-store.ts";

async function withFolder(body: (folder: string) => Promise<void>): Promise<void> {
  const folder = await mkdtemp(join(tmpdir(), "skiff-sqlite-store-"));
  try {
    await body(folder);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

type Doc = {
  metadata: { name: string; uid: string; resourceVersion?: string };
  data: Record<string, string>;
};

const doc = (name: string, uid = `uid-${name}`, data: Record<string, string> = {}): Doc => ({ metadata: { name, uid }, data });

function rowsOnDisk(path: string): { revision: number; key: string; deleted: number }[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare("SELECT revision, key, deleted FROM log ORDER BY revision").all() as { revision: number; key: string; deleted: number }[];
  } finally {
    db.close();
  }
}

test("writes issued in one tick share one transaction and get consecutive revisions", async () => {
  await withFolder(async (folder) => {
    const store = SqliteStore.open({ path: join(folder, "state.db"), compaction: "off" });
    try {
      const start = await store.currentRevision();
      const before = { ...store.commitStats };
      const created = await Promise.all(Array.from({ length: 64 }, (_, i) => store.create(`/g/${i}`, doc(`g${i}`))));
      assert.equal(store.commitStats.transactions - before.transactions, 1);
      assert.equal(store.commitStats.writes - before.writes, 64);
      assert.deepEqual(
        created.map((object) => Number(object.metadata?.resourceVersion)),
        Array.from({ length: 64 }, (_, i) => start + 1 + i),
        "revisions follow arrival order",
      );
    } finally {
      await store.close();
    }
  });
});

test("each write of a batch is checked against its own preconditions, in arrival order", async () => {
  await withFolder(async (folder) => {
    const store = SqliteStore.open({ path: join(folder, "state.db"), compaction: "off" });
    try {
      const r = await store.currentRevision();
      const transactions = store.commitStats.transactions;
      const outcomes = await Promise.allSettled<StoredObject>([
        store.create("/b/a", doc("a", "uid-a", { v: "1" })),
        store.create("/b/a", doc("a", "uid-a", { v: "duplicate" })),
        store.update("/b/a", doc("a", "uid-a", { v: "2" }), { resourceVersion: String(r + 1) }),
        store.update("/b/a", doc("a", "uid-a", { v: "stale" }), { resourceVersion: String(r + 1) }),
        store.delete("/b/a", { uid: "uid-other" }),
        store.delete("/b/a", { resourceVersion: String(r + 2), uid: "uid-a" }),
        store.update("/b/a", doc("a")),
      ]);
      assert.equal(store.commitStats.transactions, transactions + 1, "one transaction for the whole batch");
      const summary = outcomes.map((outcome) =>
        outcome.status === "fulfilled" ? `ok ${outcome.value.metadata?.resourceVersion}` : isStoreError(outcome.reason) ? outcome.reason.reason : "crash",
      );
      assert.deepEqual(summary, [`ok ${r + 1}`, "AlreadyExists", `ok ${r + 2}`, "Conflict", "Conflict", `ok ${r + 3}`, "NotFound"]);
      assert.equal(await store.currentRevision(), r + 3);
    } finally {
      await store.close();
    }
  });
});

test("a data file is held by one store at a time", async () => {
  await withFolder(async (folder) => {
    const path = join(folder, "nested", "state.db");
    const first = await openSqliteStore({ path, compaction: "off" });
    await first.create("/lock/a", doc("a"));
    await assert.rejects(openSqliteStore({ path, compaction: "off" }), (error) => {
      assert.ok(isStoreError(error, "Unavailable"));
      assert.match(error.message, /in use/);
      return true;
    });
    await first.close();
    const second = await openSqliteStore({ path, compaction: "off" });
    assert.equal((await second.get("/lock/a")).metadata?.uid, "uid-a");
    await second.close();
  });
});

test("close commits the writes already accepted", async () => {
  await withFolder(async (folder) => {
    const path = join(folder, "state.db");
    const store = await openSqliteStore({ path, compaction: "off" });
    const pending = store.create("/close/a", doc("a"));
    await store.close();
    const created = await pending;
    await assert.rejects(store.create("/close/b", doc("b")), (error) => isStoreError(error, "Unavailable"));
    const reopened = await openSqliteStore({ path, compaction: "off" });
    assert.deepEqual(await reopened.get("/close/a"), created);
    await reopened.close();
  });
});

test("the compaction policy keeps the configured revisions and removes superseded rows from disk", async () => {
  await withFolder(async (folder) => {
    const path = join(folder, "state.db");
    const store = await openSqliteStore({ path, compaction: { intervalMs: 10, keepRevisions: 5 } });
    await store.create("/pol/k", doc("k", "uid-k", { v: "0" }));
    for (let i = 1; i < 30; i++) await store.update("/pol/k", doc("k", "uid-k", { v: String(i) }));
    assert.equal(await store.currentRevision(), 30);
    let expired = false;
    for (let waited = 0; waited < 5_000 && !expired; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      expired = await store.list({ prefix: "/pol/", revision: 24 }).then(
        () => false,
        (error: unknown) => isStoreError(error, "Expired"),
      );
    }
    assert.ok(expired, "revision 24 was compacted away");
    assert.equal((await store.list({ prefix: "/pol/", revision: 25 })).items[0]?.metadata?.resourceVersion, "25");
    await store.close();
    // Kept: 25..30, and 24, the object replaced by the event at 25.
    assert.deepEqual(rowsOnDisk(path).map((row) => row.revision), [24, 25, 26, 27, 28, 29, 30]);
  });
});

test("compaction drops deleted keys entirely and keeps what later reads need", async () => {
  await withFolder(async (folder) => {
    const path = join(folder, "state.db");
    const store = await openSqliteStore({ path, compaction: "off" });
    await store.create("/c/gone", doc("gone")); // 1
    await store.update("/c/gone", doc("gone")); // 2
    await store.delete("/c/gone"); // 3
    await store.create("/c/kept", doc("kept")); // 4
    await store.create("/c/late", doc("late")); // 5
    await store.update("/c/late", doc("late")); // 6
    await store.delete("/c/late"); // 7
    await store.compact(6);
    const watched: string[] = [];
    for await (const event of store.watch({ prefix: "/c/", fromRevision: 5, signal: AbortSignal.timeout(2_000) })) {
      watched.push(`${event.type} ${event.key} ${event.revision} prev@${event.prevObject?.metadata?.resourceVersion}`);
      if (event.revision === 7) break;
    }
    assert.deepEqual(watched, ["MODIFIED /c/late 6 prev@5", "DELETED /c/late 7 prev@6"]);
    await store.close();
    assert.deepEqual(
      rowsOnDisk(path).map((row) => `${row.revision} ${row.key}${row.deleted ? " deleted" : ""}`),
      ["4 /c/kept", "5 /c/late", "6 /c/late", "7 /c/late deleted"],
    );
  });
});
