// The Endpoints controller's shell over FakeApi.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import type { Endpoints, Pod, Service } from "kubernetes-types/core/v1";
import { hasReason } from "../client/errors.ts";
import { inNamespace, resources } from "../client/resources.ts";
import { SharedInformerFactory } from "../client/shared-informer-factory.ts";
import { FakeApi } from "../client/testing/fake-api.ts";
import { EndpointsController, lastChangeTriggerTimeAnnotation } from "./endpoints.ts";
import { informerCache } from "./informer-cache.ts";

const api = new FakeApi();
const informers = new SharedInformerFactory(api);
const stop = new AbortController();
const controller = new EndpointsController({
  client: api,
  services: informerCache(informers.informerFor<Service>(resources.services)),
  pods: informerCache(informers.informerFor<Pod>(resources.pods)),
  endpoints: informerCache(informers.informerFor<Endpoints>(resources.endpoints)),
  runner: { report: () => {} },
});
const running = Promise.all([informers.start(stop.signal), controller.start(stop.signal)]);
after(async () => {
  stop.abort();
  await running;
});

const endpointsApi = inNamespace(resources.endpoints, "ns");
const servicesApi = inNamespace(resources.services, "ns");
const podsApi = inNamespace(resources.pods, "ns");

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

test("a headless Service's Endpoints: labelled, annotated, ready and unready pods apart; deleted with the Service", async () => {
  await api.create<Service>(servicesApi, { metadata: { name: "db", namespace: "ns", labels: { tier: "data" } }, spec: { clusterIP: "None", selector: { app: "db" }, ports: [{ port: 5432, protocol: "TCP" }] } });
  const ready = (name: string, ip: string, isReady: boolean): Pod => ({
    metadata: { name, namespace: "ns", labels: { app: "db" } },
    spec: { containers: [{ name: "c" }] },
    status: { phase: "Running", podIP: ip, conditions: [{ type: "Ready", status: isReady ? "True" : "False" }] },
  });
  await api.create<Pod>(podsApi, ready("db-0", "10.42.0.1", true));
  await api.create<Pod>(podsApi, ready("db-1", "10.42.0.2", false));
  const endpoints = await eventually("both pods", async () => {
    const e = await api.get<Endpoints>(endpointsApi, "db");
    return e.subsets?.[0]?.addresses?.length === 1 && e.subsets[0].notReadyAddresses?.length === 1 ? e : undefined;
  });
  assert.deepEqual(endpoints.metadata?.labels, { tier: "data", "service.kubernetes.io/headless": "" });
  assert.match(endpoints.metadata?.annotations?.[lastChangeTriggerTimeAnnotation] ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(endpoints.subsets?.[0]?.addresses?.[0]?.ip, "10.42.0.1");
  assert.equal(endpoints.subsets?.[0]?.notReadyAddresses?.[0]?.ip, "10.42.0.2");
  await api.delete(servicesApi, "db");
  await eventually("Endpoints deleted", async () => ((await api.list<Endpoints>(endpointsApi)).items.length === 0 ? true : undefined));
});
