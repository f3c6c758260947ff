// The DaemonSet and StatefulSet controllers against a real `skiff server`,
// with this process's controller manager and a simulated node actor that
// registers three Nodes, binds pods and marks them ready (no scheduler or
// kubelet runs here). kubectl checks what a user would see.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ControllerRevision, DaemonSet, StatefulSet } from "kubernetes-types/apps/v1";
import type { Event, Node, PersistentVolumeClaim, Pod } from "kubernetes-types/core/v1";
import type { KubeObject, ResourceRef } from "../../src/client/kube-client.ts";
import { inNamespace, resources } from "../../src/client/resources.ts";
import { RestClient } from "../../src/client/rest-client.ts";
import { startControllerManager } from "../../src/controllers/manager.ts";
import { startServer, type TestServer } from "../support/server.ts";
import { runSimulatedNodeActor } from "../support/simulated-node-actor.ts";
import { eventually } from "../support/eventually.ts";

const namespace = "default";
const nodes = ["node-a", "node-b", "node-c"];
const daemonSetsApi = inNamespace(resources.daemonSets, namespace);
const statefulSetsApi = inNamespace(resources.statefulSets, namespace);
const podsApi = inNamespace(resources.pods, namespace);
const claimsApi = inNamespace(resources.persistentVolumeClaims, namespace);
const revisionsApi = inNamespace(resources.controllerRevisions, namespace);
const eventsApi = inNamespace(resources.events, namespace);

let server: TestServer;
let client: RestClient;
const stop = new AbortController();
let running: Promise<unknown>;

before(async () => {
  server = await startServer(["--disable-controller-manager"]);
  client = await RestClient.fromKubeconfig(server.kubeconfig);
  let ready: () => void = () => {};
  const managerReady = new Promise<void>((resolve) => (ready = resolve));
  const nodeLabels = Object.fromEntries(nodes.map((node) => [node, { daemon: "yes" }]));
  running = Promise.all([
    startControllerManager(client, stop.signal, { onReady: ready, leaderElection: false }),
    runSimulatedNodeActor(client, stop.signal, { nodes, nodeLabels, readyDelayMs: 200 }),
  ]);
  await managerReady;
});

after(async () => {
  stop.abort();
  await running;
  client.close();
  await server.stop();
});

async function livePods(selector: string): Promise<Pod[]> {
  const pods = (await client.list<Pod>(podsApi, { labelSelector: selector })).items;
  return pods.filter((pod) => pod.metadata?.deletionTimestamp == null);
}

const isReady = (pod: Pod) => pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;

async function eventMessages(kind: string, name: string): Promise<string[]> {
  const events = (await client.list<Event>(eventsApi)).items.filter((e) => e.involvedObject.kind === kind && e.involvedObject.name === name);
  return events.sort((a, b) => Number(a.metadata?.resourceVersion) - Number(b.metadata?.resourceVersion)).map((e) => `${e.reason}: ${e.message}`);
}

/** A settled controller stops writing: the object's resourceVersion holds still. */
async function assertSettled(api: ResourceRef, name: string): Promise<void> {
  const first = (await client.get<KubeObject>(api, name)).metadata?.resourceVersion;
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  assert.equal((await client.get<KubeObject>(api, name)).metadata?.resourceVersion, first, `${name} keeps being written`);
}

