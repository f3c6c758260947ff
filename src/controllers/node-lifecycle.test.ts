// The node lifecycle controller and its taint eviction against an in-memory
// API with caches the test feeds by hand and a fake clock, so a 40 s grace
// period takes no time at all.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Lease } from "kubernetes-types/coordination/v1";
import type { Node, Pod, Toleration } from "kubernetes-types/core/v1";
import type { KubeObject } from "../client/kube-client.ts";
import { objectKey } from "../client/object-key.ts";
import { inNamespace, resources } from "../client/resources.ts";
import { FakeApi } from "../client/testing/fake-api.ts";
import { FakeClock } from "../client/testing/fake-clock.ts";
import type { EventSink, EventType } from "./event-sink.ts";
import { NodeLifecycleController, nodeLeases } from "./node-lifecycle.ts";
import { PodsByNode } from "./node-lifecycle/pods-by-node.ts";
import { TaintEvictionController } from "./node-lifecycle/taint-eviction-controller.ts";
import type { ChangeHandlers, WatchedCache } from "./watched-cache.ts";

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

const podsApi = inNamespace(resources.pods, "ns");
const t0 = Date.parse("2026-01-01T00:00:00Z");
const seconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");

function readyNode(name: string, heartbeatMs: number): Node {
  const beat = seconds(heartbeatMs);
  return {
    metadata: { name },
    status: { conditions: ["MemoryPressure", "DiskPressure", "PIDPressure"].map((type) => ({ type, status: "False", lastHeartbeatTime: beat, lastTransitionTime: beat })).concat([{ type: "Ready", status: "True", lastHeartbeatTime: beat, lastTransitionTime: beat }]) },
  };
}

function boundPod(name: string, nodeName: string, tolerations: Toleration[] = []): Pod {
  return {
    metadata: { name, namespace: "ns" },
    spec: { nodeName, tolerations, containers: [{ name: "c", image: "i" }] },
    status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] },
  };
}

async function setUp() {
  const clock = new FakeClock(t0);
  const api = new FakeApi(clock);
  const nodes = new HandFedCache<Node>();
  const leases = new HandFedCache<Lease>();
  const pods = new HandFedCache<Pod>();
  const events = new RecordedEvents();
  const evictionEvents = new RecordedEvents();
  const controller = new NodeLifecycleController({ client: api, nodes, leases, pods, events, evictionEvents, clock, nodeMonitorGracePeriodMs: 40_000 });
  const stop = new AbortController();
  const node = await api.create<Node>(resources.nodes, readyNode("n1", t0));
  nodes.deliver(node);
  const lease = await api.create<Lease>(nodeLeases, { metadata: { name: "n1", namespace: "kube-node-lease" }, spec: { holderIdentity: "n1", renewTime: "2026-01-01T00:00:00.000000Z" } });
  leases.deliver(lease);
  const catchUpNode = async () => nodes.deliver(await api.get<Node>(resources.nodes, "n1"));
  return { clock, api, nodes, leases, pods, events, evictionEvents, controller, signal: stop.signal, catchUpNode };
}

describe("NodeLifecycleController.sync", () => {
  test("a node whose Lease keeps being renewed stays Ready; the sync asks to look again when grace would run out", async () => {
    const { clock, api, leases, controller, signal } = await setUp();
    assert.deepEqual(await controller.sync("n1", signal), { requeueAfterMs: 40_001 });
    clock.advance(30_000);
    leases.deliver({ metadata: { name: "n1", namespace: "kube-node-lease" }, spec: { renewTime: "2026-01-01T00:00:30.000000Z" } });
    assert.deepEqual(await controller.sync("n1", signal), { requeueAfterMs: 40_001 });
    clock.advance(39_000);
    await controller.sync("n1", signal);
    const node = await api.get<Node>(resources.nodes, "n1");
    assert.equal(node.status?.conditions?.find((c) => c.type === "Ready")?.status, "True");
    assert.equal(node.spec?.taints, undefined);
  });

  test("a silent node turns Unknown, gets the unreachable taints, its ready pods turn not ready; a renewal and a Ready status remove the taints", async () => {
    const { clock, api, leases, pods, events, controller, signal, catchUpNode } = await setUp();
    const pod = await api.create<Pod>(podsApi, boundPod("p1", "n1"));
    pods.deliver(pod);
    await controller.sync("n1", signal);
    clock.advance(40_001);
    assert.equal(await controller.sync("n1", signal), undefined);
    const node = await api.get<Node>(resources.nodes, "n1");
    const ready = node.status?.conditions?.find((c) => c.type === "Ready");
    assert.equal(ready?.status, "Unknown");
    assert.equal(ready?.reason, "NodeStatusUnknown");
    assert.deepEqual(node.spec?.taints, [
      { key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: seconds(t0 + 40_001) },
      { key: "node.kubernetes.io/unreachable", effect: "NoSchedule" },
    ]);
    assert.deepEqual(events.seen, ["Node/n1 Normal NodeNotReady: Node n1 status is now: NodeNotReady"]);
    const markedPod = await api.get<Pod>(podsApi, "p1");
    assert.equal(markedPod.status?.conditions?.find((c) => c.type === "Ready")?.status, "False");

    // The kubelet comes back: renews its Lease and posts Ready.
    clock.advance(5_000);
    leases.deliver({ metadata: { name: "n1", namespace: "kube-node-lease" }, spec: { renewTime: seconds(clock.now()) } });
    await api.updateStatus<Node>(resources.nodes, { ...node, metadata: { ...node.metadata, resourceVersion: "" }, status: readyNode("n1", clock.now()).status! });
    await catchUpNode();
    await controller.sync("n1", signal);
    assert.equal((await api.get<Node>(resources.nodes, "n1")).spec?.taints?.length, 0);
  });

  test("a deleted node is forgotten", async () => {
    const { nodes, controller, signal } = await setUp();
    nodes.deliverDelete(nodes.get("n1")!);
    assert.equal(await controller.sync("n1", signal), undefined);
  });
});

