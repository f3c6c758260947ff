// The ReplicaSet and Deployment controllers against a real `skiff server`,
// running in this process, with a simulated node actor binding pods and
// marking them ready (there is no scheduler or kubelet in this test).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import type { Lease } from "kubernetes-types/coordination/v1";
import type { Event, Pod, ReplicationController } from "kubernetes-types/core/v1";
import { inNamespace, resources } from "../../src/client/resources.ts";
import { RestClient } from "../../src/client/rest-client.ts";
import { leaseName, leaseNamespace, startControllerManager } from "../../src/controllers/manager.ts";
import { startServer, type TestServer } from "../support/server.ts";
import { neverReadyLabel, runSimulatedNodeActor } from "../support/simulated-node-actor.ts";
import { eventually } from "../support/eventually.ts";

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
  // This test runs its own controller manager; the server must not run another.
  server = await startServer(["--disable-controller-manager"]);
  client = await RestClient.fromKubeconfig(server.kubeconfig);
  let ready: () => void = () => {};
  const managerReady = new Promise<void>((resolve) => (ready = resolve));
  running = Promise.all([startControllerManager(client, stop.signal, { onReady: ready, leaderElection: { identity: "manager-one" } }), runSimulatedNodeActor(client, stop.signal, { readyDelayMs: 300 })]);
  await managerReady;
});

after(async () => {
  stop.abort();
  await running;
  client.close();
  await server.stop();
});

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

