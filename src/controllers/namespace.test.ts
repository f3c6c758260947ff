import { after, test } from "node:test";
import assert from "node:assert/strict";
import type { ConfigMap, Namespace, Secret } from "kubernetes-types/core/v1";
import { builtinResources } from "../api/registry.ts";
import { ApiStatusError } from "../client/errors.ts";
import { inNamespace, resources } from "../client/resources.ts";
import { SharedInformerFactory } from "../client/shared-informer-factory.ts";
import { FakeApi } from "../client/testing/fake-api.ts";
import { resourceCatalog } from "./garbage-collector/resource-catalog.ts";
import { informerCache } from "./informer-cache.ts";
import { NamespaceController } from "./namespace.ts";

const api = new FakeApi();
const informers = new SharedInformerFactory(api);
const stop = new AbortController();
const catalog = resourceCatalog(builtinResources).filter((e) => ["configmaps", "secrets", "namespaces"].includes(e.resource.plural));
const controller = new NamespaceController({ client: api, namespaces: informerCache(informers.informerFor<Namespace>(resources.namespaces)), catalog, recheckMs: 20, runner: { report: () => {} } });
const running = Promise.all([informers.start(stop.signal), controller.start(stop.signal)]);
after(async () => {
  stop.abort();
  await running;
});

async function eventually<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  for (let attempt = 0; attempt < 400; attempt++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test("a terminating namespace is emptied, its conditions say so, and the kubernetes finalizer goes", async () => {
  await api.create<Namespace>(resources.namespaces, { metadata: { name: "doomed" }, spec: { finalizers: ["kubernetes"] } });
  await api.create<ConfigMap>(inNamespace(resources.configMaps, "doomed"), { metadata: { name: "a" } });
  await api.create<Secret>(inNamespace(resources.secrets, "doomed"), { metadata: { name: "s" } });
  await api.create<ConfigMap>(inNamespace(resources.configMaps, "bystander"), { metadata: { name: "b" } });
  // One failed delete first: reported in a condition (seen through a watch, the next pass follows at once), then retried.
  const seen: Array<{ reason?: string; message?: string }> = [];
  const watching = new AbortController();
  const watched = (async () => {
    for await (const event of api.watch<Namespace>(resources.namespaces, { signal: watching.signal })) {
      const failure = event.object.status?.conditions?.find((c) => c.type === "NamespaceDeletionContentFailure" && c.status === "True");
      if (failure !== undefined) seen.push(failure);
    }
  })();
  api.failNext("delete", new ApiStatusError({ kind: "Status", code: 500, reason: "InternalError", message: "disk on fire" }));
  await api.patch(resources.namespaces, "doomed", "merge", { metadata: { deletionTimestamp: "2026-01-01T00:00:00Z" }, status: { phase: "Terminating" } });
  const done = await eventually("finalized", async () => {
    const ns = await api.get<Namespace>(resources.namespaces, "doomed");
    return (ns.spec?.finalizers ?? []).length === 0 ? ns : undefined;
  });
  assert.deepEqual((await api.list(inNamespace(resources.configMaps, "doomed"))).items, []);
  assert.deepEqual((await api.list(inNamespace(resources.secrets, "doomed"))).items, []);
  assert.equal((await api.list(inNamespace(resources.configMaps, "bystander"))).items.length, 1);
  assert.ok(done.status?.conditions?.every((c) => c.status === "False"));
  watching.abort();
  await watched;
  assert.equal(seen[0]?.reason, "ContentDeletionFailed");
  assert.match(seen[0]?.message ?? "", /^Failed to delete all resource types, 1 remaining: configmaps\.: disk on fire$/);
});
