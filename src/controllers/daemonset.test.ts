// The DaemonSet controller's sync against an in-memory API, with caches the
// test feeds by hand: a slow watch is one the test has not delivered yet.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ControllerRevision, DaemonSet } from "kubernetes-types/apps/v1";
import type { Node, Pod } from "kubernetes-types/core/v1";
import { inNamespace, resources } from "../client/resources.ts";
import { FakeApi } from "../client/testing/fake-api.ts";
import { FakeClock } from "../client/testing/fake-clock.ts";
import { DaemonSetController } from "./daemonset.ts";
import { HandFedCache, RecordedEvents } from "./statefulset/hand-fed-cache.ts";

const dsApi = inNamespace(resources.daemonSets, "ns");
const podsApi = inNamespace(resources.pods, "ns");
const revisionsApi = inNamespace(resources.controllerRevisions, "ns");

async function setUp() {
  const clock = new FakeClock(Date.parse("2026-01-01T00:00:00Z"));
  const api = new FakeApi(clock);
  const daemonSets = new HandFedCache<DaemonSet>();
  const pods = new HandFedCache<Pod>();
  const nodes = new HandFedCache<Node>();
  const revisions = new HandFedCache<ControllerRevision>();
  const events = new RecordedEvents();
  const controller = new DaemonSetController({ client: api, daemonSets, pods, nodes, revisions, events, clock });
  for (const [name, role] of [["n1", "worker"], ["n2", "worker"], ["n3", "control"]] as const) {
    nodes.deliver(await api.create<Node>(resources.nodes, { metadata: { name, labels: { role } } }));
  }
  const ds = await api.create<DaemonSet>(dsApi, {
    metadata: { name: "agent", namespace: "ns" },
    spec: { selector: { matchLabels: { app: "agent" } }, template: { metadata: { labels: { app: "agent" } }, spec: { nodeSelector: { role: "worker" }, containers: [{ name: "c", image: "agent:1" }] } } },
  });
  daemonSets.deliver(ds);
  const stop = new AbortController();
  const serverPods = async () => (await api.list<Pod>(podsApi)).items;
  return {
    api,
    clock,
    events,
    nodes,
    daemonSets,
    sync: () => controller.sync("ns/agent", stop.signal),
    serverPods,
    /** The informers catch up with the server. */
    catchUp: async () => {
      pods.replaceAll(await serverPods());
      revisions.replaceAll((await api.list<ControllerRevision>(revisionsApi)).items);
      daemonSets.replaceAll((await api.list<DaemonSet>(dsApi)).items);
    },
    /** Every pod is bound to its node and Running and Ready (what the scheduler and kubelets would do). */
    runAll: async () => {
      for (const pod of await serverPods()) {
        const node = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0]?.matchFields?.[0]?.values?.[0];
        await api.update<Pod>(podsApi, { ...pod, spec: { ...pod.spec!, nodeName: node ?? "" }, status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] } });
      }
    },
  };
}

describe("DaemonSet controller sync", () => {
  test("creates one pod per fitting node once, however often it syncs before the watch catches up", async () => {
    const { sync, serverPods, api, events } = await setUp();
    await sync();
    await sync();
    const pods = await serverPods();
    assert.equal(pods.length, 2);
    const targets = pods.map((pod) => pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0]?.matchFields?.[0]?.values?.[0]).sort();
    assert.deepEqual(targets, ["n1", "n2"]);
    const [revision] = (await api.list<ControllerRevision>(revisionsApi)).items;
    assert.equal(revision?.revision, 1);
    assert.equal(revision?.metadata?.name, `agent-${pods[0]?.metadata?.labels?.["controller-revision-hash"]}`);
    assert.equal(pods[0]?.metadata?.labels?.["pod-template-generation"], "1");
    assert.equal(events.seen.filter((e) => e.startsWith("Normal SuccessfulCreate: Created pod: agent-")).length, 2);
  });

  test("a template change replaces one pod at a time and records a second revision", async () => {
    const { sync, serverPods, api, catchUp, runAll, events } = await setUp();
    await sync();
    await runAll();
    await catchUp();
    await sync();
    const ds = await api.get<DaemonSet>(dsApi, "agent");
    assert.equal(ds.status?.numberAvailable, 2);
    assert.equal(ds.status?.updatedNumberScheduled, 2);
    // The in-memory API keeps generation as is; the annotation is where apps/v1 servers keep the template generation.
    await api.update<DaemonSet>(dsApi, { ...ds, metadata: { ...ds.metadata, annotations: { "deprecated.daemonset.template.generation": "2" } }, spec: { ...ds.spec!, template: { ...ds.spec!.template, spec: { ...ds.spec!.template.spec!, containers: [{ name: "c", image: "agent:2" }] } } } });
    await catchUp();
    await sync();
    await sync();
    assert.equal((await serverPods()).length, 1, "one old pod deleted, no more while the watch lags");
    assert.equal(events.seen.filter((e) => e.startsWith("Normal SuccessfulDelete")).length, 1);
    assert.deepEqual((await api.list<ControllerRevision>(revisionsApi)).items.map((r) => r.revision).sort(), [1, 2]);
    await catchUp();
    await sync();
    const images = (await serverPods()).map((pod) => pod.spec?.containers[0]?.image).sort();
    assert.deepEqual(images, ["agent:1", "agent:2"]);
  });

  test("a failed pod is replaced, a second failure on that node only after a back-off", async () => {
    const { sync, serverPods, api, catchUp, runAll, events, clock } = await setUp();
    const failPodOn = async (node: string) => {
      const pod = (await serverPods()).find((candidate) => candidate.spec?.nodeName === node || JSON.stringify(candidate.spec?.affinity).includes(`"${node}"`));
      await api.update<Pod>(podsApi, { ...pod!, spec: { ...pod!.spec!, nodeName: node }, status: { phase: "Failed" } });
    };
    await sync();
    await runAll();
    await failPodOn("n1");
    await catchUp();
    await sync();
    assert.equal((await serverPods()).length, 1, "the failed pod is deleted");
    assert.ok(events.seen.some((e) => /^Warning FailedDaemonPod: Found failed daemon pod ns\/agent-\w+ on node n1, will try to kill it$/.test(e)), events.seen.join("\n"));
    await catchUp();
    await sync();
    assert.equal((await serverPods()).length, 2, "and replaced");
    await failPodOn("n1");
    await catchUp();
    await sync();
    assert.equal((await serverPods()).length, 2, "the second failure waits out the back-off");
    clock.advance(1_000);
    await sync();
    assert.equal((await serverPods()).length, 1, "then goes");
  });

  test("a node that stops fitting loses its pod", async () => {
    const { sync, serverPods, catchUp, nodes, api } = await setUp();
    await sync();
    await catchUp();
    const n2 = await api.get<Node>(resources.nodes, "n2");
    nodes.deliver(await api.update<Node>(resources.nodes, { ...n2, metadata: { ...n2.metadata, labels: { role: "control" } } }));
    await sync();
    const left = await serverPods();
    assert.equal(left.length, 1);
    assert.equal(left[0]?.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0]?.matchFields?.[0]?.values?.[0], "n1");
  });
});
