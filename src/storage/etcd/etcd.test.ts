// The etcd store against real etcd 3.4 members on loopback: the shared
// conformance suite on one member, and fail-over on a three-member cluster.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { startEtcd } from "../../../test/support/etcd.ts";
import type { EtcdCluster } from "../../../test/support/etcd.ts";
import { runConformance } from "../conformance/conformance.ts";
import type { TestObject } from "../conformance/fixtures.ts";
import { collectWatch, revisionOf, testObject } from "../conformance/fixtures.ts";
import type { Store } from "../store.ts";
import { isStoreError } from "../store.ts";
import { openEtcdStore } from "./etcd-store.ts";

let single: Promise<EtcdCluster> | undefined;
after(async () => {
  await (await single)?.stop();
});

let caseNumber = 0;
// One member serves every case; each case gets its own key prefix, so it
// starts with no keys (etcd's revision is shared, which the contract allows).
runConformance("etcd", async () => {
  single ??= startEtcd();
  const { endpoints } = await single;
  caseNumber += 1;
  const options = { endpoints, prefix: `/conformance-${caseNumber}` };
  return {
    open: () => openEtcdStore(options),
    reopen: () => openEtcdStore(options),
    childOpener: () => ({
      module: fileURLToPath(new URL("./etcd-store.ts", import.meta.url)),
      exportName: "openEtcdStore",
      argument: options,
    }),
  };
});

describe("etcd watchers sharing one feed", () => {
  test("a stalled watcher holds the feed back without losing events; others continue once it leaves", async () => {
    single ??= startEtcd();
    const store = await openEtcdStore({ endpoints: (await single).endpoints, prefix: "/shared-feed" });
    try {
      const from = await store.currentRevision();
      const steady = collectWatch<TestObject>(store, "/s/", from);
      const leaving = collectWatch<TestObject>(store, "/s/", from);
      const stalled = new AbortController();
      // Started but never read past its first event: its queue fills up.
      const stalledIterator = store.watch({ prefix: "/s/", fromRevision: from, signal: stalled.signal })[Symbol.asyncIterator]();
      const firstOfStalled = stalledIterator.next();
      const written: number[] = [];
      for (let i = 0; i < 600; i++) written.push(revisionOf(await store.create(`/s/k${i}`, testObject(`k${i}`))));
      assert.equal((await firstOfStalled).value?.revision, written[0]);
      leaving.stop();
      stalled.abort();
      const events = await steady.finish(written.at(-1)!);
      assert.deepEqual(
        events.map((event) => event.revision),
        written,
      );
      // Decoded once per feed and shared: frozen, so no watcher can change another's event.
      assert.ok(Object.isFrozen(events[0]!.object.metadata));
      // A watcher from an old revision gets its own feed and the full history.
      const late = await collectWatch<TestObject>(store, "/s/", from).finish(written.at(-1)!);
      assert.equal(late.length, written.length);
    } finally {
      await store.close();
    }
  });
});

describe("etcd store periodic compaction", () => {
  test("compacts etcd's history on the policy's interval, keeping the newest revisions", async () => {
    single ??= startEtcd();
    const store = await openEtcdStore({
      endpoints: (await single).endpoints,
      prefix: "/auto-compaction",
      compaction: { intervalMs: 50, keepRevisions: 5 },
    });
    try {
      const revisions: number[] = [];
      for (let i = 0; i < 20; i++) revisions.push(revisionOf(await store.create(`/k${i}`, testObject(`k${i}`))));
      const old = revisions[2]!;
      let expired = false;
      for (let waited = 0; !expired && waited < 10_000; waited += 50) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        expired = await store.list({ prefix: "/", revision: old }).then(
          () => false,
          (error: unknown) => isStoreError(error, "Expired"),
        );
      }
      assert.ok(expired, `revision ${old} was never compacted`);
      const kept = await store.list({ prefix: "/", revision: revisions.at(-1)! - 5 });
      assert.equal(kept.items.length, 15);
    } finally {
      await store.close();
    }
  });
});

describe("etcd store over TLS with client certificates", () => {
  test("reads, writes and watches over https; without a client certificate the cluster refuses", async () => {
    const cluster = await startEtcd({ tls: true });
    try {
      const tls = cluster.clientTls!;
      assert.match(cluster.endpoints[0]!, /^https:/);
      const store = await openEtcdStore({ endpoints: cluster.endpoints, tls: { ca: tls.ca, cert: tls.cert, key: tls.key } });
      try {
        const from = await store.currentRevision();
        const watcher = collectWatch<TestObject>(store, "/tls/", from);
        const created = await store.create("/tls/a", testObject("a", { over: "tls" }));
        assert.deepEqual(await store.get("/tls/a"), created);
        const events = await watcher.finish(revisionOf(created));
        assert.deepEqual(
          events.map((event) => [event.type, event.key]),
          [["ADDED", "/tls/a"]],
        );
      } finally {
        await store.close();
      }
      await assert.rejects(
        openEtcdStore({ endpoints: cluster.endpoints, tls: { ca: tls.ca }, dialTimeoutMs: 2_000 }),
        (error: unknown) => isStoreError(error, "Unavailable"),
      );
    } finally {
      await cluster.stop();
    }
  });
});

