// The EndpointSlice controller's shell over FakeApi: it writes the plan,
// writes nothing when nothing changed, and undoes edits of its slices.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import type { Node, Pod, Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { inNamespace, resources } from "../client/resources.ts";
import { SharedInformerFactory } from "../client/shared-informer-factory.ts";
import { FakeApi } from "../client/testing/fake-api.ts";
import { EndpointSliceController } from "./endpointslice.ts";
import { informerCache } from "./informer-cache.ts";

const api = new FakeApi();
const informers = new SharedInformerFactory(api);
const stop = new AbortController();
const controller = new EndpointSliceController({
  client: api,
  services: informerCache(informers.informerFor<Service>(resources.services)),
  pods: informerCache(informers.informerFor<Pod>(resources.pods)),
  nodes: informerCache(informers.informerFor<Node>(resources.nodes)),
  slices: informerCache(informers.informerFor<EndpointSlice>(resources.endpointSlices)),
  runner: { report: () => {} },
});
const running = Promise.all([informers.start(stop.signal), controller.start(stop.signal)]);
after(async () => {
  stop.abort();
  await running;
});

const podsApi = inNamespace(resources.pods, "ns");
const slicesApi = inNamespace(resources.endpointSlices, "ns");
const servicesApi = inNamespace(resources.services, "ns");

async function eventually<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  for (let attempt = 0; attempt < 400; attempt++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const slicesOf = async (service: string) => (await api.list<EndpointSlice>(slicesApi)).items.filter((s) => s.metadata?.labels?.["kubernetes.io/service-name"] === service);
const addresses = (slices: EndpointSlice[]) => slices.flatMap((s) => (s.endpoints ?? []).flatMap((e) => e.addresses)).sort();

function pod(name: string, ip: string, labels: Record<string, string>): Pod {
  return { metadata: { name, namespace: "ns", labels }, spec: { containers: [{ name: "c" }] }, status: { phase: "Running", podIP: ip, conditions: [{ type: "Ready", status: "True" }] } };
}

test("a Service's pods end up in one slice, which is then left alone until something changes", async () => {
  await api.create<Service>(servicesApi, { metadata: { name: "web", namespace: "ns", uid: "web-uid" }, spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: 8080, protocol: "TCP" }] } });
  for (const [i, name] of ["a", "b", "c"].entries()) await api.create<Pod>(podsApi, pod(name, `10.42.0.${i + 1}`, { app: "web" }));
  const slices = await eventually("three endpoints", async () => {
    const found = await slicesOf("web");
    return addresses(found).join() === "10.42.0.1,10.42.0.2,10.42.0.3" ? found : undefined;
  });
  assert.equal(slices.length, 1);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const writes = () => api.callsOf("create") + api.callsOf("update") + api.callsOf("delete");
  const settled = writes();
  await api.create<Pod>(podsApi, pod("other", "10.42.0.9", { app: "other" }));
  await api.patch<Pod>(podsApi, "a", "merge", { metadata: { annotations: { unrelated: "x" } } });
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(writes(), settled + 1, "only the test's own pod create (its patch is not counted here)");
});

test("an edited slice is put back", async () => {
  const [slice] = await slicesOf("web");
  await api.update<EndpointSlice>(slicesApi, { ...slice!, endpoints: [] });
  await eventually("restored", async () => (addresses(await slicesOf("web")).length === 3 ? true : undefined));
});

test("a Service without selector gets no slices", async () => {
  await api.create<Service>(servicesApi, { metadata: { name: "manual", namespace: "ns" }, spec: { ports: [{ port: 80 }] } });
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.deepEqual(await slicesOf("manual"), []);
});
