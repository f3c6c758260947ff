// The ReplicaSet controller's sync against an in-memory API, with caches the
// test feeds by hand: a "slow watch" is simply one the test has not delivered yet.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ReplicaSet } from "kubernetes-types/apps/v1";
import type { Pod } from "kubernetes-types/core/v1";
import type { KubeObject } from "../client/kube-client.ts";
import { objectKey } from "../client/object-key.ts";
import { inNamespace, resources } from "../client/resources.ts";
import { FakeApi } from "../client/testing/fake-api.ts";
import { FakeClock } from "../client/testing/fake-clock.ts";
import type { EventSink, EventType } from "./event-sink.ts";
import { expectationsTimeoutMs } from "./expectations.ts";
import { ReplicaSetController } from "./replicaset.ts";
import type { ChangeHandlers, WatchedCache } from "./watched-cache.ts";

/** A cache that changes only when the test says an informer event arrived. */
class HandFedCache<T extends KubeObject> implements WatchedCache<T> {
  private readonly objects = new Map<string, T>();
  private readonly handlers: ChangeHandlers<T>[] = [];
  get(key: string): T | undefined {
    return this.objects.get(key);
  }
  list(namespace?: string): T[] {
    return [...this.objects.values()].filter((o) => !namespace || o.metadata?.namespace === namespace);
  }
  subscribe(handlers: ChangeHandlers<T>): void {
    this.handlers.push(handlers);
  }
  deliver(object: T): void {
    const previous = this.objects.get(objectKey(object));
    this.objects.set(objectKey(object), object);
    for (const h of this.handlers) {
      if (previous === undefined) h.onAdd(object);
      else h.onUpdate(previous, object);
    }
  }
  deliverDelete(object: T): void {
    this.objects.delete(objectKey(object));
    for (const h of this.handlers) h.onDelete(object);
  }
}

class RecordedEvents implements EventSink {
  readonly seen: string[] = [];
  record(regarding: KubeObject, type: EventType, reason: string, message: string): void {
    this.seen.push(`${regarding.kind}/${regarding.metadata?.name} ${type} ${reason}: ${message}`);
  }
}

const rsApi = inNamespace(resources.replicaSets, "ns");
const podsApi = inNamespace(resources.pods, "ns");

async function setUp(replicas: number) {
  const clock = new FakeClock(Date.parse("2026-01-01T00:00:00Z"));
  const api = new FakeApi(clock);
  const replicaSets = new HandFedCache<ReplicaSet>();
  const pods = new HandFedCache<Pod>();
  const events = new RecordedEvents();
  const controller = new ReplicaSetController({ client: api, replicaSets, pods, events, clock });
  const rs = await api.create<ReplicaSet>(rsApi, {
    metadata: { name: "web", namespace: "ns" },
    spec: { replicas, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "i" }] } } },
  });
  replicaSets.deliver(rs);
  const stop = new AbortController();
  const sync = () => controller.sync("ns/web", stop.signal);
  const serverPods = async () => (await api.list<Pod>(podsApi)).items;
  /** The informer catches up: every pod on the server reaches the cache. */
  const catchUp = async () => {
    for (const pod of await serverPods()) pods.deliver(pod);
  };
  return { clock, api, replicaSets, pods, events, controller, sync, serverPods, catchUp };
}

describe("ReplicaSet controller sync", () => {
  test("creates the missing pods once, however often it syncs before the watch catches up", async () => {
    const { sync, serverPods, catchUp, events, api } = await setUp(3);
    await sync();
    await sync();
    await sync();
    const created = await serverPods();
    assert.equal(created.length, 3);
    for (const pod of created) {
      assert.match(pod.metadata?.name ?? "", /^web-/);
      assert.equal(pod.metadata?.ownerReferences?.[0]?.kind, "ReplicaSet");
      assert.equal(pod.metadata?.ownerReferences?.[0]?.controller, true);
    }
    assert.deepEqual(events.seen.filter((e) => e.includes("SuccessfulCreate")).length, 3);
    await catchUp();
    await sync();
    assert.equal((await serverPods()).length, 3);
    const status = (await api.get<ReplicaSet>(rsApi, "web")).status;
    assert.equal(status?.replicas, 3);
  });

  test("expectations expire after five minutes so a lost event cannot wedge the controller", async () => {
    const { sync, serverPods, clock, api } = await setUp(2);
    await sync();
    assert.equal((await serverPods()).length, 2);
    // The pods vanish and their events are lost: nothing happens until the expectations expire.
    for (const pod of await serverPods()) await api.delete(podsApi, pod.metadata!.name!);
    await sync();
    assert.equal((await serverPods()).length, 0);
    clock.advance(expectationsTimeoutMs + 1);
    await sync();
    assert.equal((await serverPods()).length, 2);
  });

  test("deletes the surplus once, not-ready pods first, with SuccessfulDelete events", async () => {
    const { sync, serverPods, catchUp, replicaSets, pods, events, api } = await setUp(3);
    await sync();
    await catchUp();
    const [ready1, ready2, notReady] = await serverPods();
    for (const pod of [ready1!, ready2!]) {
      pods.deliver(await api.updateStatus<Pod>(podsApi, { ...pod, spec: { ...pod.spec!, nodeName: "n1" }, status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] } }));
    }
    const rs = await api.get<ReplicaSet>(rsApi, "web");
    replicaSets.deliver(await api.update<ReplicaSet>(rsApi, { ...rs, spec: { ...rs.spec!, replicas: 2 } }));
    await sync();
    await sync();
    const left = (await serverPods()).map((p) => p.metadata?.name);
    assert.equal(left.length, 2);
    assert.ok(!left.includes(notReady!.metadata?.name), "the not-ready pod went first");
    assert.deepEqual(events.seen.filter((e) => e.includes("SuccessfulDelete")), [`ReplicaSet/web Normal SuccessfulDelete: Deleted pod: ${notReady!.metadata?.name}`]);
    pods.deliverDelete(notReady!);
  });

  test("adopts a matching orphan instead of creating, releases a pod that stopped matching", async () => {
    const { sync, serverPods, pods, api } = await setUp(1);
    const orphan = await api.create<Pod>(podsApi, { metadata: { name: "orphan", namespace: "ns", labels: { app: "web" } }, spec: { containers: [{ name: "c" }] } });
    pods.deliver(orphan);
    await sync();
    const all = await serverPods();
    assert.deepEqual(all.map((p) => p.metadata?.name), ["orphan"]);
    assert.equal(all[0]!.metadata?.ownerReferences?.[0]?.name, "web");

    const relabeled = await api.patch<Pod>(podsApi, "orphan", "merge", { metadata: { labels: { app: "other" } } });
    pods.deliver(relabeled);
    await sync();
    const released = await api.get<Pod>(podsApi, "orphan");
    assert.deepEqual(released.metadata?.ownerReferences ?? [], []);
    assert.equal((await serverPods()).length, 2, "a replacement was created");
  });
});
