// A stand-in for the scheduler and kubelet in controller tests, clearly not
// either: no containers run anywhere. It binds unbound pods to its nodes
// through pods/binding, reports them Running and Ready through pods/status
// after readyDelayMs, can make labelled pods exit (and restart) after a while,
// and finishes graceful deletions at once. Given `nodes`, it also registers
// them as Node objects and renews their Leases like a kubelet, so the node
// lifecycle controller has something to watch.
import type { Lease } from "kubernetes-types/coordination/v1";
import type { ContainerStatus, Node, NodeStatus, Pod, PodCondition, Taint } from "kubernetes-types/core/v1";
import { sleep, realClock } from "../../src/client/clock.ts";
import { hasReason } from "../../src/client/errors.ts";
import type { KubeClient } from "../../src/client/kube-client.ts";
import { formatMicroTime } from "../../src/client/lease-plan.ts";
import { splitObjectKey, objectKey } from "../../src/client/object-key.ts";
import { inNamespace, resources } from "../../src/client/resources.ts";
import { SharedInformerFactory } from "../../src/client/shared-informer-factory.ts";
import { Runner, type Requeue } from "../../src/controllers/runner.ts";

/** A pod labelled with this ("true") is bound but never becomes ready. */
export const neverReadyLabel = "simulated-node-actor/never-ready";
/** The exit code the pod's containers end with once they have run for runMsLabel milliseconds. */
export const exitCodeLabel = "simulated-node-actor/exit-code";
/** How long (ms, default 0) a pod labelled with exitCodeLabel runs before its containers exit. */
export const runMsLabel = "simulated-node-actor/run-ms";

const unregisteredNodeName = "simulated-node";
const leaseNamespace = "kube-node-lease";
// A restarting container with run-ms 0 would otherwise spin as fast as the API answers.
const minimumRestartPeriodMs = 100;

export interface SimulatedNodeActorOptions {
  /** Nodes registered as Node objects with Leases; default: one unregistered node "simulated-node". */
  nodes?: string[];
  nodeLabels?: Record<string, Record<string, string>>;
  nodeTaints?: Record<string, Taint[]>;
  /** Bind unbound pods to these nodes (default true); false: only act as their kubelet. */
  bind?: boolean;
  /** How long a bound pod stays Pending before Running and Ready. */
  readyDelayMs?: number;
  /** Period of Lease renewals (default 10 000). */
  leaseRenewMs?: number;
}

const secondsTimestamp = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");

function nodeLabelsFor(name: string, options: SimulatedNodeActorOptions): Record<string, string> {
  return { "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", ...options.nodeLabels?.[name] };
}

function readyNodeStatus(name: string, nowMs: number): NodeStatus {
  const now = secondsTimestamp(nowMs);
  const condition = (type: string, status: string, reason: string, message: string) => ({ type, status, reason, message, lastHeartbeatTime: now, lastTransitionTime: now });
  const resourcesList = { cpu: "4", memory: "16Gi", pods: "110" };
  return {
    capacity: resourcesList,
    allocatable: resourcesList,
    conditions: [
      condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
      condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
      condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
      condition("Ready", "True", "KubeletReady", "simulated node actor is posting ready status"),
    ],
    addresses: [{ type: "Hostname", address: name }],
    nodeInfo: {
      architecture: "amd64",
      operatingSystem: "linux",
      osImage: "simulated",
      kernelVersion: "simulated",
      containerRuntimeVersion: "simulated://0",
      kubeletVersion: "v1.32.0",
      kubeProxyVersion: "v1.32.0",
      machineID: name,
      systemUUID: name,
      bootID: name,
    },
  };
}

/** The node a pod is pinned to by required node affinity `metadata.name In [x]` (DaemonSet pods), if any. */
function pinnedNodeName(pod: Pod): string | undefined {
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const term of terms) {
    for (const field of term.matchFields ?? []) {
      if (field.key === "metadata.name" && field.operator === "In" && field.values?.length === 1) return field.values[0];
    }
  }
  return undefined;
}

/** Where the actor binds pod among its nodes, or undefined to leave it for someone else. */
function chooseNode(pod: Pod, nodes: readonly string[], labelsOf: (node: string) => Record<string, string>, roundRobin: () => number): string | undefined {
  const pinned = pinnedNodeName(pod);
  if (pinned !== undefined) return nodes.includes(pinned) ? pinned : undefined;
  const selector = pod.spec?.nodeSelector;
  if (selector !== undefined && Object.keys(selector).length > 0) {
    return nodes.find((node) => {
      const labels = labelsOf(node);
      return Object.entries(selector).every(([key, value]) => labels[key] === value);
    });
  }
  return nodes[roundRobin() % nodes.length];
}

