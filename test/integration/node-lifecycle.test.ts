// The node lifecycle controller and its taint eviction against a real `skiff
// server`, running in this process with a 2 s grace period (the server runs
// no controllers). Two simulated node actors play kubelets: "steady" keeps
// renewing its Lease, "flaky" is stopped (its Lease goes stale) and later
// started again. Pods are placed with spec.nodeName (no binding needed).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Event, Node, Pod, Toleration } from "kubernetes-types/core/v1";
import { EventRecorder } from "../../src/client/event-recorder.ts";
import { inNamespace, resources } from "../../src/client/resources.ts";
import { RestClient } from "../../src/client/rest-client.ts";
import { SharedInformerFactory } from "../../src/client/shared-informer-factory.ts";
import type { EventSink } from "../../src/controllers/event-sink.ts";
import { informerCache } from "../../src/controllers/informer-cache.ts";
import { NodeLifecycleController, nodeLeases } from "../../src/controllers/node-lifecycle.ts";
import { startServer, type TestServer } from "../support/server.ts";
import { runSimulatedNodeActor } from "../support/simulated-node-actor.ts";
import { eventually } from "../support/eventually.ts";

const namespace = "default";
const podsApi = inNamespace(resources.pods, namespace);
const gracePeriodMs = 2_000;
const leaseRenewMs = 300;

let server: TestServer;
let client: RestClient;
const stop = new AbortController();
let flakyStop = new AbortController();
const running: Promise<unknown>[] = [];
const recorders: EventRecorder[] = [];

function sink(component: string): EventSink {
  const recorder = new EventRecorder(client, { component });
  recorders.push(recorder);
  return { record: (object, type, reason, message) => recorder.event(object, type, reason, message) };
}

before(async () => {
  server = await startServer(["--disable-controller-manager", "--disable-scheduler"]);
  client = await RestClient.fromKubeconfig(server.kubeconfig);
  const informers = new SharedInformerFactory(client);
  const controller = new NodeLifecycleController({
    client,
    nodes: informerCache(informers.informerFor<Node>(resources.nodes)),
    leases: informerCache(informers.informerFor(nodeLeases)),
    pods: informerCache(informers.informerFor<Pod>(resources.pods)),
    events: sink("node-controller"),
    evictionEvents: sink("taint-eviction-controller"),
    nodeMonitorGracePeriodMs: gracePeriodMs,
  });
  running.push(informers.start(stop.signal), controller.start(stop.signal));
  running.push(runSimulatedNodeActor(client, stop.signal, { nodes: ["steady"], bind: false, leaseRenewMs }));
  running.push(runSimulatedNodeActor(client, flakyStop.signal, { nodes: ["flaky"], bind: false, leaseRenewMs }));
});

after(async () => {
  stop.abort();
  flakyStop.abort();
  await Promise.all(running);
  await Promise.all(recorders.map((recorder) => recorder.close()));
  client.close();
  await server.stop();
});

