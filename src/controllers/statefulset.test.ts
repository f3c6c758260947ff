// The StatefulSet controller's sync against an in-memory API, with caches the
// test feeds by hand.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ControllerRevision, StatefulSet } from "kubernetes-types/apps/v1";
import type { PersistentVolumeClaim, Pod } from "kubernetes-types/core/v1";
import { inNamespace, resources } from "../client/resources.ts";
import { FakeApi } from "../client/testing/fake-api.ts";
import { FakeClock } from "../client/testing/fake-clock.ts";
import { StatefulSetController } from "./statefulset.ts";
import { HandFedCache, RecordedEvents } from "./statefulset/hand-fed-cache.ts";

const setsApi = inNamespace(resources.statefulSets, "ns");
const podsApi = inNamespace(resources.pods, "ns");
const claimsApi = inNamespace(resources.persistentVolumeClaims, "ns");
const revisionsApi = inNamespace(resources.controllerRevisions, "ns");

async function setUp(podManagementPolicy: "OrderedReady" | "Parallel", replicas = 3) {
  const clock = new FakeClock(Date.parse("2026-01-01T00:00:00Z"));
  const api = new FakeApi(clock);
  const statefulSets = new HandFedCache<StatefulSet>();
  const pods = new HandFedCache<Pod>();
  const claims = new HandFedCache<PersistentVolumeClaim>();
  const revisions = new HandFedCache<ControllerRevision>();
  const events = new RecordedEvents();
  const controller = new StatefulSetController({ client: api, statefulSets, pods, claims, revisions, events, clock });
  statefulSets.deliver(
    await api.create<StatefulSet>(setsApi, {
      metadata: { name: "web", namespace: "ns" },
      spec: {
        replicas,
        podManagementPolicy,
        serviceName: "web",
        selector: { matchLabels: { app: "web" } },
        template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "web:1" }] } },
        volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"] } }],
      },
    }),
  );
  const stop = new AbortController();
  const names = async () => (await api.list<Pod>(podsApi)).items.map((pod) => pod.metadata?.name).sort();
  return {
    api,
    events,
    names,
    sync: () => controller.sync("ns/web", stop.signal),
    catchUp: async () => {
      pods.replaceAll((await api.list<Pod>(podsApi)).items);
      claims.replaceAll((await api.list<PersistentVolumeClaim>(claimsApi)).items);
      revisions.replaceAll((await api.list<ControllerRevision>(revisionsApi)).items);
      statefulSets.replaceAll((await api.list<StatefulSet>(setsApi)).items);
    },
    makeReady: async (name: string) => {
      const pod = await api.get<Pod>(podsApi, name);
      await api.update<Pod>(podsApi, { ...pod, status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] } });
    },
  };
}

describe("StatefulSet controller sync", () => {
  test("OrderedReady creates the claim, then the pod, one member at a time", async () => {
    const { sync, catchUp, makeReady, names, events, api } = await setUp("OrderedReady");
    await sync();
    assert.deepEqual(await names(), ["web-0"]);
    assert.deepEqual(events.seen, ["Normal SuccessfulCreate: create Claim data-web-0 Pod web-0 in StatefulSet web success", "Normal SuccessfulCreate: create Pod web-0 in StatefulSet web successful"]);
    await catchUp();
    await sync();
    assert.deepEqual(await names(), ["web-0"], "web-0 is not ready yet");
    await makeReady("web-0");
    await catchUp();
    await sync();
    assert.deepEqual(await names(), ["web-0", "web-1"]);
    const set = await api.get<StatefulSet>(setsApi, "web");
    assert.equal(set.status?.replicas, 1);
    assert.equal(set.status?.readyReplicas, 1);
    assert.ok(set.status?.updateRevision?.startsWith("web-"));
  });

  test("Parallel creates every member at once and scales down all condemned at once", async () => {
    const { sync, catchUp, names, api } = await setUp("Parallel");
    await sync();
    assert.deepEqual(await names(), ["web-0", "web-1", "web-2"]);
    assert.deepEqual((await api.list<PersistentVolumeClaim>(claimsApi)).items.map((c) => c.metadata?.name).sort(), ["data-web-0", "data-web-1", "data-web-2"]);
    await catchUp();
    const set = await api.get<StatefulSet>(setsApi, "web");
    await api.update<StatefulSet>(setsApi, { ...set, spec: { ...set.spec!, replicas: 1 } });
    await catchUp();
    await sync();
    assert.deepEqual(await names(), ["web-0"]);
  });

  test("a template change makes a second revision; the update deletes the highest member first", async () => {
    const { sync, catchUp, makeReady, names, api } = await setUp("Parallel", 2);
    await sync();
    await makeReady("web-0");
    await makeReady("web-1");
    await catchUp();
    await sync();
    await catchUp();
    const set = await api.get<StatefulSet>(setsApi, "web");
    const first = set.status?.updateRevision;
    assert.equal(set.status?.currentRevision, first);
    await api.update<StatefulSet>(setsApi, { ...set, spec: { ...set.spec!, template: { ...set.spec!.template, spec: { containers: [{ name: "c", image: "web:2" }] } } } });
    await catchUp();
    await sync();
    assert.deepEqual(await names(), ["web-0"]);
    const after = await api.get<StatefulSet>(setsApi, "web");
    assert.equal(after.status?.currentRevision, first);
    assert.notEqual(after.status?.updateRevision, first);
    assert.deepEqual((await api.list<ControllerRevision>(revisionsApi)).items.map((r) => r.revision).sort(), [1, 2]);
    await catchUp();
    await sync();
    const recreated = await api.get<Pod>(podsApi, "web-1");
    assert.equal(recreated.spec?.containers[0]?.image, "web:2");
    assert.equal(recreated.metadata?.labels?.["controller-revision-hash"], after.status?.updateRevision);
  });
});
