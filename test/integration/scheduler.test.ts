// The scheduler inside a real `skiff server` (no controllers, no kubelet):
// Nodes are plain objects created through the API with the capacity and
// labels a kubelet would report; the test plays the kubelet only where a
// pod must finish terminating (preemption victims).
import { after, afterEach, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Lease } from "kubernetes-types/coordination/v1";
import type { Event, Node, PersistentVolume, PersistentVolumeClaim, Pod, PodSpec, Taint } from "kubernetes-types/core/v1";
import type { PriorityClass } from "kubernetes-types/scheduling/v1";
import { hasReason } from "../../src/client/errors.ts";
import { inNamespace, resources } from "../../src/client/resources.ts";
import { RestClient } from "../../src/client/rest-client.ts";
import { startServer, type TestServer } from "../support/server.ts";
import { eventually } from "../support/eventually.ts";

const namespace = "default";
const podsApi = inNamespace(resources.pods, namespace);
const eventsApi = inNamespace(resources.events, namespace);

let server: TestServer;
let client: RestClient;

before(async () => {
  server = await startServer(["--disable-controller-manager"]);
  client = await RestClient.fromKubeconfig(server.kubeconfig);
});

after(async () => {
  client.close();
  await server.stop();
});

// Every test starts from an empty cluster: its nodes and pods are its own.
afterEach(async () => {
  for (const pod of (await client.list<Pod>(podsApi)).items) {
    await client.delete(podsApi, pod.metadata?.name ?? "", { gracePeriodSeconds: 0 }).catch(ignoreNotFound);
  }
  for (const node of (await client.list<Node>(resources.nodes)).items) {
    await client.delete(resources.nodes, node.metadata?.name ?? "").catch(ignoreNotFound);
  }
  await eventually("an empty cluster", async () => ((await client.list<Pod>(podsApi)).items.length === 0 ? true : undefined));
});

function ignoreNotFound(error: unknown): void {
  if (!hasReason(error, "NotFound")) throw error;
}

interface NodeShape {
  cpu?: string;
  labels?: Record<string, string>;
  taints?: Taint[];
}

/** A Node as a kubelet registers it: the object, then its status with capacity. */
async function addNode(name: string, shape: NodeShape = {}): Promise<void> {
  const created = await client.create<Node>(resources.nodes, {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: { "kubernetes.io/hostname": name, ...shape.labels } },
    spec: shape.taints === undefined ? {} : { taints: shape.taints },
  });
  const capacity = { cpu: shape.cpu ?? "4", memory: "32Gi", pods: "110" };
  await client.updateStatus<Node>(resources.nodes, { ...created, status: { capacity, allocatable: capacity } });
}

async function addPod(name: string, spec: Partial<PodSpec> & { cpu?: string; labels?: Record<string, string> } = {}): Promise<void> {
  const { cpu, labels, ...rest } = spec;
  const container = { name: "main", image: "busybox", ...(cpu === undefined ? {} : { resources: { requests: { cpu } } }) };
  await client.create<Pod>(podsApi, {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace, ...(labels === undefined ? {} : { labels }) },
    spec: { containers: [container], ...rest },
  });
}

const getPod = (name: string) => client.get<Pod>(podsApi, name);

function boundNode(name: string): Promise<string> {
  return eventually(`${name} bound`, async () => (await getPod(name)).spec?.nodeName || undefined);
}

/** The PodScheduled=False condition the scheduler writes for a pod that does not fit. */
function unschedulableMessage(name: string): Promise<string> {
  return eventually(`${name} marked unschedulable`, async () => {
    const condition = (await getPod(name)).status?.conditions?.find((c) => c.type === "PodScheduled");
    return condition?.status === "False" && condition.reason === "Unschedulable" ? (condition.message ?? "") : undefined;
  });
}

async function eventsFor(name: string, reason: string): Promise<Event[]> {
  const events = (await client.list<Event>(eventsApi)).items;
  return events.filter((event) => event.involvedObject.name === name && event.reason === reason);
}