describe("etcd store endpoints", () => {
  const badEndpoints: [string, string[]][] = [
    ["no endpoint", []],
    ["another scheme", ["unix:///run/etcd.sock"]],
    ["not a URL", ["http://"]],
  ];
  for (const [what, endpoints] of badEndpoints) {
    test(`${what} fails InvalidArgument before any connection`, async () => {
      await assert.rejects(openEtcdStore({ endpoints }), (error: unknown) => isStoreError(error, "InvalidArgument"));
    });
  }
});

describe("etcd store against a stopped cluster", () => {
  test("opening fails Unavailable, naming the endpoints", async () => {
    const cluster = await startEtcd();
    const endpoints = cluster.endpoints;
    await cluster.stop();
    await assert.rejects(openEtcdStore({ endpoints, dialTimeoutMs: 1_000 }), (error: unknown) => {
      assert.ok(isStoreError(error, "Unavailable"), String(error));
      assert.match(error.message, new RegExp(endpoints[0]!.replace(/[.:/]/g, "\\$&")));
      return true;
    });
  });
});

/** Writes `/ha/<n>` creates until `count` were acknowledged, riding out a member's death. */
async function writeThrough(store: Store, first: number, count: number, acknowledged: Map<string, number>): Promise<void> {
  for (let n = first; n < first + count; n++) {
    const key = `/ha/${String(n).padStart(5, "0")}`;
    // An election under a loaded machine can take seconds: retry for a while, not forever.
    const giveUpAt = Date.now() + 30_000;
    while (true) {
      try {
        acknowledged.set(key, revisionOf(await store.create(key, testObject(key, { n: String(n) }))));
        break;
      } catch (error) {
        // An Unavailable create may still have been applied: then it is there now.
        if (isStoreError(error, "AlreadyExists")) {
          acknowledged.set(key, revisionOf(await store.get(key)));
          break;
        }
        if (!isStoreError(error, "Unavailable") || Date.now() > giveUpAt) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }
}

describe("etcd store on a three-member cluster", () => {
  test("writes and a running watch continue when the leader is killed", { timeout: 120_000 }, async () => {
    const cluster = await startEtcd({ members: 3 });
    try {
      const leader = await cluster.leaderIndex();
      // The leader first in the list: the store talks to it until it dies.
      const endpoints = [cluster.endpoints[leader]!, ...cluster.endpoints.filter((_, index) => index !== leader)];
      const store = await openEtcdStore({ endpoints, prefix: "/skiff" });
      try {
        const from = await store.currentRevision();
        const watcher = collectWatch<TestObject>(store, "/ha/", from);
        const acknowledged = new Map<string, number>();
        await writeThrough(store, 0, 50, acknowledged);
        await cluster.members[leader]!.kill();
        await writeThrough(store, 50, 100, acknowledged);
        const newLeader = await cluster.leaderIndex();
        assert.notEqual(newLeader, leader);

        const last = Math.max(...acknowledged.values());
        const events = await watcher.finish(last, 30_000);
        const revisions = events.map((event) => event.revision);
        assert.deepEqual(revisions, [...new Set(revisions)].sort((a, b) => a - b), "events once each, in order");
        for (const [key, revision] of acknowledged) {
          const event = events.find((candidate) => candidate.key === key);
          assert.ok(event !== undefined, `the watch missed ${key}`);
          assert.equal(event.type, "ADDED");
          assert.equal(event.revision, revision);
        }
        const listed = await store.list<TestObject>({ prefix: "/ha/" });
        assert.deepEqual(
          listed.items.map((item) => item.metadata.name),
          [...acknowledged.keys()].sort(),
        );

        // The killed member comes back and catches up.
        await cluster.members[leader]!.restart();
        const rejoined = await openEtcdStore({ endpoints: [cluster.endpoints[leader]!], prefix: "/skiff" });
        try {
          assert.equal((await rejoined.list({ prefix: "/ha/" })).items.length, 150);
        } finally {
          await rejoined.close();
        }
      } finally {
        await store.close();
      }
    } finally {
      await cluster.stop();
    }
  });
});
