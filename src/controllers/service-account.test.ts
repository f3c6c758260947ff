import { after, test } from "node:test";
import assert from "node:assert/strict";
import type { ConfigMap, Namespace, ServiceAccount } from "kubernetes-types/core/v1";
import { hasReason } from "../client/errors.ts";
import { inNamespace, resources } from "../client/resources.ts";
import { SharedInformerFactory } from "../client/shared-informer-factory.ts";
import { FakeApi } from "../client/testing/fake-api.ts";
import { informerCache } from "./informer-cache.ts";
import { RootCaPublisher } from "./root-ca-publisher.ts";
import { ServiceAccountController } from "./service-account.ts";

const api = new FakeApi();
const informers = new SharedInformerFactory(api);
const namespaces = informerCache(informers.informerFor<Namespace>(resources.namespaces));
const stop = new AbortController();
const quiet = { report: () => {} };
const accounts = new ServiceAccountController({ client: api, namespaces, serviceAccounts: informerCache(informers.informerFor<ServiceAccount>(resources.serviceAccounts)), runner: quiet });
const publisher = new RootCaPublisher({ client: api, ca: "PEM", namespaces, configMaps: informerCache(informers.informerFor<ConfigMap>(resources.configMaps)), runner: quiet });
const running = Promise.all([informers.start(stop.signal), accounts.start(stop.signal), publisher.start(stop.signal)]);
after(async () => {
  stop.abort();
  await running;
});

async function eventually<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  for (let attempt = 0; attempt < 400; attempt++) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (e) {
      if (!hasReason(e, "NotFound")) throw e;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test("an active namespace gets the default ServiceAccount, again after its deletion", async () => {
  await api.create<Namespace>(resources.namespaces, { metadata: { name: "a" } });
  const sa = await eventually("default", () => api.get<ServiceAccount>(inNamespace(resources.serviceAccounts, "a"), "default"));
  await api.delete(inNamespace(resources.serviceAccounts, "a"), "default");
  const again = await eventually("default again", () => api.get<ServiceAccount>(inNamespace(resources.serviceAccounts, "a"), "default"));
  assert.notEqual(again.metadata?.uid, sa.metadata?.uid);
});

test("kube-root-ca.crt holds the CA alone, restored after an edit", async () => {
  await api.create<Namespace>(resources.namespaces, { metadata: { name: "b" } });
  const configMaps = inNamespace(resources.configMaps, "b");
  const cm = await eventually("kube-root-ca.crt", () => api.get<ConfigMap>(configMaps, "kube-root-ca.crt"));
  assert.deepEqual(cm.data, { "ca.crt": "PEM" });
  await api.patch(configMaps, "kube-root-ca.crt", "merge", { data: { "ca.crt": "other", extra: "x" } });
  await eventually("restored", async () => {
    const current = await api.get<ConfigMap>(configMaps, "kube-root-ca.crt");
    return current.data?.["ca.crt"] === "PEM" && current.data["extra"] === undefined ? true : undefined;
  });
});

test("a terminating namespace gets neither", async () => {
  await api.create<Namespace>(resources.namespaces, { metadata: { name: "c", deletionTimestamp: "2026-01-01T00:00:00Z" } });
  await new Promise((resolve) => setTimeout(resolve, 100));
  await assert.rejects(api.get(inNamespace(resources.serviceAccounts, "c"), "default"), (e: unknown) => hasReason(e, "NotFound"));
  await assert.rejects(api.get(inNamespace(resources.configMaps, "c"), "kube-root-ca.crt"), (e: unknown) => hasReason(e, "NotFound"));
});
