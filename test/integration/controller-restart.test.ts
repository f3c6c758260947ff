// A controller manager stopped in the middle of a Deployment rollout and a
// new one started in its place (fresh caches, fresh expectations) must finish
// the rollout without ever running more pods than replicas + maxSurge: the
// second manager learns everything from the API, nothing from the first.
// The server runs no controllers; both managers run in this process, and a
// simulated node actor binds pods and marks them ready.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import type { Pod } from "kubernetes-types/core/v1";
import { inNamespace, resources } from "../../src/client/resources.ts";
import { RestClient } from "../../src/client/rest-client.ts";
import { startControllerManager } from "../../src/controllers/manager.ts";
import { startServer, type TestServer } from "../support/server.ts";
import { runSimulatedNodeActor } from "../support/simulated-node-actor.ts";
import { eventually } from "../support/eventually.ts";

const namespace = "default";
const deploymentsApi = inNamespace(resources.deployments, namespace);
const replicaSetsApi = inNamespace(resources.replicaSets, namespace);
const podsApi = inNamespace(resources.pods, namespace);
const replicas = 5;
const maxSurge = 1;
const election = { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 300 };

let server: TestServer;
let client: RestClient;
const stop = new AbortController();
const running: Promise<unknown>[] = [];

before(async () => {
  server = await startServer(["--disable-controller-manager", "--disable-scheduler"]);
  client = await RestClient.fromKubeconfig(server.kubeconfig);
  running.push(runSimulatedNodeActor(client, stop.signal, { readyDelayMs: 300 }));
});

after(async () => {
  stop.abort();
  await Promise.all(running);
  client.close();
  await server.stop();
});

/** Starts a manager under its own signal; resolves once it leads and its caches are filled, with the promise of its end. */
async function startManager(identity: string, signal: AbortSignal): Promise<{ stopped: Promise<void> }> {
  let ready: () => void = () => {};
  const leading = new Promise<void>((resolve) => (ready = resolve));
  const stopped = startControllerManager(client, signal, { onReady: ready, leaderElection: { identity, ...election } });
  await Promise.race([leading, stopped]);
  return { stopped };
}

/** Follows every pod event and remembers the most pods that were active (not terminating) at once. */
function followPods(signal: AbortSignal, resourceVersion: string) {
  const active = new Set<string>();
  const seen = { maxActive: 0, firstNewPod: undefined as (() => void) | undefined, events: 0 };
  const done = (async () => {
    for await (const event of client.watch<Pod>(podsApi, { resourceVersion, signal })) {
      const name = event.object.metadata?.name ?? "";
      seen.events++;
      if (event.type === "DELETED" || event.object.metadata?.deletionTimestamp) active.delete(name);
      else if (event.type === "ADDED" || event.type === "MODIFIED") active.add(name);
      seen.maxActive = Math.max(seen.maxActive, active.size);
      if (event.type === "ADDED" && event.object.spec?.containers[0]?.image === "localhost:5000/web:v2") seen.firstNewPod?.();
    }
  })();
  return { seen, done };
}

test("a manager stopped mid-rollout is replaced and the rollout completes without extra pods", async () => {
  const watchStop = new AbortController();
  const initial = await client.list<Pod>(podsApi);
  const pods = followPods(watchStop.signal, initial.metadata.resourceVersion ?? "");

  const firstStop = new AbortController();
  const first = await startManager("manager-one", firstStop.signal);
  await client.create<Deployment>(deploymentsApi, {
    metadata: { name: "web" },
    spec: {
      replicas,
      selector: { matchLabels: { app: "web" } },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge, maxUnavailable: 0 } },
      template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "localhost:5000/web:v1" }] } },
    },
  });
  await eventually("5 available", async () => ((await client.get<Deployment>(deploymentsApi, "web")).status?.availableReplicas === replicas ? true : undefined));

  const newPodCreated = new Promise<void>((resolve) => (pods.seen.firstNewPod = resolve));
  await client.patch<Deployment>(deploymentsApi, "web", "strategic", { spec: { template: { spec: { containers: [{ name: "web", image: "localhost:5000/web:v2" }] } } } });
  await newPodCreated;
  firstStop.abort();
  await first.stopped;
  const readyNewPods = (await client.list<Pod>(podsApi)).items.filter((p) => p.spec?.containers[0]?.image === "localhost:5000/web:v2" && p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"));
  assert.ok(readyNewPods.length < replicas, "the first manager was stopped before the rollout finished");
  await new Promise((resolve) => setTimeout(resolve, 500));

  const secondStop = new AbortController();
  const second = await startManager("manager-two", secondStop.signal);
  try {
    const done = await eventually("rollout complete", async () => {
      const d = await client.get<Deployment>(deploymentsApi, "web");
      const s = d.status;
      const complete = s?.observedGeneration === d.metadata?.generation && s?.updatedReplicas === replicas && s?.replicas === replicas && s?.availableReplicas === replicas && s?.readyReplicas === replicas;
      return complete ? d : undefined;
    });
    assert.equal(done.status?.conditions?.find((c) => c.type === "Progressing")?.reason, "NewReplicaSetAvailable");
    const sets = (await client.list<ReplicaSet>(replicaSetsApi)).items;
    const isNew = (rs: ReplicaSet) => rs.spec?.template?.spec?.containers[0]?.image === "localhost:5000/web:v2";
    const newSets = sets.filter(isNew);
    const oldSets = sets.filter((rs) => !isNew(rs));
    assert.equal(newSets.length, 1);
    assert.equal(newSets[0]?.status?.readyReplicas, replicas);
    assert.equal(oldSets.length, 1);
    assert.equal(oldSets[0]?.spec?.replicas, 0);
    await eventually("old set empty", async () => ((await client.get<ReplicaSet>(replicaSetsApi, oldSets[0]?.metadata?.name ?? "")).status?.replicas === 0 ? true : undefined));
    const remaining = (await client.list<Pod>(podsApi)).items.filter((p) => !p.metadata?.deletionTimestamp);
    assert.equal(remaining.length, replicas);
    assert.ok(remaining.every((p) => p.spec?.containers[0]?.image === "localhost:5000/web:v2"));
  } finally {
    secondStop.abort();
    await second.stopped;
    watchStop.abort();
    await pods.done;
  }
  assert.ok(pods.seen.events > 0);
  assert.ok(pods.seen.maxActive <= replicas + maxSurge, `at one point ${pods.seen.maxActive} pods were active (limit ${replicas + maxSurge})`);
});