describe("resource fit", () => {
  test("a pod that fits is bound with a Scheduled event; one too big stays Pending with FailedScheduling until a node fits", async () => {
    for (const name of ["fit-1", "fit-2", "fit-3"]) await addNode(name, { cpu: "2" });
    await addPod("small", { cpu: "1" });
    const node = await boundNode("small");
    assert.match(node, /^fit-[123]$/);
    const scheduled = await eventually("Scheduled event", async () => (await eventsFor("small", "Scheduled"))[0]);
    assert.equal(scheduled.type, "Normal");
    assert.equal(scheduled.message, `Successfully assigned default/small to ${node}`);
    assert.equal(scheduled.source?.component, "default-scheduler");
    const bound = await getPod("small");
    assert.equal(bound.status?.conditions?.find((c) => c.type === "PodScheduled")?.status, "True");

    await addPod("huge", { cpu: "3" });
    const message = await unschedulableMessage("huge");
    assert.ok(message.startsWith("0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available:"), message);
    const failed = await eventually("FailedScheduling event", async () => (await eventsFor("huge", "FailedScheduling"))[0]);
    assert.equal(failed.type, "Warning");
    assert.equal(failed.message, message);
    assert.equal((await getPod("huge")).status?.phase, "Pending");

    await addNode("fit-big", { cpu: "8" });
    assert.equal(await boundNode("huge"), "fit-big");
  });

  test("pods fill nodes by requests: the third 1-cpu pod on a 2-cpu node goes elsewhere", async () => {
    await addNode("only", { cpu: "2" });
    await addPod("a", { cpu: "1" });
    await addPod("b", { cpu: "1" });
    await boundNode("a");
    await boundNode("b");
    await addPod("c", { cpu: "1" });
    assert.ok((await unschedulableMessage("c")).startsWith("0/1 nodes are available: 1 Insufficient cpu."));
    await addNode("second", { cpu: "2" });
    assert.equal(await boundNode("c"), "second");
  });
});

describe("placement rules", () => {
  test("nodeSelector and required node affinity pick the matching node", async () => {
    await addNode("ssd", { labels: { disktype: "ssd", zone: "a" } });
    await addNode("hdd", { labels: { disktype: "hdd", zone: "b" } });
    await addPod("selector", { nodeSelector: { disktype: "ssd" } });
    await addPod("affinity", {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "NotIn", values: ["a"] }] }] },
        },
      },
    });
    await addPod("nowhere", { nodeSelector: { disktype: "nvme" } });
    assert.equal(await boundNode("selector"), "ssd");
    assert.equal(await boundNode("affinity"), "hdd");
    const message = await unschedulableMessage("nowhere");
    assert.ok(message.startsWith("0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector."), message);
  });

  test("taints keep pods off unless tolerated", async () => {
    const taint: Taint = { key: "dedicated", value: "gpu", effect: "NoSchedule" };
    await addNode("tainted", { taints: [taint], labels: { pool: "gpu" } });
    await addNode("plain");
    await addPod("ordinary");
    await addPod("tolerating", {
      nodeSelector: { pool: "gpu" },
      tolerations: [{ key: "dedicated", operator: "Equal", value: "gpu", effect: "NoSchedule" }],
    });
    await addPod("intolerant", { nodeSelector: { pool: "gpu" } });
    assert.equal(await boundNode("ordinary"), "plain");
    assert.equal(await boundNode("tolerating"), "tainted");
    const message = await unschedulableMessage("intolerant");
    assert.ok(message.includes("1 node(s) had untolerated taint {dedicated: gpu}"), message);
    assert.ok(message.includes("1 node(s) didn't match Pod's node affinity/selector"), message);
  });

  test("pod anti-affinity spreads pods over hosts; pod affinity joins a zone", async () => {
    await addNode("h1", { labels: { zone: "a" } });
    await addNode("h2", { labels: { zone: "b" } });
    const antiAffinity = {
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: { app: "web" } } }],
      },
    };
    for (const name of ["web-1", "web-2", "web-3"]) await addPod(name, { labels: { app: "web" }, affinity: antiAffinity });
    const placed = new Set<string>();
    for (const name of ["web-1", "web-2", "web-3"]) {
      const node = await eventually(`${name} placed or refused`, async () => {
        const pod = await getPod(name);
        if (pod.spec?.nodeName) return pod.spec.nodeName;
        const condition = pod.status?.conditions?.find((c) => c.type === "PodScheduled");
        return condition?.reason === "Unschedulable" ? `refused: ${condition.message}` : undefined;
      });
      placed.add(node);
    }
    assert.deepEqual([...placed].filter((node) => !node.startsWith("refused")).sort(), ["h1", "h2"]);
    const refused = [...placed].find((node) => node.startsWith("refused")) ?? "";
    assert.ok(refused.includes("2 node(s) didn't match pod anti-affinity rules"), refused);

    await addPod("db", { labels: { app: "db" }, nodeSelector: { zone: "b" } });
    await boundNode("db");
    await addPod("near-db", {
      affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "zone", labelSelector: { matchLabels: { app: "db" } } }] } },
    });
    assert.equal(await boundNode("near-db"), "h2");
  });

  test("topology spread with maxSkew 1 over zones puts two pods in each of three zones", async () => {
    for (const [name, zone] of [["z1", "a"], ["z2", "b"], ["z3", "c"]] as const) await addNode(name, { labels: { zone } });
    const spread = [{ maxSkew: 1, topologyKey: "zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { app: "spread" } } }];
    const names = ["s1", "s2", "s3", "s4", "s5", "s6"];
    for (const name of names) await addPod(name, { labels: { app: "spread" }, topologySpreadConstraints: spread });
    const counts = new Map<string, number>();
    for (const name of names) {
      const node = await boundNode(name);
      counts.set(node, (counts.get(node) ?? 0) + 1);
    }
    assert.deepEqual([...counts.values()], [2, 2, 2]);
  });

  test("host ports: one pod per node for the same port", async () => {
    await addNode("p1");
    await addNode("p2");
    const ports = (hostPort: number) => ({ containers: [{ name: "main", image: "busybox", ports: [{ containerPort: 80, hostPort }] }] });
    await addPod("port-a", ports(8080));
    await addPod("port-b", ports(8080));
    const first = await boundNode("port-a");
    const second = await boundNode("port-b");
    assert.notEqual(first, second);
    await addPod("port-c", ports(8080));
    await addPod("port-other", ports(9090));
    await boundNode("port-other");
    const message = await unschedulableMessage("port-c");
    assert.ok(message.startsWith("0/2 nodes are available: 2 node(s) didn't have free ports for the requested pod ports."), message);
  });
});

