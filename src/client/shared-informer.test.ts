// Informer semantics against the in-memory FakeApi: handlers, the cache,
// rewatch after a watch ends, relist after 410 or a broken stream (with
// tombstones), bookmarks, resync, late handlers and custom indexes.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "kubernetes-types/core/v1";
import { FakeApi } from "./testing/fake-api.ts";
import { FakeClock, settle } from "./testing/fake-clock.ts";
import { SharedIndexInformer, type ResourceEventHandler } from "./shared-informer.ts";
import { listerWatcher } from "./lister-watcher.ts";
import { inNamespace, resources } from "./resources.ts";
import { ClientConnectionError, isResourceExpired } from "./errors.ts";
import { namespaceIndex } from "./indexer.ts";
import type { Clock } from "./clock.ts";

const pods = inNamespace(resources.pods, "default");
const pod = (name: string, node = ""): Pod => ({ apiVersion: "v1", kind: "Pod", metadata: { name, labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "i" }], ...(node ? { nodeName: node } : {}) } });

/** Records handler calls as short strings: "add a initial", "update a 101->102", "delete a tombstone". */
function recorder(): { log: string[]; handler: ResourceEventHandler<Pod> } {
  const log: string[] = [];
  return {
    log,
    handler: {
      onAdd: (p, initial) => log.push(`add ${p.metadata?.name}${initial ? " initial" : ""}`),
      onUpdate: (a, b) => log.push(`update ${b.metadata?.name} ${a.metadata?.resourceVersion}->${b.metadata?.resourceVersion}`),
      onDelete: (p, unknown) => log.push(`delete ${p.metadata?.name}${unknown ? " tombstone" : ""} at ${p.metadata?.resourceVersion}`),
    },
  };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000 && !condition(); i++) await new Promise((r) => setTimeout(r, 1));
  assert.ok(condition(), `timed out waiting for ${what}`);
}

function informerOn(api: FakeApi, options: { clock?: Clock; resyncPeriodMs?: number; errors?: unknown[] } = {}) {
  const errors = options.errors ?? [];
  return new SharedIndexInformer<Pod>(listerWatcher<Pod>(api, pods), {
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.resyncPeriodMs ? { resyncPeriodMs: options.resyncPeriodMs } : {}),
    indexers: { node: (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []) },
    reflector: { initialBackoffMs: 1, maxBackoffMs: 4, onError: (e) => errors.push(e) },
  });
}

