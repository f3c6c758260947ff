import { getEventListeners } from "node:events";
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import type { ConfigMap, Pod } from "kubernetes-types/core/v1";
import { FakeApi } from "./testing/fake-api.ts";
import { SharedInformerFactory } from "./shared-informer-factory.ts";
import { inNamespace, resources } from "./resources.ts";

describe("SharedInformerFactory", () => {
  test("one informer per resource and scope", () => {
    const factory = new SharedInformerFactory(new FakeApi());
    const a = factory.informerFor<Pod>(resources.pods);
    assert.equal(factory.informerFor<Pod>(resources.pods), a);
    assert.equal(factory.informerFor<Pod>(inNamespace(resources.pods, "")), a);
    const scoped = [
      factory.informerFor<Pod>(resources.pods, { namespace: "kube-system" }),
      factory.informerFor<Pod>(inNamespace(resources.pods, "kube-system")),
      factory.informerFor<Pod>(resources.pods, { fieldSelector: "spec.nodeName=n1" }),
      factory.informerFor<Pod>(resources.pods, { labelSelector: "app=web" }),
      factory.informerFor<Pod>(resources.nodes),
    ];
    assert.equal(scoped[0], scoped[1]);
    assert.equal(new Set([a, ...scoped]).size, 5);
  });

  test("runs informers asked for before and after start, each scoped as asked, until stopped", async () => {
    const api = new FakeApi();
    await api.create(inNamespace(resources.pods, "a"), { metadata: { name: "p1" } });
    await api.create(inNamespace(resources.pods, "b"), { metadata: { name: "p2", labels: { app: "web" } } });
    await api.create(inNamespace(resources.configMaps, "a"), { metadata: { name: "cm" } });
    const factory = new SharedInformerFactory(api);
    const allPods = factory.informerFor<Pod>(resources.pods);
    const inA = factory.informerFor<Pod>(resources.pods, { namespace: "a" });
    const stop = new AbortController();
    let stopped = false;
    const running = factory.start(stop.signal).then(() => (stopped = true));
    assert.equal(await factory.waitForSync(), true);
    assert.deepEqual(allPods.indexer.listKeys().sort(), ["a/p1", "b/p2"]);
    assert.deepEqual(inA.indexer.listKeys(), ["a/p1"]);

    const web = factory.informerFor<Pod>(resources.pods, { labelSelector: "app=web" });
    const configMaps = factory.informerFor<ConfigMap>(resources.configMaps);
    assert.equal(await factory.waitForSync(), true);
    assert.deepEqual(web.indexer.listKeys(), ["b/p2"]);
    assert.deepEqual(configMaps.indexer.listKeys(), ["a/cm"]);

    await assert.rejects(factory.start(stop.signal), /running already/);
    assert.equal(stopped, false);
    stop.abort();
    await running;
    assert.equal(api.openWatches, 0);
  });

  test("start and waitForSync put one listener on the caller's signal however many informers there are", async () => {
    const api = new FakeApi();
    const factory = new SharedInformerFactory(api);
    for (let i = 0; i < 30; i++) factory.informerFor<Pod>(resources.pods, { namespace: `ns${i}` });
    const caller = new AbortController();
    const unsynced = factory.waitForSync(caller.signal);
    assert.equal(getEventListeners(caller.signal, "abort").length, 1);
    caller.abort();
    assert.equal(await unsynced, false);
    assert.equal(getEventListeners(caller.signal, "abort").length, 0);

    const stop = new AbortController();
    const running = factory.start(stop.signal);
    assert.equal(getEventListeners(stop.signal, "abort").length, 1);
    const waiting = new AbortController();
    assert.equal(await factory.waitForSync(waiting.signal), true);
    assert.equal(getEventListeners(waiting.signal, "abort").length, 0);
    stop.abort();
    await running;
  });
});