describe("DaemonSet", () => {
  const daemonSet: DaemonSet = {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: "agent", namespace },
    spec: {
      selector: { matchLabels: { app: "agent" } },
      template: { metadata: { labels: { app: "agent" } }, spec: { nodeSelector: { daemon: "yes" }, containers: [{ name: "main", image: "agent:1" }] } },
    },
  };

  test("runs exactly one pod per node, bound to that node, and reports it", async () => {
    await client.create(daemonSetsApi, daemonSet);
    const pods = await eventually("one ready pod per node", async () => {
      const list = await livePods("app=agent");
      return list.length === 3 && list.every(isReady) ? list : undefined;
    });
    assert.deepEqual(pods.map((pod) => pod.spec?.nodeName).sort(), nodes);
    for (const pod of pods) {
      assert.match(pod.metadata?.name ?? "", /^agent-[a-z0-9]{5}$/);
      const pinned = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
      assert.deepEqual(pinned, [{ matchFields: [{ key: "metadata.name", operator: "In", values: [pod.spec?.nodeName ?? ""] }] }]);
      assert.ok(pod.metadata?.labels?.["controller-revision-hash"]);
      assert.equal(pod.metadata?.ownerReferences?.[0]?.kind, "DaemonSet");
      assert.ok(pod.spec?.tolerations?.some((t) => t.key === "node.kubernetes.io/unreachable" && t.effect === "NoExecute"));
    }
    const ds = await eventually("status counts", async () => {
      const current = await client.get<DaemonSet>(daemonSetsApi, "agent");
      return current.status?.numberAvailable === 3 && current.status.updatedNumberScheduled === 3 ? current : undefined;
    });
    assert.equal(ds.status?.desiredNumberScheduled, 3);
    assert.equal(ds.status?.currentNumberScheduled, 3);
    assert.equal(ds.status?.numberReady, 3);
    assert.equal(ds.status?.numberMisscheduled, 0);
    assert.equal(ds.status?.observedGeneration, ds.metadata?.generation);
    await assertSettled(daemonSetsApi, "agent");
    const table = await server.kubectl(["get", "ds", "agent", "--no-headers"]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^agent\s+3\s+3\s+3\s+3\s+3\s+daemon=yes\s/);
    const events = await eventMessages("DaemonSet", "agent");
    assert.equal(events.filter((e) => /^SuccessfulCreate: Created pod: agent-/.test(e)).length, 3);
  });

  test("a node labelled out loses its pod", async () => {
    await client.patch<Node>(resources.nodes, "node-c", "merge", { metadata: { labels: { daemon: "no" } } });
    await eventually("pod gone from node-c", async () => {
      const list = await livePods("app=agent");
      return list.length === 2 && list.every((pod) => pod.spec?.nodeName !== "node-c") ? true : undefined;
    });
    await eventually("desired 2", async () => ((await client.get<DaemonSet>(daemonSetsApi, "agent")).status?.desiredNumberScheduled === 2 ? true : undefined));
    assert.ok((await eventMessages("DaemonSet", "agent")).some((e) => /^SuccessfulDelete: Deleted pod: agent-/.test(e)));
    await client.patch<Node>(resources.nodes, "node-c", "merge", { metadata: { labels: { daemon: "yes" } } });
    await eventually("pod back on node-c", async () => ((await livePods("app=agent")).some((pod) => pod.spec?.nodeName === "node-c") ? true : undefined));
  });

  test("an image update rolls out; history and undo work", async () => {
    const patched = await server.kubectl(["set", "image", "ds/agent", "main=agent:2"]);
    assert.equal(patched.code, 0, patched.stderr);
    const status = await server.kubectl(["rollout", "status", "ds/agent", "--timeout=30s"]);
    assert.equal(status.code, 0, status.stdout + status.stderr);
    assert.match(status.stdout, /successfully rolled out/);
    const pods = await livePods("app=agent");
    assert.equal(pods.length, 3);
    assert.ok(pods.every((pod) => pod.spec?.containers[0]?.image === "agent:2"));
    const revisions = (await client.list<ControllerRevision>(revisionsApi, { labelSelector: "app=agent" })).items;
    assert.deepEqual(revisions.map((r) => r.revision).sort(), [1, 2]);
    assert.ok(revisions.every((r) => r.metadata?.name === `agent-${r.metadata?.labels?.["controller-revision-hash"]}`));
    const history = await server.kubectl(["rollout", "history", "ds/agent"]);
    assert.equal(history.code, 0, history.stderr);
    assert.match(history.stdout, /^1\s/m);
    assert.match(history.stdout, /^2\s/m);
    const undo = await server.kubectl(["rollout", "undo", "ds/agent"]);
    assert.equal(undo.code, 0, undo.stderr);
    const back = await server.kubectl(["rollout", "status", "ds/agent", "--timeout=30s"]);
    assert.equal(back.code, 0, back.stdout + back.stderr);
    const after = await livePods("app=agent");
    assert.ok(after.length === 3 && after.every((pod) => pod.spec?.containers[0]?.image === "agent:1"));
  });
});