function podConditions(ready: boolean, nowMs: number, notReadyReason?: string): PodCondition[] {
  const now = secondsTimestamp(nowMs);
  return [
    { type: "PodScheduled", status: "True", lastTransitionTime: now },
    { type: "Initialized", status: "True", lastTransitionTime: now },
    ...["ContainersReady", "Ready"].map((type) => ({ type, status: ready ? "True" : "False", lastTransitionTime: now, ...(ready || notReadyReason === undefined ? {} : { reason: notReadyReason }) })),
  ];
}

function exitCodeOf(pod: Pod): number | undefined {
  const text = pod.metadata?.labels?.[exitCodeLabel];
  if (text === undefined) return undefined;
  const code = Number.parseInt(text, 10);
  return Number.isNaN(code) ? undefined : code;
}

function runMsOf(pod: Pod): number {
  const ms = Number.parseInt(pod.metadata?.labels?.[runMsLabel] ?? "0", 10);
  return Number.isNaN(ms) || ms < 0 ? 0 : ms;
}

function restartsAfterExit(pod: Pod, exitCode: number): boolean {
  const policy = pod.spec?.restartPolicy ?? "Always";
  return policy === "Always" || (policy === "OnFailure" && exitCode !== 0);
}

export async function runSimulatedNodeActor(client: KubeClient, signal: AbortSignal, options: SimulatedNodeActorOptions = {}): Promise<void> {
  const registered = options.nodes !== undefined;
  const nodes = options.nodes ?? [unregisteredNodeName];
  const readyDelayMs = options.readyDelayMs ?? 0;
  const bind = options.bind ?? true;
  const factory = new SharedInformerFactory(client);
  const informer = factory.informerFor<Pod>(resources.pods);
  const nodeInformer = registered ? factory.informerFor<Node>(resources.nodes) : undefined;
  // In memory only: a restarted actor treats its pods as bound or started now.
  const boundAt = new Map<string, number>();
  const containersStartedAt = new Map<string, number>();
  let nextNode = 0;
  // Addresses from the cluster's pod CIDR 10.42.0.0/16, counting up, so Services have endpoints.
  let podsStarted = 0;
  const nextPodIP = () => {
    podsStarted++;
    return `10.42.${Math.floor(podsStarted / 256) % 256}.${podsStarted % 256}`;
  };
  const labelsOf = (node: string) => (nodeInformer?.indexer.getByKey(node)?.metadata?.labels ?? nodeLabelsFor(node, options));

  const firstSeen = (memory: Map<string, number>, uid: string, now: number): number => {
    const seen = memory.get(uid);
    if (seen !== undefined) return seen;
    memory.set(uid, now);
    return now;
  };

  async function syncPod(key: string, syncSignal: AbortSignal): Promise<Requeue | void> {
    const pod = informer.indexer.getByKey(key);
    if (pod === undefined) return;
    const { namespace, name } = splitObjectKey(key);
    const api = inNamespace(resources.pods, namespace);
    const uid = pod.metadata?.uid ?? key;
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) {
      if (!bind || pod.metadata?.deletionTimestamp != null) return;
      const target = chooseNode(pod, nodes, labelsOf, () => nextNode++);
      if (target === undefined) return;
      const binding = { apiVersion: "v1", kind: "Binding", metadata: { name }, target: { apiVersion: "v1", kind: "Node", name: target } };
      try {
        await client.createSubresource(api, name, "binding", binding, { signal: syncSignal });
      } catch (error) {
        // A real scheduler (or another actor) may have bound it first.
        if (!hasReason(error, "Conflict")) throw error;
      }
      return;
    }
    if (!nodes.includes(nodeName)) return;
    if (pod.metadata?.deletionTimestamp != null) {
      await client.delete(api, name, { gracePeriodSeconds: 0, signal: syncSignal });
      return;
    }
    const phase = pod.status?.phase;
    if (phase === "Succeeded" || phase === "Failed" || pod.metadata?.labels?.[neverReadyLabel] === "true") return;
    const now = Date.now();
    if (phase !== "Running") {
      const wait = firstSeen(boundAt, uid, now) + readyDelayMs - now;
      if (wait > 0) return { requeueAfterMs: wait };
      const startedAt = secondsTimestamp(now);
      const containerStatuses: ContainerStatus[] = (pod.spec?.containers ?? []).map((c) => ({ name: c.name, image: c.image ?? "", imageID: "", ready: true, restartCount: 0, started: true, state: { running: { startedAt } } }));
      const podIP = pod.status?.podIP ?? nextPodIP();
      await client.updateStatus<Pod>(api, { ...pod, status: { ...pod.status, phase: "Running", startTime: startedAt, conditions: podConditions(true, now), containerStatuses, podIP, podIPs: [{ ip: podIP }] } });
      containersStartedAt.set(uid, now);
      return exitCodeOf(pod) === undefined ? undefined : { requeueAfterMs: runMsOf(pod) };
    }
    const exitCode = exitCodeOf(pod);
    if (exitCode === undefined) return;
    const restarts = restartsAfterExit(pod, exitCode);
    const runMs = restarts ? Math.max(runMsOf(pod), minimumRestartPeriodMs) : runMsOf(pod);
    const due = firstSeen(containersStartedAt, uid, now) + runMs - now;
    if (due > 0) return { requeueAfterMs: due };
    const terminated = { exitCode, reason: exitCode === 0 ? "Completed" : "Error", startedAt: secondsTimestamp(containersStartedAt.get(uid) ?? now), finishedAt: secondsTimestamp(now) };
    const previous = pod.status?.containerStatuses ?? [];
    if (restarts) {
      const containerStatuses = previous.map((c) => ({ ...c, restartCount: c.restartCount + 1, lastState: { terminated }, state: { running: { startedAt: secondsTimestamp(now) } } }));
      await client.updateStatus<Pod>(api, { ...pod, status: { ...pod.status, containerStatuses } });
      containersStartedAt.set(uid, now);
      return { requeueAfterMs: runMs };
    }
    const containerStatuses = previous.map((c) => ({ ...c, ready: false, started: false, state: { terminated } }));
    const finalPhase = exitCode === 0 ? "Succeeded" : "Failed";
    await client.updateStatus<Pod>(api, { ...pod, status: { ...pod.status, phase: finalPhase, conditions: podConditions(false, now, "PodCompleted"), containerStatuses } });
  }

  const runner = new Runner(
    {
      name: "simulated-node-actor",
      async sync(key, syncSignal) {
        try {
          return await syncPod(key, syncSignal);
        } catch (error) {
          if (!hasReason(error, "NotFound")) throw error;
        }
      },
    },
    // Like one kubelet per node working its pods in parallel; the API server is the limit, not this loop.
    { workers: 16, report: () => {} },
  );
  const enqueue = (pod: Pod) => runner.enqueue(objectKey(pod));
  informer.addEventHandler({
    onAdd: enqueue,
    onUpdate: (_previous, pod) => enqueue(pod),
    onDelete: (pod) => {
      const uid = pod.metadata?.uid ?? objectKey(pod);
      boundAt.delete(uid);
      containersStartedAt.delete(uid);
    },
  });
  const running = [factory.start(signal), runner.start(signal)];
  if (registered) running.push(...nodes.map((node) => actAsKubelet(client, node, options, () => nodeInformer?.indexer.getByKey(node), signal)));
  await Promise.all(running);
}

