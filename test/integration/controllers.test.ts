// The ReplicaSet and Deployment controllers against a real `skiff server`,
// running in this process, with a simulated node actor binding pods and
// marking them ready (there is no scheduler or kubelet in this test).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import type { Event, Pod } from "kubernetes-types/core/v1";
import { inNamespace, resources } from "../../src/client/resources.ts";
import { RestClient } from "../../src/client/rest-client.ts";
import { startControllerManager } from "../../src/controllers/manager.ts";
import { startServer, type TestServer } from "../support/server.ts";
import { runSimulatedNodeActor } from "../support/simulated-node-actor.ts";

const namespace = "default";
const deploymentsApi = inNamespace(resources.deployments, namespace);
const replicaSetsApi = inNamespace(resources.replicaSets, namespace);
const podsApi = inNamespace(resources.pods, namespace);
const eventsApi = inNamespace(resources.events, namespace);

let server: TestServer;
let client: RestClient;
const stop = new AbortController();
let running: Promise<unknown>;

before(async () => {
  server = await startServer();
  client = await RestClient.fromKubeconfig(server.kubeconfig);
  let ready: () => void = () => {};
  const managerReady = new Promise<void>((resolve) => (ready = resolve));
  running = Promise.all([startControllerManager(client, stop.signal, { onReady: ready }), runSimulatedNodeActor(client, stop.signal, { readyDelayMs: 300 })]);
  await managerReady;
});

after(async () => {
  stop.abort();
  await running;
  client.close();
  await server.stop();
});

/** Polls until check answers a value (bounded); fails with the last observation. */
async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (let attempt = 0; Date.now() < deadline && attempt < 10_000; attempt++) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}${last === undefined ? "" : `: ${String(last)}`}`);
}

function deployment(name: string, replicas: number, image: string, extra: Partial<Deployment["spec"]> = {}): Deployment {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "main", image }] } },
      ...extra,
    },
  };
}

async function podsOf(label: string): Promise<Pod[]> {
  const list = await client.list<Pod>(podsApi, { labelSelector: `app=${label}` });
  return list.items.filter((pod) => pod.metadata?.deletionTimestamp == null);
}

async function replicaSetsOf(label: string): Promise<ReplicaSet[]> {
  return (await client.list<ReplicaSet>(replicaSetsApi, { labelSelector: `app=${label}` })).items;
}

async function rolledOut(name: string): Promise<Deployment | undefined> {
  const d = await client.get<Deployment>(deploymentsApi, name);
  const s = d.status ?? {};
  const replicas = d.spec?.replicas ?? 1;
  const done = (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0) && s.updatedReplicas === replicas && s.replicas === replicas && s.availableReplicas === replicas;
  return done ? d : undefined;
}

describe("Deployment → ReplicaSet → pods", () => {
  test("names, labels, owner references and status", async () => {
    await client.create(deploymentsApi, deployment("web", 2, "localhost:5000/web:1"));
    const d = await eventually("web rolled out", () => rolledOut("web"));
    const [rs, ...others] = await replicaSetsOf("web");
    assert.equal(others.length, 0);
    const hash = rs!.metadata?.labels?.["pod-template-hash"];
    assert.match(hash ?? "", /^[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.equal(rs!.metadata?.name, `web-${hash}`);
    assert.deepEqual(rs!.spec?.selector.matchLabels, { app: "web", "pod-template-hash": hash });
    assert.equal(rs!.metadata?.annotations?.["deployment.kubernetes.io/revision"], "1");
    assert.equal(rs!.metadata?.annotations?.["deployment.kubernetes.io/desired-replicas"], "2");
    assert.equal(rs!.metadata?.annotations?.["deployment.kubernetes.io/max-replicas"], "3");
    assert.deepEqual(rs!.metadata?.ownerReferences, [{ apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: d.metadata?.uid, controller: true, blockOwnerDeletion: true }]);
    assert.equal(d.metadata?.annotations?.["deployment.kubernetes.io/revision"], "1");

    const pods = await podsOf("web");
    assert.equal(pods.length, 2);
    for (const pod of pods) {
      assert.match(pod.metadata?.name ?? "", new RegExp(`^web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      assert.equal(pod.metadata?.labels?.["pod-template-hash"], hash);
      assert.deepEqual(pod.metadata?.ownerReferences, [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: rs!.metadata?.name, uid: rs!.metadata?.uid, controller: true, blockOwnerDeletion: true }]);
    }
    const rsStatus = (await client.get<ReplicaSet>(replicaSetsApi, rs!.metadata!.name!)).status;
    assert.deepEqual(
      { replicas: rsStatus?.replicas, fullyLabeledReplicas: rsStatus?.fullyLabeledReplicas, readyReplicas: rsStatus?.readyReplicas, availableReplicas: rsStatus?.availableReplicas, observedGeneration: rsStatus?.observedGeneration },
      { replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 2, observedGeneration: 1 },
    );
    const conditions = Object.fromEntries((d.status?.conditions ?? []).map((c) => [c.type, c.reason]));
    assert.deepEqual(conditions, { Available: "MinimumReplicasAvailable", Progressing: "NewReplicaSetAvailable" });

    const events = (await client.list<Event>(eventsApi)).items;
    const created = events.filter((e) => e.involvedObject.name === rs!.metadata?.name && e.reason === "SuccessfulCreate").map((e) => e.message);
    assert.deepEqual(created.sort(), pods.map((p) => `Created pod: ${p.metadata?.name}`).sort());
    const scaled = events.filter((e) => e.involvedObject.kind === "Deployment" && e.involvedObject.name === "web").map((e) => `${e.reason}: ${e.message}`);
    assert.deepEqual(scaled, [`ScalingReplicaSet: Scaled up replica set web-${hash} to 2`]);
  });

  test("a deleted pod is replaced", async () => {
    const [victim] = await podsOf("web");
    await client.delete(podsApi, victim!.metadata!.name!);
    await eventually("a replacement pod", async () => {
      const pods = await podsOf("web");
      return pods.length === 2 && pods.every((p) => p.metadata?.name !== victim!.metadata?.name) ? pods : undefined;
    });
  });

  test("scale 1 → 3 → 2", async () => {
    for (const replicas of [1, 3, 2]) {
      await client.patch(deploymentsApi, "web", "merge", { spec: { replicas } });
      await eventually(`web at ${replicas}`, async () => ((await rolledOut("web")) && (await podsOf("web")).length === replicas ? true : undefined));
    }
  });
});