describe("StatefulSet", () => {
  const statefulSet: StatefulSet = {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: "web", namespace },
    spec: {
      replicas: 3,
      serviceName: "web",
      selector: { matchLabels: { app: "web" } },
      template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "main", image: "web:1", volumeMounts: [{ name: "data", mountPath: "/data" }] }] } },
      volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } }],
    },
  };

  /** Pod watch events of the set's pods, in order, as "<type> <name> <ready>". */
  function watchPods(signal: AbortSignal): { seen: string[]; done: Promise<void> } {
    const seen: string[] = [];
    const done = (async () => {
      try {
        for await (const event of client.watch<Pod>(podsApi, { labelSelector: "app=web", signal })) {
          if (event.type === "BOOKMARK") continue;
          const pod = event.object;
          const state = pod.metadata?.deletionTimestamp != null ? "deleting" : isReady(pod) ? "ready" : "unready";
          seen.push(`${event.type} ${pod.metadata?.name ?? ""} ${state}`);
        }
      } catch (error) {
        if (!signal.aborted) throw error;
      }
    })();
    return { seen, done };
  }

  const firstIndex = (seen: readonly string[], pattern: RegExp) => seen.findIndex((line) => pattern.test(line));
  const lastIndex = (seen: readonly string[], pattern: RegExp) => seen.reduce((found, line, index) => (pattern.test(line) ? index : found), -1);

  test("OrderedReady creates web-0, web-1, web-2 in order, each after its predecessor is ready, with claims", async () => {
    const stopWatch = new AbortController();
    const watch = watchPods(stopWatch.signal);
    await client.create(statefulSetsApi, statefulSet);
    const pods = await eventually("three ready members", async () => {
      const list = await livePods("app=web");
      return list.length === 3 && list.every(isReady) ? list : undefined;
    });
    stopWatch.abort();
    await watch.done;
    assert.deepEqual(pods.map((pod) => pod.metadata?.name).sort(), ["web-0", "web-1", "web-2"]);
    for (const ordinal of [1, 2]) {
      const added = firstIndex(watch.seen, new RegExp(`^ADDED web-${ordinal} `));
      const predecessorReady = firstIndex(watch.seen, new RegExp(`^MODIFIED web-${ordinal - 1} ready`));
      assert.ok(added > predecessorReady && predecessorReady >= 0, `web-${ordinal} created after web-${ordinal - 1} was ready: ${watch.seen.join(", ")}`);
    }
    const web1 = pods.find((pod) => pod.metadata?.name === "web-1");
    assert.equal(web1?.spec?.hostname, "web-1");
    assert.equal(web1?.spec?.subdomain, "web");
    assert.equal(web1?.metadata?.labels?.["statefulset.kubernetes.io/pod-name"], "web-1");
    assert.equal(web1?.metadata?.labels?.["apps.kubernetes.io/pod-index"], "1");
    assert.deepEqual(web1?.spec?.volumes?.find((v) => v.name === "data")?.persistentVolumeClaim, { claimName: "data-web-1" });
    const claims = (await client.list<PersistentVolumeClaim>(claimsApi)).items.map((claim) => claim.metadata?.name).sort();
    assert.deepEqual(claims, ["data-web-0", "data-web-1", "data-web-2"]);
    const set = await eventually("status", async () => {
      const current = await client.get<StatefulSet>(statefulSetsApi, "web");
      return current.status?.readyReplicas === 3 && current.status.observedGeneration === current.metadata?.generation ? current : undefined;
    });
    assert.equal(set.status?.currentRevision, set.status?.updateRevision);
    assert.equal(web1?.metadata?.labels?.["controller-revision-hash"], set.status?.updateRevision);
    await assertSettled(statefulSetsApi, "web");
    const table = await server.kubectl(["get", "sts", "web", "--no-headers"]);
    assert.match(table.stdout, /^web\s+3\/3\s/);
    const rollout = await server.kubectl(["rollout", "status", "sts/web", "--timeout=20s"]);
    assert.equal(rollout.code, 0, rollout.stdout + rollout.stderr);
    const events = await eventMessages("StatefulSet", "web");
    assert.ok(events.includes("SuccessfulCreate: create Claim data-web-0 Pod web-0 in StatefulSet web success"), events.join("\n"));
    assert.ok(events.includes("SuccessfulCreate: create Pod web-2 in StatefulSet web successful"), events.join("\n"));
  });

  test("scaling to 1 removes web-2, then web-1", async () => {
    const stopWatch = new AbortController();
    const watch = watchPods(stopWatch.signal);
    const scaled = await server.kubectl(["scale", "sts/web", "--replicas=1"]);
    assert.equal(scaled.code, 0, scaled.stderr);
    await eventually("one member left", async () => {
      const list = await livePods("app=web");
      return list.length === 1 && list[0]?.metadata?.name === "web-0" ? true : undefined;
    });
    await eventually("both deletions seen", async () => (lastIndex(watch.seen, /^DELETED web-1 /) >= 0 ? true : undefined));
    stopWatch.abort();
    await watch.done;
    const web2Gone = firstIndex(watch.seen, /^DELETED web-2 /);
    const web1Deleting = firstIndex(watch.seen, /^(MODIFIED web-1 deleting|DELETED web-1 )/);
    assert.ok(web2Gone >= 0 && web1Deleting > web2Gone, watch.seen.join(", "));
    const claims = (await client.list<PersistentVolumeClaim>(claimsApi)).items.map((claim) => claim.metadata?.name).sort();
    assert.deepEqual(claims, ["data-web-0", "data-web-1", "data-web-2"], "Retain keeps the claims");
    const events = await eventMessages("StatefulSet", "web");
    assert.ok(events.includes("SuccessfulDelete: delete Pod web-2 in StatefulSet web successful"), events.join("\n"));
  });

  test("a RollingUpdate with partition 1 updates only ordinals from 1 up, highest first", async () => {
    const scaled = await server.kubectl(["scale", "sts/web", "--replicas=3"]);
    assert.equal(scaled.code, 0, scaled.stderr);
    await eventually("three ready members again", async () => {
      const list = await livePods("app=web");
      return list.length === 3 && list.every(isReady) ? true : undefined;
    });
    const before = await client.get<StatefulSet>(statefulSetsApi, "web");
    const oldRevision = before.status?.updateRevision;
    const stopWatch = new AbortController();
    const watch = watchPods(stopWatch.signal);
    await client.patch<StatefulSet>(statefulSetsApi, "web", "merge", {
      spec: { updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 1 } }, template: { spec: { containers: [{ name: "main", image: "web:2", volumeMounts: [{ name: "data", mountPath: "/data" }] }] } } },
    });
    const rollout = await server.kubectl(["rollout", "status", "sts/web", "--timeout=30s"]);
    assert.equal(rollout.code, 0, rollout.stdout + rollout.stderr);
    assert.match(rollout.stdout, /partitioned roll out complete: 2 new pods have been updated/);
    const pods = await eventually("web-1 and web-2 updated and ready", async () => {
      const list = await livePods("app=web");
      const images = Object.fromEntries(list.map((pod) => [pod.metadata?.name, pod.spec?.containers[0]?.image]));
      return list.length === 3 && list.every(isReady) && images["web-1"] === "web:2" && images["web-2"] === "web:2" ? list : undefined;
    });
    stopWatch.abort();
    await watch.done;
    const web0 = pods.find((pod) => pod.metadata?.name === "web-0");
    assert.equal(web0?.spec?.containers[0]?.image, "web:1");
    assert.equal(web0?.metadata?.labels?.["controller-revision-hash"], oldRevision);
    assert.ok(!watch.seen.some((line) => /^(DELETED|MODIFIED) web-0 deleting/.test(line)), "web-0 untouched");
    const web2Replaced = firstIndex(watch.seen, /^ADDED web-2 /);
    const web1Deleted = firstIndex(watch.seen, /^(MODIFIED web-1 deleting|DELETED web-1 )/);
    assert.ok(web2Replaced >= 0 && web1Deleted > web2Replaced, watch.seen.join(", "));
    const set = await client.get<StatefulSet>(statefulSetsApi, "web");
    assert.equal(set.status?.currentRevision, oldRevision);
    assert.notEqual(set.status?.updateRevision, oldRevision);
    assert.equal(set.status?.updatedReplicas, 2);
    assert.equal(set.status?.currentReplicas, 1);
    const history = await server.kubectl(["rollout", "history", "sts/web"]);
    assert.equal(history.code, 0, history.stderr);
    assert.match(history.stdout, /^1\s/m);
    assert.match(history.stdout, /^2\s/m);
  });

  test("retention policy Delete: claims go with a scaled-down member and with the set", async () => {
    const claimNames = async () => (await client.list<PersistentVolumeClaim>(claimsApi, { labelSelector: "app=cache" })).items.map((claim) => claim.metadata?.name).sort();
    await client.create<StatefulSet>(statefulSetsApi, {
      ...statefulSet,
      metadata: { name: "cache", namespace },
      spec: {
        ...statefulSet.spec!,
        replicas: 2,
        podManagementPolicy: "Parallel",
        serviceName: "cache",
        selector: { matchLabels: { app: "cache" } },
        template: { ...statefulSet.spec!.template, metadata: { labels: { app: "cache" } } },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: "Delete", whenScaled: "Delete" },
      },
    });
    await eventually("two ready members", async () => {
      const list = await livePods("app=cache");
      return list.length === 2 && list.every(isReady) ? true : undefined;
    });
    assert.deepEqual(await claimNames(), ["data-cache-0", "data-cache-1"]);
    await eventually("claims owned by the set", async () => {
      const claims = (await client.list<PersistentVolumeClaim>(claimsApi, { labelSelector: "app=cache" })).items;
      return claims.every((claim) => claim.metadata?.ownerReferences?.some((ref) => ref.kind === "StatefulSet" && ref.name === "cache")) ? true : undefined;
    });
    const scaled = await server.kubectl(["scale", "sts/cache", "--replicas=1"]);
    assert.equal(scaled.code, 0, scaled.stderr);
    await eventually("data-cache-1 collected with cache-1", async () => (JSON.stringify(await claimNames()) === JSON.stringify(["data-cache-0"]) ? true : undefined));
    const deleted = await server.kubectl(["delete", "sts/cache", "--wait=false"]);
    assert.equal(deleted.code, 0, deleted.stderr);
    await eventually("data-cache-0 collected with the set", async () => ((await claimNames()).length === 0 ? true : undefined));
  });
});