/** Events in the order they were written. */
async function eventsInOrder(): Promise<Event[]> {
  const events = (await client.list<Event>(eventsApi)).items;
  return events.sort((a, b) => Number(a.metadata?.resourceVersion) - Number(b.metadata?.resourceVersion));
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

    const events = await eventsInOrder();
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

describe("rolling update", () => {
  const replicas = 3;
  const strategy = { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };

  test("ReplicaSet sizes stay within maxSurge/maxUnavailable at every watch event, with upstream's event sequence", async () => {
    await client.create(deploymentsApi, deployment("roll", replicas, "localhost:5000/roll:1", { strategy }));
    await eventually("roll rolled out", () => rolledOut("roll"));
    const [first] = await replicaSetsOf("roll");

    const listed = await client.list<ReplicaSet>(replicaSetsApi, { labelSelector: "app=roll" });
    const sets = new Map(listed.items.map((rs) => [rs.metadata!.name!, rs]));
    const watching = new AbortController();
    const violations: string[] = [];
    const watched = (async () => {
      for await (const event of client.watch<ReplicaSet>(replicaSetsApi, { labelSelector: "app=roll", resourceVersion: listed.metadata.resourceVersion!, signal: watching.signal })) {
        if (event.type === "DELETED") sets.delete(event.object.metadata!.name!);
        else if (event.type !== "BOOKMARK") sets.set(event.object.metadata!.name!, event.object);
        const all = [...sets.values()];
        const total = all.reduce((sum, rs) => sum + (rs.spec?.replicas ?? 0), 0);
        const available = all.reduce((sum, rs) => sum + Math.min(rs.spec?.replicas ?? 0, rs.status?.availableReplicas ?? 0), 0);
        if (total > replicas + 1) violations.push(`${total} replicas wanted at ${event.object.metadata?.resourceVersion}`);
        if (available < replicas) violations.push(`only ${available} available at ${event.object.metadata?.resourceVersion}`);
      }
    })().catch((error: unknown) => {
      if (!watching.signal.aborted) throw error;
    });

    const rolloutStatus = server.kubectl(["rollout", "status", "deployment/roll", "--timeout=60s"]);
    await client.patch(deploymentsApi, "roll", "strategic", { spec: { template: { spec: { containers: [{ name: "main", image: "localhost:5000/roll:2" }] } } } });
    const status = await rolloutStatus;
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /deployment "roll" successfully rolled out/);
    await eventually("roll rolled out", () => rolledOut("roll"));
    await eventually("old ReplicaSet emptied", async () => ((await replicaSetsOf("roll")).every((rs) => rs.metadata?.name !== first!.metadata?.name || rs.status?.replicas === 0) ? true : undefined));
    watching.abort();
    await watched;
    assert.deepEqual(violations, []);

    const second = (await replicaSetsOf("roll")).find((rs) => rs.metadata?.name !== first!.metadata?.name)!;
    const [oldName, newName] = [first!.metadata!.name!, second.metadata!.name!];
    assert.equal(second.metadata?.annotations?.["deployment.kubernetes.io/revision"], "2");
    const events = (await eventsInOrder())
      .filter((e) => e.involvedObject.kind === "Deployment" && e.involvedObject.name === "roll")
      .map((e) => e.message);
    assert.deepEqual(events, [
      `Scaled up replica set ${oldName} to 3`,
      `Scaled up replica set ${newName} to 1`,
      `Scaled down replica set ${oldName} to 2 from 3`,
      `Scaled up replica set ${newName} to 2 from 1`,
      `Scaled down replica set ${oldName} to 1 from 2`,
      `Scaled up replica set ${newName} to 3 from 2`,
      `Scaled down replica set ${oldName} to 0 from 1`,
    ]);
  });

  test("kubectl rollout history and undo bring the first template back as revision 3", async () => {
    const undo = await server.kubectl(["rollout", "undo", "deployment/roll"]);
    assert.equal(undo.code, 0, undo.stderr);
    await eventually("undo rolled out", async () => {
      const d = await rolledOut("roll");
      return d?.spec?.template.spec?.containers[0]?.image === "localhost:5000/roll:1" ? d : undefined;
    });
    const sets = await replicaSetsOf("roll");
    assert.equal(sets.length, 2, `the old ReplicaSet is reused, not recreated: ${JSON.stringify(sets.map((rs) => [rs.metadata?.name, rs.metadata?.annotations, rs.spec?.template]), null, 1)}`);
    const current = sets.find((rs) => rs.spec?.template?.spec?.containers[0]?.image === "localhost:5000/roll:1")!;
    assert.equal(current.metadata?.annotations?.["deployment.kubernetes.io/revision"], "3");
    assert.equal(current.metadata?.annotations?.["deployment.kubernetes.io/revision-history"], "1");
    assert.equal(current.spec?.replicas, 3);
    const history = await server.kubectl(["rollout", "history", "deployment/roll"]);
    assert.equal(history.code, 0, history.stderr);
    assert.deepEqual(
      history.stdout.split("\n").filter((line) => /^\d+\s/.test(line)).map((line) => line.split(/\s+/)[0]),
      ["2", "3"],
    );
  });

  test("kubectl rollout pause holds a template change; resume rolls it out; restart makes a new revision", async () => {
    assert.equal((await server.kubectl(["rollout", "pause", "deployment/roll"])).code, 0);
    await eventually("paused condition", async () => {
      const d = await client.get<Deployment>(deploymentsApi, "roll");
      return d.status?.conditions?.find((c) => c.type === "Progressing")?.reason === "DeploymentPaused" ? d : undefined;
    });
    assert.equal((await server.kubectl(["set", "image", "deployment/roll", "main=localhost:5000/roll:3"])).code, 0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal((await replicaSetsOf("roll")).length, 2, "no new ReplicaSet while paused");
    assert.equal((await server.kubectl(["rollout", "resume", "deployment/roll"])).code, 0);
    const resumed = await server.kubectl(["rollout", "status", "deployment/roll", "--timeout=60s"]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal((await replicaSetsOf("roll")).length, 3);

    assert.equal((await server.kubectl(["rollout", "restart", "deployment/roll"])).code, 0);
    const restarted = await server.kubectl(["rollout", "status", "deployment/roll", "--timeout=60s"]);
    assert.equal(restarted.code, 0, restarted.stderr);
    const sets = await replicaSetsOf("roll");
    assert.equal(sets.length, 4);
    assert.equal(sets.filter((rs) => (rs.spec?.replicas ?? 0) > 0).length, 1);
  });
});

describe("Recreate and clean-up", () => {
  test("old pods go before new ones start; revisionHistoryLimit removes old empty ReplicaSets", async () => {
    await client.create(deploymentsApi, deployment("rec", 2, "localhost:5000/rec:1", { strategy: { type: "Recreate" }, revisionHistoryLimit: 1 }));
    await eventually("rec rolled out", () => rolledOut("rec"));
    for (const version of [2, 3]) {
      await client.patch(deploymentsApi, "rec", "strategic", { spec: { template: { spec: { containers: [{ name: "main", image: `localhost:5000/rec:${version}` }] } } } });
      await eventually(`rec:${version} rolled out`, async () => {
        const d = await rolledOut("rec");
        return d?.spec?.template.spec?.containers[0]?.image === `localhost:5000/rec:${version}` ? d : undefined;
      });
    }
    const sets = await eventually("history trimmed to one old ReplicaSet", async () => {
      const found = await replicaSetsOf("rec");
      return found.length === 2 ? found : undefined;
    });
    assert.deepEqual(sets.map((rs) => rs.metadata?.annotations?.["deployment.kubernetes.io/revision"]).sort(), ["2", "3"]);
    const messages = (await eventsInOrder()).filter((e) => e.involvedObject.name === "rec" && e.involvedObject.kind === "Deployment").map((e) => e.message ?? "");
    // Every scale-up of a new revision comes after the scale-down of the one before it.
    const order = messages.map((m) => (m.startsWith("Scaled down") ? "down" : "up"));
    assert.deepEqual(order, ["up", "down", "up", "down", "up"]);
  });
});

describe("availability and progress", () => {
  test("minReadySeconds delays availableReplicas after readiness", async () => {
    await client.create(deploymentsApi, deployment("slow", 1, "localhost:5000/slow:1", { minReadySeconds: 3 }));
    const readyNotAvailable = await eventually("ready but not yet available", async () => {
      const d = await client.get<Deployment>(deploymentsApi, "slow");
      return d.status?.readyReplicas === 1 ? d : undefined;
    });
    assert.equal(readyNotAvailable.status?.availableReplicas ?? 0, 0);
    assert.equal(readyNotAvailable.status?.conditions?.find((c) => c.type === "Available")?.reason, "MinimumReplicasUnavailable");
    const available = await eventually("available after minReadySeconds", () => rolledOut("slow"));
    assert.equal(available.status?.conditions?.find((c) => c.type === "Available")?.reason, "MinimumReplicasAvailable");
  });

  test("a rollout that makes no progress reports ProgressDeadlineExceeded and kubectl rollout status fails", async () => {
    const stuck = deployment("stuck", 1, "localhost:5000/stuck:1", { progressDeadlineSeconds: 2 });
    stuck.spec!.template.metadata!.labels![neverReadyLabel] = "true";
    await client.create(deploymentsApi, stuck);
    const d = await eventually("deadline exceeded", async () => {
      const current = await client.get<Deployment>(deploymentsApi, "stuck");
      return current.status?.conditions?.find((c) => c.type === "Progressing")?.reason === "ProgressDeadlineExceeded" ? current : undefined;
    });
    const progressing = d.status?.conditions?.find((c) => c.type === "Progressing");
    assert.equal(progressing?.status, "False");
    assert.match(progressing?.message ?? "", /^ReplicaSet "stuck-[a-z0-9]+" has timed out progressing\.$/);
    const status = await server.kubectl(["rollout", "status", "deployment/stuck", "--timeout=20s"]);
    assert.notEqual(status.code, 0);
    assert.match(status.stderr, /exceeded its progress deadline/);
  });
});

describe("ReplicationController", () => {
  test("keeps its replicas with owned pods and reports status", async () => {
    const rcApi = inNamespace(resources.replicationControllers, namespace);
    await client.create(rcApi, {
      apiVersion: "v1",
      kind: "ReplicationController",
      metadata: { name: "legacy", namespace },
      spec: { replicas: 2, selector: { app: "legacy" }, template: { metadata: { labels: { app: "legacy" } }, spec: { containers: [{ name: "main", image: "localhost:5000/legacy:1" }] } } },
    });
    const rc = await eventually("legacy ready", async () => {
      const current = await client.get<ReplicationController>(rcApi, "legacy");
      return current.status?.readyReplicas === 2 && current.status.availableReplicas === 2 ? current : undefined;
    });
    const pods = await podsOf("legacy");
    assert.equal(pods.length, 2);
    for (const pod of pods) {
      assert.match(pod.metadata?.name ?? "", /^legacy-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      assert.deepEqual(pod.metadata?.ownerReferences, [{ apiVersion: "v1", kind: "ReplicationController", name: "legacy", uid: rc.metadata?.uid, controller: true, blockOwnerDeletion: true }]);
    }
    const scale = await server.kubectl(["scale", "rc/legacy", "--replicas=1"]);
    assert.equal(scale.code, 0, scale.stderr);
    await eventually("legacy at 1", async () => ((await podsOf("legacy")).length === 1 ? true : undefined));
  });
});

describe("leader election", () => {
  test("the running manager holds the Lease; a second manager waits as a standby", async () => {
    const lease = await client.get<Lease>(inNamespace(resources.leases, leaseNamespace), leaseName);
    assert.equal(lease.spec?.holderIdentity, "manager-one");
    const standbyStop = new AbortController();
    let standbyLed = false;
    const standby = startControllerManager(client, standbyStop.signal, {
      onReady: () => (standbyLed = true),
      leaderElection: { identity: "manager-two", leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 500 },
    });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    standbyStop.abort();
    await standby;
    assert.equal(standbyLed, false);
    assert.equal((await client.get<Lease>(inNamespace(resources.leases, leaseNamespace), leaseName)).spec?.holderIdentity, "manager-one");
  });
});