const unreachableFor = (tolerationSeconds?: number): Toleration => ({ key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", ...(tolerationSeconds === undefined ? {} : { tolerationSeconds }) });

function pod(name: string, nodeName: string, tolerations?: Toleration[]): Pod {
  return { metadata: { name }, spec: { nodeName, terminationGracePeriodSeconds: 0, containers: [{ name: "main", image: "localhost:5000/busybox" }], ...(tolerations ? { tolerations } : {}) } };
}

const readyOf = (node: Node | Pod) => node.status?.conditions?.find((c) => c.type === "Ready");
const getNode = (name: string) => client.get<Node>(resources.nodes, name);
const getPod = async (name: string): Promise<Pod | undefined> => (await client.list<Pod>(podsApi)).items.find((p) => p.metadata?.name === name);
const gone = async (name: string) => ((await getPod(name)) === undefined ? true : undefined);

describe("node lifecycle", () => {
  test("pods get the default not-ready/unreachable tolerations on create (kubectl get -o json)", async () => {
    await client.create(podsApi, pod("on-steady", "steady"));
    const shown = await server.kubectl(["get", "pod", "on-steady", "-o", "json"]);
    assert.equal(shown.code, 0, shown.stderr);
    const tolerations = (JSON.parse(shown.stdout) as Pod).spec?.tolerations;
    assert.deepEqual(tolerations, [
      { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
      { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
    ]);
  });

  test("a silent node turns Unknown and tainted, its pods are evicted per their tolerations; renewing again clears the taints", async () => {
    for (const name of ["steady", "flaky"]) await eventually(`${name} ready`, async () => (readyOf(await getNode(name))?.status === "True" ? true : undefined));
    await client.create(podsApi, pod("impatient", "flaky", [unreachableFor(0)]));
    await client.create(podsApi, pod("tolerant", "flaky", [unreachableFor(2)]));
    await client.create(podsApi, pod("forever", "flaky", [unreachableFor()]));
    for (const name of ["impatient", "tolerant", "forever"]) await eventually(`${name} ready`, async () => (readyOf((await getPod(name)) ?? {})?.status === "True" ? true : undefined));

    flakyStop.abort();
    const silentSince = Date.now();
    const unknown = await eventually("flaky Unknown", async () => {
      const node = await getNode("flaky");
      return readyOf(node)?.status === "Unknown" ? node : undefined;
    });
    assert.ok(Date.now() - silentSince >= gracePeriodMs - leaseRenewMs, "turned Unknown before the grace period ran out");
    assert.equal(readyOf(unknown)?.reason, "NodeStatusUnknown");
    assert.equal(readyOf(unknown)?.message, "Kubelet stopped posting node status.");
    const tainted = await eventually("unreachable taint", async () => {
      const taint = (await getNode("flaky")).spec?.taints?.find((t) => t.key === "node.kubernetes.io/unreachable" && t.effect === "NoExecute");
      return taint?.timeAdded ? taint : undefined;
    });
    const taintedAt = Date.parse(tainted.timeAdded!);

    await eventually("impatient evicted", () => gone("impatient"), 5_000);
    await eventually("pods on the unreachable node marked not ready", async () => (readyOf((await getPod("forever")) ?? {})?.status === "False" ? true : undefined), 5_000);
    await eventually("tolerant evicted", () => gone("tolerant"), 10_000);
    // timeAdded has whole seconds: the eviction comes no earlier than 2 s after the taint, give or take that second.
    assert.ok(Date.now() >= taintedAt + 2_000 - 1_000, `tolerant evicted ${Date.now() - taintedAt} ms after the taint`);
    const forever = await getPod("forever");
    assert.ok(forever !== undefined && forever.metadata?.deletionTimestamp === undefined, "a pod tolerating forever stays");

    const events = (await client.list<Event>(inNamespace(resources.events, namespace))).items.filter((e) => e.reason === "TaintManagerEviction");
    assert.deepEqual(events.map((e) => e.message).sort(), ["Marking for deletion Pod default/impatient", "Marking for deletion Pod default/tolerant"]);

    flakyStop = new AbortController();
    running.push(runSimulatedNodeActor(client, flakyStop.signal, { nodes: ["flaky"], bind: false, leaseRenewMs }));
    const back = await eventually("flaky ready and untainted", async () => {
      const node = await getNode("flaky");
      return readyOf(node)?.status === "True" && (node.spec?.taints ?? []).length === 0 ? node : undefined;
    });
    assert.equal(readyOf(back)?.status, "True");
    assert.ok((await getPod("forever")) !== undefined);
  });

  test("a NoExecute taint a pod does not tolerate evicts it at once (kubectl taint)", async () => {
    await eventually("on-steady running", async () => ((await getPod("on-steady"))?.status?.phase === "Running" ? true : undefined));
    const tainted = await server.kubectl(["taint", "nodes", "steady", "example.com/maintenance=now:NoExecute"]);
    assert.equal(tainted.code, 0, tainted.stderr);
    await eventually("on-steady evicted", () => gone("on-steady"), 5_000);
  });
});