describe("priority and preemption", () => {
  const priorityClasses = inNamespace({ group: "scheduling.k8s.io", version: "v1", plural: "priorityclasses" }, "");

  before(async () => {
    for (const [name, value] of [["low", 10], ["high", 1000]] as const) {
      await client.create<PriorityClass>(priorityClasses, { apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name }, value });
    }
  });

  test("a high-priority pod evicts low-priority pods, is nominated, then bound once they are gone", async () => {
    await addNode("crowded", { cpu: "2" });
    await addPod("low-1", { cpu: "1", priorityClassName: "low" });
    await addPod("low-2", { cpu: "1", priorityClassName: "low" });
    await boundNode("low-1");
    await boundNode("low-2");
    await addPod("vip", { cpu: "1", priorityClassName: "high" });
    const nominated = await eventually("nominatedNodeName", async () => (await getPod("vip")).status?.nominatedNodeName || undefined);
    assert.equal(nominated, "crowded");
    // One victim is enough for 1 cpu: the scheduler deletes it gracefully; play the kubelet and finish it.
    const victim = await eventually("a victim being deleted", async () => {
      for (const name of ["low-1", "low-2"]) {
        const pod = await getPod(name).catch(() => undefined);
        if (pod === undefined || pod.metadata?.deletionTimestamp) return { name, pod };
      }
      return undefined;
    });
    if (victim.pod !== undefined) {
      assert.ok(victim.pod.status?.conditions?.some((c) => c.type === "DisruptionTarget" && c.reason === "PreemptionByScheduler"));
      await client.delete(podsApi, victim.name, { gracePeriodSeconds: 0 }).catch(ignoreNotFound);
    }
    assert.equal(await boundNode("vip"), "crowded");
    const survivors = ["low-1", "low-2"].filter((name) => name !== victim.name);
    assert.equal((await getPod(survivors[0] ?? "")).metadata?.deletionTimestamp, undefined, "only one victim");
    const preempted = await eventually("Preempted event", async () => (await eventsFor(victim.name, "Preempted"))[0]);
    assert.match(preempted.message ?? "", /^Preempted by pod .+ on node crowded$/);
  });

  test("equal priority pods are not preempted", async () => {
    await addNode("full", { cpu: "1" });
    await addPod("first", { cpu: "1", priorityClassName: "low" });
    await boundNode("first");
    await addPod("second", { cpu: "1", priorityClassName: "low" });
    const message = await unschedulableMessage("second");
    assert.ok(message.includes("preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod"), message);
  });
});