describe("TaintEvictionController.sync", () => {
  async function evictionSetUp() {
    const clock = new FakeClock(t0);
    const api = new FakeApi(clock);
    const nodes = new HandFedCache<Node>();
    const pods = new HandFedCache<Pod>();
    const events = new RecordedEvents();
    const controller = new TaintEvictionController({ client: api, nodes, pods, podsByNode: new PodsByNode(pods), events, clock });
    const taintedAt = seconds(t0);
    const node = await api.create<Node>(resources.nodes, { metadata: { name: "n1" }, spec: { taints: [{ key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: taintedAt }] } });
    nodes.deliver(node);
    const addPod = async (name: string, tolerations: Toleration[] = []) => pods.deliver(await api.create<Pod>(podsApi, boundPod(name, "n1", tolerations)));
    const exists = async (name: string) => (await api.list<Pod>(podsApi)).items.some((p) => p.metadata?.name === name);
    return { clock, api, nodes, pods, events, controller, signal: new AbortController().signal, addPod, exists };
  }
  const tolerating = (tolerationSeconds?: number): Toleration[] => [{ key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", ...(tolerationSeconds === undefined ? {} : { tolerationSeconds }) }];

  test("an untolerating pod is evicted at once with an Event; a DisruptionTarget condition precedes the delete", async () => {
    const { api, events, controller, signal, addPod, exists } = await evictionSetUp();
    await addPod("plain");
    assert.equal(await controller.sync("ns/plain", signal), undefined);
    assert.equal(await exists("plain"), false);
    assert.deepEqual(events.seen, ["Pod/plain Normal TaintManagerEviction: Marking for deletion Pod ns/plain"]);
    assert.equal(api.callsOf("patch"), 1);
  });

  test("tolerationSeconds count from the taint's timeAdded", async () => {
    const { clock, controller, signal, addPod, exists } = await evictionSetUp();
    clock.advance(1_000);
    await addPod("patient", tolerating(2));
    assert.deepEqual(await controller.sync("ns/patient", signal), { requeueAfterMs: 1_001 });
    assert.equal(await exists("patient"), true);
    clock.advance(1_001);
    await controller.sync("ns/patient", signal);
    assert.equal(await exists("patient"), false);
  });

  test("a pod tolerating forever stays; a scheduled eviction is called off when the taint goes", async () => {
    const { api, nodes, events, controller, signal, addPod, exists } = await evictionSetUp();
    await addPod("forever", tolerating());
    await addPod("waiting", tolerating(60));
    assert.equal(await controller.sync("ns/forever", signal), undefined);
    assert.ok(await controller.sync("ns/waiting", signal));
    const node = await api.get<Node>(resources.nodes, "n1");
    nodes.deliver(await api.update<Node>(resources.nodes, { ...node, spec: { taints: [] } }));
    assert.equal(await controller.sync("ns/waiting", signal), undefined);
    assert.equal(await exists("forever"), true);
    assert.equal(await exists("waiting"), true);
    assert.deepEqual(events.seen, ["Pod/waiting Normal TaintManagerEviction: Cancelling deletion of Pod ns/waiting"]);
  });
});