/** Registers node, then renews its Lease and re-posts a Ready status whenever someone else changed it, until signal aborts. */
async function actAsKubelet(client: KubeClient, name: string, options: SimulatedNodeActorOptions, cached: () => Node | undefined, signal: AbortSignal): Promise<void> {
  const leaseRenewMs = options.leaseRenewMs ?? 10_000;
  const leasesApi = inNamespace(resources.leases, leaseNamespace);
  const postStatus = () => client.patch<Node>(resources.nodes, name, "merge", { status: readyNodeStatus(name, Date.now()) }, { subresource: "status", signal });
  const renewLease = () => client.patch<Lease>(leasesApi, name, "merge", { spec: { holderIdentity: name, renewTime: formatMicroTime(Date.now()) } }, { signal });
  try {
    const node = await registerNode(client, name, options, signal);
    await postStatus();
    try {
      await renewLease();
    } catch (error) {
      if (!hasReason(error, "NotFound")) throw error;
      const lease: Lease = {
        metadata: { name, namespace: leaseNamespace, ownerReferences: [{ apiVersion: "v1", kind: "Node", name, uid: node.metadata?.uid ?? "" }] },
        spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: formatMicroTime(Date.now()) },
      };
      await client.create(leasesApi, lease, { signal });
    }
  } catch (error) {
    if (signal.aborted) return;
    throw error;
  }
  while (!signal.aborted) {
    await sleep(realClock, leaseRenewMs, signal);
    if (signal.aborted) return;
    try {
      await renewLease();
      const ready = cached()?.status?.conditions?.find((c) => c.type === "Ready");
      if (ready?.status !== "True") await postStatus();
    } catch (error) {
      // Like a kubelet: a missed renewal is retried on the next period.
      if (!signal.aborted) process.stderr.write(`simulated node actor: renewing ${name} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
}

async function registerNode(client: KubeClient, name: string, options: SimulatedNodeActorOptions, signal: AbortSignal): Promise<Node> {
  const node: Node = { apiVersion: "v1", kind: "Node", metadata: { name, labels: nodeLabelsFor(name, options) }, spec: { taints: options.nodeTaints?.[name] ?? [] } };
  try {
    return await client.create<Node>(resources.nodes, node, { signal });
  } catch (error) {
    if (!hasReason(error, "AlreadyExists")) throw error;
    return await client.get<Node>(resources.nodes, name, { signal });
  }
}
