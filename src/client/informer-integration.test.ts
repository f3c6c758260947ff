// Informers against a real `skiff server`: creates, updates and deletes
// arrive; a watch the server ends (timeoutSeconds) is resumed without a
// relist; a real 410 Expired leads to a relist with tombstones.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import type { ConfigMap } from "kubernetes-types/core/v1";
import { startServer, type TestServer } from "../../test/support/server.ts";
import { RestClient } from "./rest-client.ts";
import { SharedInformerFactory } from "./shared-informer-factory.ts";
import { SharedIndexInformer, type ResourceEventHandler } from "./shared-informer.ts";
import { listerWatcher, type ListerWatcher } from "./lister-watcher.ts";
import { inNamespace, resources } from "./resources.ts";
import { isResourceExpired } from "./errors.ts";

const configMap = (name: string, data: Record<string, string> = {}): ConfigMap => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data });

function recorder(): { log: string[]; handler: ResourceEventHandler<ConfigMap> } {
  const log: string[] = [];
  return {
    log,
    handler: {
      onAdd: (o) => log.push(`add ${o.metadata?.name}`),
      onUpdate: (a, b) => log.push(`update ${b.metadata?.name}${a.metadata?.resourceVersion === b.metadata?.resourceVersion ? " same" : ""}`),
      onDelete: (o, unknown) => log.push(`delete ${o.metadata?.name}${unknown ? " tombstone" : ""}`),
    },
  };
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.ok(condition(), `timed out waiting for ${what}`);
}

describe("informers against a real server", () => {
  let server: TestServer;
  let client: RestClient;

  before(async () => {
    // No controllers: their objects (kube-root-ca.crt in every namespace) would show up in these informers.
    server = await startServer(["--disable-controller-manager"]);
    client = await RestClient.fromKubeconfig(server.kubeconfig);
  });
  after(async () => {
    client.close();
    await server.stop();
  });

  test("sees creates, updates and deletes, and resumes a watch the server ended without relisting", async () => {
    const namespace = "informer-a";
    await client.create(resources.namespaces, { metadata: { name: namespace } });
    const configMaps = inNamespace(resources.configMaps, namespace);
    await client.create(configMaps, configMap("before"));
    let lists = 0;
    let watches = 0;
    const real = listerWatcher<ConfigMap>(client, configMaps);
    const counting: ListerWatcher<ConfigMap> = {
      list: (o) => (lists++, real.list(o)),
      watch: (o) => (watches++, real.watch(o)),
    };
    // The server ends each watch after 1-2 s.
    const informer = new SharedIndexInformer<ConfigMap>(counting, { reflector: { minWatchTimeoutSeconds: 1, initialBackoffMs: 50 } });
    const { log, handler } = recorder();
    informer.addEventHandler(handler);
    const stop = new AbortController();
    const running = informer.start(stop.signal);
    assert.equal(await informer.waitForSync(), true);
    await client.create(configMaps, configMap("c1"));
    await client.patch(configMaps, "c1", "merge", { data: { k: "v" } });
    await client.delete(configMaps, "before");
    await until(() => log.length === 4, "four events");
    assert.deepEqual(log.splice(0), ["add before", "add c1", "update c1", "delete before"]);
    assert.equal(informer.indexer.getByKey(`${namespace}/c1`)?.data?.["k"], "v");

    await until(() => watches >= 2, "a second watch after the server's timeout", 5000);
    await client.create(configMaps, configMap("after-rewatch"));
    await until(() => log.length === 1, "the event on the new watch");
    assert.deepEqual(log, ["add after-rewatch"]);
    assert.equal(lists, 1, "a watch that ended normally is resumed, not relisted");
    assert.equal(informer.lastSyncResourceVersion, informer.indexer.getByKey(`${namespace}/after-rewatch`)?.metadata?.resourceVersion);
    stop.abort();
    await running;
  });

  test("a 410 Expired from the server leads to a relist that reports what vanished as a tombstone", async () => {
    const namespace = "informer-b";
    await client.create(resources.namespaces, { metadata: { name: namespace } });
    const configMaps = inNamespace(resources.configMaps, namespace);
    await client.create(configMaps, configMap("stays"));
    await client.create(configMaps, configMap("vanishes"));
    const real = listerWatcher<ConfigMap>(client, configMaps);
    let watches = 0;
    // The first watch starts from resourceVersion 1, long before the server's
    // watch window, after "vanishes" was deleted behind the informer's back.
    const rewinding: ListerWatcher<ConfigMap> = {
      list: (o) => real.list(o),
      watch: (o) => {
        watches++;
        if (watches > 1) return real.watch(o);
        return (async function* () {
          await client.delete(configMaps, "vanishes");
          await client.create(configMaps, configMap("appears"));
          yield* real.watch({ ...o, resourceVersion: "1" });
        })();
      },
    };
    const errors: unknown[] = [];
    const informer = new SharedIndexInformer<ConfigMap>(rewinding, { reflector: { initialBackoffMs: 50, onError: (e) => errors.push(e) } });
    const { log, handler } = recorder();
    informer.addEventHandler(handler);
    const stop = new AbortController();
    const running = informer.start(stop.signal);
    await informer.waitForSync();
    await until(() => log.length === 5, "the relist");
    assert.ok(isResourceExpired(errors[0]) && errors[0].code === 410, `expected 410, got ${String(errors[0])}`);
    assert.deepEqual(log, ["add stays", "add vanishes", "add appears", "update stays same", "delete vanishes tombstone"]);
    assert.deepEqual(informer.indexer.listKeys().sort(), [`${namespace}/appears`, `${namespace}/stays`]);
    stop.abort();
    await running;
  });

  test("a factory shares informers across components and stops them all", async () => {
    const factory = new SharedInformerFactory(client);
    const seenByScheduler = recorder();
    const seenByController = recorder();
    factory.informerFor<ConfigMap>(resources.configMaps, { namespace: "default" }).addEventHandler(seenByScheduler.handler);
    factory.informerFor<ConfigMap>(inNamespace(resources.configMaps, "default")).addEventHandler(seenByController.handler);
    const stop = new AbortController();
    const running = factory.start(stop.signal);
    assert.equal(await factory.waitForSync(), true);
    await client.create(inNamespace(resources.configMaps, "default"), configMap("shared"));
    await until(() => seenByScheduler.log.includes("add shared") && seenByController.log.includes("add shared"), "both handlers");
    stop.abort();
    await running;
  });
});