describe("SharedIndexInformer with the fake API", () => {
  test("initial list, then adds, updates and deletes reach handlers and the cache", async () => {
    const api = new FakeApi();
    await api.create(pods, pod("a"));
    await api.create(pods, pod("b", "node-1"));
    const informer = informerOn(api);
    const { log, handler } = recorder();
    informer.addEventHandler(handler);
    const stop = new AbortController();
    const running = informer.start(stop.signal);
    assert.equal(await informer.waitForSync(), true);
    assert.equal(informer.hasSynced(), true);
    assert.deepEqual(log.splice(0), ["add a initial", "add b initial"]);
    await until(() => api.openWatches === 1, "the watch");

    await api.create(pods, pod("c"));
    await api.patch(pods, "a", "merge", { spec: { nodeName: "node-1" } });
    await api.delete(pods, "b");
    await until(() => log.length === 3, "three events");
    assert.deepEqual(log, ["add c", "update a 101->104", "delete b at 105"]);
    assert.deepEqual(informer.indexer.listKeys().sort(), ["default/a", "default/c"]);
    assert.deepEqual(informer.indexer.byIndex("node", "node-1").map((p) => p.metadata?.name), ["a"]);
    assert.equal(informer.indexer.byIndex(namespaceIndex, "default").length, 2);
    assert.equal(informer.lastSyncResourceVersion, "105");
    stop.abort();
    await running;
    assert.equal(api.openWatches, 0);
  });

  test("a watch the server ends is resumed from the last version without a relist", async () => {
    const api = new FakeApi();
    const informer = informerOn(api);
    const { log, handler } = recorder();
    informer.addEventHandler(handler);
    const stop = new AbortController();
    const running = informer.start(stop.signal);
    await informer.waitForSync();
    await api.create(pods, pod("a"));
    await until(() => log.length === 1, "the add");
    // Let the watch live past the one-second "very short watch" guard.
    await new Promise((r) => setTimeout(r, 1000));
    api.endWatches();
    await api.create(pods, pod("b"));
    await until(() => log.length === 2, "the add after the rewatch");
    assert.deepEqual(log, ["add a", "add b"]);
    assert.equal(api.callsOf("list"), 1);
    assert.equal(api.callsOf("watch"), 2);
    stop.abort();
    await running;
  });

  test("410 Expired leads to a relist that reports vanished objects as tombstones", async () => {
    const api = new FakeApi();
    await api.create(pods, pod("keep"));
    await api.create(pods, pod("gone"));
    const errors: unknown[] = [];
    const informer = informerOn(api, { errors });
    const { log, handler } = recorder();
    informer.addEventHandler(handler);
    const stop = new AbortController();
    const running = informer.start(stop.signal);
    await informer.waitForSync();
    await until(() => api.openWatches === 1, "the watch");
    // One event, so the watch's end counts as normal and the informer watches again from 103.
    await api.create(pods, pod("seen"));
    await until(() => log.length === 3, "the add");
    log.length = 0;
    api.endWatches();
    // The informer misses these, then finds version 103 compacted away.
    await api.delete(pods, "gone");
    await api.create(pods, pod("new"));
    api.compact();
    await until(() => api.callsOf("list") === 2 && log.length === 4, "the relist");
    assert.ok(isResourceExpired(errors[0]), `expected 410 Expired, got ${String(errors[0])}`);
    assert.deepEqual(log, ["update keep 101->101", "add new", "update seen 103->103", "delete gone tombstone at 102"]);
    assert.deepEqual(informer.indexer.listKeys().sort(), ["default/keep", "default/new", "default/seen"]);
    stop.abort();
    await running;
  });

  test("a broken watch stream leads to a relist after back-off", async () => {
    const api = new FakeApi();
    const errors: unknown[] = [];
    const informer = informerOn(api, { errors });
    const stop = new AbortController();
    api.failNext("watch", new ClientConnectionError("connection reset"));
    const running = informer.start(stop.signal);
    await informer.waitForSync();
    await until(() => api.callsOf("list") === 2 && api.openWatches === 1, "relist and watch");
    assert.ok(errors[0] instanceof ClientConnectionError);
    stop.abort();
    await running;
  });

  test("a failed list is retried until the cache syncs", async () => {
    const api = new FakeApi();
    await api.create(pods, pod("a"));
    const informer = informerOn(api);
    api.failNext("list", new ClientConnectionError("refused"));
    api.failNext("list", new ClientConnectionError("refused"));
    const stop = new AbortController();
    const running = informer.start(stop.signal);
    assert.equal(await informer.waitForSync(), true);
    assert.equal(api.callsOf("list"), 3);
    assert.equal(informer.indexer.size, 1);
    stop.abort();
    await running;
  });

  test("bookmarks advance the resourceVersion the next watch starts from", async () => {
    const api = new FakeApi();
    const informer = informerOn(api);
    const stop = new AbortController();
    const running = informer.start(stop.signal);
    await informer.waitForSync();
    await until(() => api.openWatches === 1, "the watch");
    // Changes elsewhere move the revision on; only a bookmark tells this informer.
    await api.create(resources.nodes, { metadata: { name: "n1" } });
    await api.create(resources.nodes, { metadata: { name: "n2" } });
    api.bookmark();
    await until(() => informer.lastSyncResourceVersion === api.currentRevision, "the bookmark");
    assert.equal(informer.lastSyncResourceVersion, "102");
    stop.abort();
    await running;
  });

  test("waitForSync answers false when its signal aborts first", async () => {
    const informer = informerOn(new FakeApi());
    const abort = new AbortController();
    const waiting = informer.waitForSync(abort.signal);
    abort.abort();
    assert.equal(await waiting, false);
  });

  test("resync delivers update(obj, obj) for every cached object each period", async () => {
    const api = new FakeApi();
    await api.create(pods, pod("a"));
    await api.create(pods, pod("b"));
    const clock = new FakeClock();
    const informer = informerOn(api, { clock, resyncPeriodMs: 30_000 });
    const { log, handler } = recorder();
    informer.addEventHandler(handler);
    const quiet = recorder();
    informer.addEventHandler(quiet.handler, { resyncPeriodMs: 0 });
    const stop = new AbortController();
    const running = informer.start(stop.signal);
    await informer.waitForSync();
    log.length = 0;
    clock.advance(29_999);
    assert.deepEqual(log, []);
    clock.advance(1);
    assert.deepEqual(log.sort(), ["update a 101->101", "update b 102->102"]);
    clock.advance(30_000);
    assert.equal(log.length, 4);
    assert.deepEqual(quiet.log, ["add a initial", "add b initial"]);
    stop.abort();
    await running;
    assert.equal(clock.pendingTimers, 0);
  });

  test("a handler added after sync first receives the cached objects; removed handlers hear nothing", async () => {
    const api = new FakeApi();
    await api.create(pods, pod("a"));
    const informer = informerOn(api);
    const stop = new AbortController();
    const running = informer.start(stop.signal);
    await informer.waitForSync();
    const late = recorder();
    const registration = informer.addEventHandler(late.handler);
    assert.deepEqual(late.log, ["add a"]);
    registration.remove();
    await api.create(pods, pod("b"));
    await until(() => informer.indexer.size === 2, "b in the cache");
    assert.deepEqual(late.log, ["add a"]);
    stop.abort();
    await running;
  });

  test("a throwing handler does not keep events from the others", async () => {
    const api = new FakeApi();
    await api.create(pods, pod("a"));
    const failures: unknown[] = [];
    const informer = new SharedIndexInformer<Pod>(listerWatcher<Pod>(api, pods), { onHandlerError: (e) => failures.push(e) });
    informer.addEventHandler({
      onAdd: () => {
        throw new ClientConnectionError("handler bug");
      },
    });
    const { log, handler } = recorder();
    informer.addEventHandler(handler);
    const stop = new AbortController();
    const running = informer.start(stop.signal);
    await informer.waitForSync();
    assert.deepEqual(log, ["add a initial"]);
    assert.equal(failures.length, 1);
    stop.abort();
    await running;
  });

  test("start resolves only after stopping, and refuses to run twice at once", async () => {
    const informer = informerOn(new FakeApi());
    const stop = new AbortController();
    let finished = false;
    const running = informer.start(stop.signal).then(() => (finished = true));
    await informer.waitForSync();
    await settle();
    assert.equal(finished, false);
    await assert.rejects(informer.start(stop.signal), /running already/);
    stop.abort();
    await running;
    assert.equal(finished, true);
  });
});
