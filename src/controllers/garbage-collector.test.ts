// The collector's shell over FakeApi (which has no finalizers or cascades of
// its own): owners looked up by uid, dangling references patched out, orphan
// and foreground finalizers worked off.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ConfigMap } from "kubernetes-types/core/v1";
import type { OwnerReference } from "kubernetes-types/meta/v1";
import { hasReason } from "../client/errors.ts";
import { inNamespace, resources } from "../client/resources.ts";
import { SharedInformerFactory } from "../client/shared-informer-factory.ts";
import { FakeApi } from "../client/testing/fake-api.ts";
import { GarbageCollector } from "./garbage-collector.ts";
import { resourceCatalog } from "./garbage-collector/resource-catalog.ts";
import { builtinResources } from "../api/registry.ts";

const configMaps = inNamespace(resources.configMaps, "ns");
const catalog = resourceCatalog(builtinResources).filter((e) => ["configmaps", "namespaces", "secrets"].includes(e.resource.plural));
const ref = (cm: ConfigMap, block = false): OwnerReference => ({ apiVersion: "v1", kind: "ConfigMap", name: cm.metadata!.name!, uid: cm.metadata!.uid!, ...(block ? { blockOwnerDeletion: true } : {}) });

async function eventually<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  for (let attempt = 0; attempt < 400; attempt++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const absent = async (name: string) => {
  try {
    await api.get(configMaps, name);
    return undefined;
  } catch (e) {
    if (hasReason(e, "NotFound")) return true;
    throw e;
  }
};

const api = new FakeApi();
const stop = new AbortController();
const informers = new SharedInformerFactory(api);
const collector = new GarbageCollector({ client: api, informers, catalog, runner: { report: () => {} } });
const running = Promise.all([informers.start(stop.signal), collector.start(stop.signal)]);
after(async () => {
  stop.abort();
  await running;
});

describe("GarbageCollector over FakeApi", () => {
  test("a dependent whose owner uid is gone is deleted, even if an object with the owner's name exists", async () => {
    const owner = await api.create<ConfigMap>(configMaps, { metadata: { name: "owner" } });
    await api.delete(configMaps, "owner");
    await api.create<ConfigMap>(configMaps, { metadata: { name: "owner" } });
    await api.create<ConfigMap>(configMaps, { metadata: { name: "child", ownerReferences: [ref(owner)] } });
    await eventually("child deleted", () => absent("child"));
  });

  test("a dependent with a live owner keeps it and loses only the dangling reference", async () => {
    const live = await api.create<ConfigMap>(configMaps, { metadata: { name: "live" } });
    const dead = await api.create<ConfigMap>(configMaps, { metadata: { name: "dead" } });
    await api.create<ConfigMap>(configMaps, { metadata: { name: "shared", ownerReferences: [ref(dead), ref(live)] } });
    await api.delete(configMaps, "dead");
    const shared = await eventually("the dangling reference removed", async () => {
      const cm = await api.get<ConfigMap>(configMaps, "shared");
      return cm.metadata?.ownerReferences?.length === 1 ? cm : undefined;
    });
    assert.equal(shared.metadata?.ownerReferences?.[0]?.uid, live.metadata?.uid);
  });

  test("an owner with the orphan finalizer: references to it are removed, then the finalizer", async () => {
    const owner = await api.create<ConfigMap>(configMaps, { metadata: { name: "orphaner" } });
    await api.create<ConfigMap>(configMaps, { metadata: { name: "kept", ownerReferences: [ref(owner)] } });
    await api.patch(configMaps, "orphaner", "merge", { metadata: { finalizers: ["orphan"], deletionTimestamp: "2026-01-01T00:00:00Z" } });
    await eventually("the orphan finalizer removed", async () => ((await api.get<ConfigMap>(configMaps, "orphaner")).metadata?.finalizers === undefined ? true : undefined));
    assert.equal((await api.get<ConfigMap>(configMaps, "kept")).metadata?.ownerReferences, undefined);
  });

  test("an owner deleting in the foreground: its blocking dependent is deleted first, then the finalizer goes", async () => {
    const owner = await api.create<ConfigMap>(configMaps, { metadata: { name: "fg-owner" } });
    await api.create<ConfigMap>(configMaps, { metadata: { name: "blocker", finalizers: ["example.com/hold"], ownerReferences: [ref(owner, true)] } });
    await api.patch(configMaps, "fg-owner", "merge", { metadata: { finalizers: ["foregroundDeletion"], deletionTimestamp: "2026-01-01T00:00:00Z" } });
    await eventually("the blocker deleted", () => absent("blocker"));
    await eventually("the foreground finalizer removed", async () => ((await api.get<ConfigMap>(configMaps, "fg-owner")).metadata?.finalizers === undefined ? true : undefined));
  });
});