describe("volume binding", () => {
  const claimsApi = inNamespace(resources.persistentVolumeClaims, namespace);

  test("a WaitForFirstConsumer claim is bound to a local PV on the node the pod lands on", async () => {
    await addNode("zone-a", { labels: { zone: "a" } });
    await addNode("zone-b", { labels: { zone: "b" } });
    await client.create(resources.storageClasses, {
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: { name: "local" },
      provisioner: "kubernetes.io/no-provisioner",
      volumeBindingMode: "WaitForFirstConsumer",
    });
    await client.create<PersistentVolume>(resources.persistentVolumes, {
      apiVersion: "v1",
      kind: "PersistentVolume",
      metadata: { name: "disk-b" },
      spec: {
        capacity: { storage: "10Gi" },
        accessModes: ["ReadWriteOnce"],
        storageClassName: "local",
        local: { path: "/mnt/disk" },
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "In", values: ["b"] }] }] } },
      },
    });
    await client.create<PersistentVolumeClaim>(claimsApi, {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "data", namespace },
      spec: { accessModes: ["ReadWriteOnce"], storageClassName: "local", resources: { requests: { storage: "1Gi" } } },
    });
    await addPod("with-volume", { volumes: [{ name: "data", persistentVolumeClaim: { claimName: "data" } }] });
    assert.equal(await boundNode("with-volume"), "zone-b");
    const claim = await client.get<PersistentVolumeClaim>(claimsApi, "data");
    assert.equal(claim.spec?.volumeName, "disk-b");
    assert.equal(claim.metadata?.annotations?.["pv.kubernetes.io/bind-completed"], "yes");
    const volume = await client.get<PersistentVolume>(resources.persistentVolumes, "disk-b");
    assert.equal(volume.spec?.claimRef?.name, "data");
    assert.equal(volume.spec?.claimRef?.uid, claim.metadata?.uid);

    await addPod("missing-claim", { volumes: [{ name: "missing", persistentVolumeClaim: { claimName: "missing" } }] });
    assert.ok((await unschedulableMessage("missing-claim")).startsWith('0/2 nodes are available: persistentvolumeclaim "missing" not found.'));
    await client.delete(claimsApi, "data");
    await client.delete(resources.persistentVolumes, "disk-b");
  });
});

describe("the scheduler's scope", () => {
  test("a pod for another scheduler is left alone", async () => {
    await addNode("any");
    await addPod("mine");
    await addPod("theirs", { schedulerName: "other" });
    await boundNode("mine");
    await new Promise((resolve) => setTimeout(resolve, 500));
    const theirs = await getPod("theirs");
    assert.equal(theirs.spec?.nodeName, undefined);
    assert.equal(theirs.status?.conditions, undefined);
    assert.deepEqual(await eventsFor("theirs", "FailedScheduling"), []);
  });

  test("the scheduler holds the Lease kube-system/kube-scheduler", async () => {
    const lease = await client.get<Lease>(inNamespace(resources.leases, "kube-system"), "kube-scheduler");
    assert.ok(lease.spec?.holderIdentity, "a holder");
    assert.equal(lease.spec?.leaseDurationSeconds, 15);
  });
});

describe("--scheduler-config", () => {
  async function runServer(config: string): Promise<{ code: number | null; output: string }> {
    const dir = await mkdtemp(join(tmpdir(), "skiff-scheduler-config-"));
    try {
      const path = join(dir, "config.yaml");
      await writeFile(path, config);
      const child = spawn(new URL("../../bin/skiff", import.meta.url).pathname, ["server", "--data-dir", dir, "--port", "0", "--disable-agent", "--scheduler-config", path], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (chunk) => (output += chunk));
      child.stderr.on("data", (chunk) => (output += chunk));
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
      clearTimeout(timer);
      return { code, output };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  test("an invalid configuration stops skiff server with one line and exit code 1", async () => {
    const { code, output } = await runServer(
      [
        "apiVersion: kubescheduler.config.k8s.io/v1",
        "kind: KubeSchedulerConfiguration",
        "profiles:",
        "- schedulerName: default-scheduler",
        "  pluginConfig:",
        "  - name: NodeResourcesFit",
        "    args:",
        "      scoringStrategy: {type: Fastest}",
      ].join("\n"),
    );
    assert.equal(code, 1);
    const lines = output.trim().split("\n");
    assert.equal(lines.length, 1, output);
    assert.match(lines[0] ?? "", /^skiff: profiles\[0\]\.pluginConfig\[0\]\.args\.scoringStrategy\.type: Unsupported value: "Fastest"/);
  });
});
