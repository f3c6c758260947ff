// The Deployment controller's sync against an in-memory API with hand-fed
// caches: repeated syncs before the ReplicaSet watch catches up, a hash
// collision, and a resize in the middle of a rollout.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import type { Pod } from "kubernetes-types/core/v1";
import type { KubeObject } from "../client/kube-client.ts";
import { objectKey } from "../client/object-key.ts";
import { inNamespace, resources } from "../client/resources.ts";
import { FakeApi } from "../client/testing/fake-api.ts";
import { FakeClock } from "../client/testing/fake-clock.ts";
import { DeploymentController } from "./deployment.ts";
import type { EventSink, EventType } from "./event-sink.ts";
import { computePodTemplateHash } from "./hashing.ts";
import type { ChangeHandlers, WatchedCache } from "./watched-cache.ts";

class HandFedCache<T extends KubeObject> implements WatchedCache<T> {
  private readonly objects = new Map<string, T>();
  get(key: string): T | undefined {
    return this.objects.get(key);
  }
  list(namespace?: string): T[] {
    return [...this.objects.values()].filter((o) => !namespace || o.metadata?.namespace === namespace);
  }
  subscribe(_handlers: ChangeHandlers<T>): void {}
  deliver(object: T): void {
    this.objects.set(objectKey(object), object);
  }
}

class RecordedEvents implements EventSink {
  readonly seen: string[] = [];
  record(_regarding: KubeObject, _type: EventType, reason: string, message: string): void {
    this.seen.push(`${reason}: ${message}`);
  }
}

const dApi = inNamespace(resources.deployments, "ns");
const rsApi = inNamespace(resources.replicaSets, "ns");

async function setUp(spec: Partial<Deployment["spec"]> = {}) {
  const api = new FakeApi(new FakeClock(Date.parse("2026-01-01T00:00:00Z")));
  const deployments = new HandFedCache<Deployment>();
  const replicaSets = new HandFedCache<ReplicaSet>();
  const events = new RecordedEvents();
  const controller = new DeploymentController({ client: api, deployments, replicaSets, pods: new HandFedCache<Pod>(), events });
  await api.create<Deployment>(dApi, {
    metadata: { name: "web", namespace: "ns" },
    spec: {
      replicas: 4,
      selector: { matchLabels: { app: "web" } },
      template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "i:1" }] } },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      progressDeadlineSeconds: 600,
      ...spec,
    },
  });
  const signal = new AbortController().signal;
  const refreshDeployment = async () => deployments.deliver(await api.get<Deployment>(dApi, "web"));
  await refreshDeployment();
  const sync = async () => {
    try {
      await controller.sync("ns/web", signal);
    } finally {
      await refreshDeployment();
    }
  };
  const serverSets = async () => (await api.list<ReplicaSet>(rsApi)).items;
  const catchUpSets = async () => {
    for (const rs of await serverSets()) replicaSets.deliver(rs);
  };
  return { api, deployments, replicaSets, events, sync, serverSets, catchUpSets, refreshDeployment };
}

describe("Deployment controller sync", () => {
  test("a second sync before the ReplicaSet watch catches up reuses the ReplicaSet it created", async () => {
    const { sync, serverSets, events, api } = await setUp();
    await sync();
    await sync();
    const sets = await serverSets();
    assert.equal(sets.length, 1);
    assert.equal(sets[0]!.spec?.replicas, 4);
    assert.deepEqual(events.seen, [`ScalingReplicaSet: Scaled up replica set ${sets[0]!.metadata?.name} to 4`]);
    const d = await api.get<Deployment>(dApi, "web");
    assert.equal(d.metadata?.annotations?.["deployment.kubernetes.io/revision"], "1");
    assert.equal(d.status?.conditions?.find((c) => c.type === "Progressing")?.reason, "NewReplicaSetCreated");
  });

  test("a foreign ReplicaSet holding the hashed name raises collisionCount and the next hash differs", async () => {
    const { sync, serverSets, api, deployments } = await setUp();
    const d = deployments.get("ns/web")!;
    const taken = `web-${computePodTemplateHash(d.spec!.template)}`;
    await api.create<ReplicaSet>(rsApi, { metadata: { name: taken, namespace: "ns", labels: { other: "x" } }, spec: { replicas: 0, selector: { matchLabels: { other: "x" } }, template: { metadata: { labels: { other: "x" } } } } });
    await assert.rejects(sync(), /already exists/);
    assert.equal((await api.get<Deployment>(dApi, "web")).status?.collisionCount, 1);
    await sync();
    const mine = (await serverSets()).filter((rs) => rs.metadata?.name !== taken);
    assert.equal(mine.length, 1);
    assert.equal(mine[0]!.metadata?.name, `web-${computePodTemplateHash(d.spec!.template, 1)}`);
  });

  test("scaling mid-rollout spreads the change over both ReplicaSets", async () => {
    const { sync, serverSets, catchUpSets, api, events, refreshDeployment } = await setUp();
    await sync();
    await catchUpSets();
    // The first ReplicaSet becomes fully available.
    const [first] = await serverSets();
    await api.updateStatus<ReplicaSet>(rsApi, { ...first!, status: { replicas: 4, readyReplicas: 4, availableReplicas: 4, observedGeneration: 1 } });
    await catchUpSets();
    const d = await api.get<Deployment>(dApi, "web");
    await api.update<Deployment>(dApi, { ...d, spec: { ...d.spec!, template: { ...d.spec!.template, spec: { containers: [{ name: "c", image: "i:2" }] } } } });
    await refreshDeployment();
    await sync();
    await catchUpSets();
    assert.deepEqual((await serverSets()).map((rs) => rs.spec?.replicas).sort(), [1, 4]);

    const current = await api.get<Deployment>(dApi, "web");
    await api.update<Deployment>(dApi, { ...current, spec: { ...current.spec!, replicas: 8 } });
    await refreshDeployment();
    events.seen.length = 0;
    await sync();
    // 5 pods wanted 4 replicas + 1 surge; now 8 + 1 = 9: old 4 → round(4*9/5)=7, new 1 → round(1*9/5)=2.
    assert.deepEqual((await serverSets()).map((rs) => [rs.metadata?.name === first!.metadata?.name ? "old" : "new", rs.spec?.replicas]).sort(), [
      ["new", 2],
      ["old", 7],
    ]);
    assert.ok(events.seen.every((e) => e.startsWith("ScalingReplicaSet: Scaled up")), events.seen.join("\n"));
  });
});
