// The node lifecycle controller: watches Nodes and their Leases in
// kube-node-lease; a node whose kubelet fell silent for longer than the grace
// period gets its kubelet conditions set Unknown and its pods marked not
// ready; every node's not-ready/unreachable and condition taints follow its
// conditions. Evicting pods from NoExecute-tainted nodes is the taint
// eviction controller's job, which this controller starts beside itself.
// Nothing polls: each node is requeued for the moment its grace runs out.
import type { Lease } from "kubernetes-types/coordination/v1";
import type { Node, Pod } from "kubernetes-types/core/v1";
import { realClock, type Clock } from "../client/clock.ts";
import { hasReason } from "../client/errors.ts";
import type { KubeClient } from "../client/kube-client.ts";
import { objectKey } from "../client/object-key.ts";
import { inNamespace, resources } from "../client/resources.ts";
import { typed, type EventSink } from "./event-sink.ts";
import { judgeNodeHealth, type HealthProbe } from "./node-lifecycle/node-health.ts";
import { reconciledTaints } from "./node-lifecycle/node-taints.ts";
import { PodsByNode } from "./node-lifecycle/pods-by-node.ts";
import { TaintEvictionController } from "./node-lifecycle/taint-eviction-controller.ts";
import { Runner, type Reconciler, type Requeue, type RunnerOptions } from "./runner.ts";
import type { WatchedCache } from "./watched-cache.ts";

export const nodeLeaseNamespace = "kube-node-lease";
/** Where kubelets renew their Leases, for the leases cache. */
export const nodeLeases = inNamespace(resources.leases, nodeLeaseNamespace);

export interface NodeLifecycleControllerOptions {
  client: KubeClient;
  nodes: WatchedCache<Node>;
  /** Leases in kube-node-lease. */
  leases: WatchedCache<Lease>;
  pods: WatchedCache<Pod>;
  /** Events of the node controller ("node-controller" upstream). */
  events: EventSink;
  /** Events of the taint eviction ("taint-eviction-controller" upstream). */
  evictionEvents: EventSink;
  /** Silence after which a node turns Unknown (upstream's --node-monitor-grace-period, 40 s). */
  nodeMonitorGracePeriodMs?: number;
  /** The same for a node that never posted a Ready condition (--node-startup-grace-period, 60 s). */
  nodeStartupGracePeriodMs?: number;
  clock?: Clock;
  workers?: number;
  runner?: Omit<RunnerOptions, "workers" | "clock">;
}

const readyStatus = (node: Node | undefined): string | undefined => node?.status?.conditions?.find((c) => c.type === "Ready")?.status;
const timestamp = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");

export class NodeLifecycleController implements Reconciler {
  readonly name = "node-lifecycle";
  private readonly runner: Runner;
  private readonly clock: Clock;
  private readonly gracePeriodMs: number;
  private readonly startupGracePeriodMs: number;
  private readonly probes = new Map<string, HealthProbe>();
  private readonly podsByNode: PodsByNode;
  private readonly taintEviction: TaintEvictionController;

  constructor(private readonly options: NodeLifecycleControllerOptions) {
    this.clock = options.clock ?? realClock;
    this.gracePeriodMs = options.nodeMonitorGracePeriodMs ?? 40_000;
    this.startupGracePeriodMs = options.nodeStartupGracePeriodMs ?? 60_000;
    this.runner = new Runner(this, { ...options.runner, workers: options.workers ?? 5, clock: this.clock });
    this.podsByNode = new PodsByNode(options.pods);
    this.taintEviction = new TaintEvictionController({
      client: options.client,
      nodes: options.nodes,
      pods: options.pods,
      podsByNode: this.podsByNode,
      events: options.evictionEvents,
      clock: this.clock,
      ...(options.workers !== undefined ? { workers: options.workers } : {}),
      ...(options.runner !== undefined ? { runner: options.runner } : {}),
    });
    const enqueue = (object: Node | Lease) => this.runner.enqueue(object.metadata?.name ?? "");
    options.nodes.subscribe({
      onAdd: enqueue,
      onUpdate: (_previous, node) => enqueue(node),
      onDelete: (node) => {
        this.probes.delete(node.metadata?.name ?? "");
        enqueue(node);
      },
    });
    options.leases.subscribe({ onAdd: enqueue, onUpdate: (_previous, lease) => enqueue(lease), onDelete: enqueue });
    // A ready pod that lands on an unreachable node must be marked not ready too.
    const podChanged = (pod: Pod) => {
      const nodeName = pod.spec?.nodeName;
      if (nodeName && readyStatus(options.nodes.get(nodeName)) === "Unknown" && isReadyPod(pod)) this.runner.enqueue(nodeName);
    };
    options.pods.subscribe({ onAdd: podChanged, onUpdate: (_previous, pod) => podChanged(pod), onDelete: () => {} });
  }

  async start(signal: AbortSignal): Promise<void> {
    await Promise.all([this.runner.start(signal), this.taintEviction.start(signal)]);
  }

  async sync(name: string, signal: AbortSignal): Promise<Requeue | void> {
    const cached = this.options.nodes.get(name);
    if (cached === undefined) {
      this.probes.delete(name);
      return;
    }
    const nowMs = this.clock.now();
    const verdict = judgeNodeHealth({
      node: cached,
      lease: this.options.leases.get(`${nodeLeaseNamespace}/${name}`),
      previous: this.probes.get(name),
      nowMs,
      gracePeriodMs: this.gracePeriodMs,
      startupGracePeriodMs: this.startupGracePeriodMs,
    });
    this.probes.set(name, verdict.probe);
    let node = cached;
    if (verdict.conditions !== undefined) {
      node = await this.options.client.updateStatus<Node>(resources.nodes, { ...cached, status: { ...cached.status, conditions: verdict.conditions } }, { signal });
      if (readyStatus(cached) === "True") this.options.events.record(typed(node, "v1", "Node"), "Normal", "NodeNotReady", `Node ${name} status is now: NodeNotReady`);
    }
    const taints = reconciledTaints(node, nowMs);
    if (taints !== undefined) node = await this.options.client.update<Node>(resources.nodes, { ...node, spec: { ...node.spec, taints } }, { signal });
    if (readyStatus(node) === "Unknown") await this.markPodsNotReady(name, nowMs, signal);
    // A millisecond late rather than early: the verdict compares against the deadline itself.
    return verdict.recheckAfterMs === undefined ? undefined : { requeueAfterMs: verdict.recheckAfterMs + 1 };
  }

  private async markPodsNotReady(nodeName: string, nowMs: number, signal: AbortSignal): Promise<void> {
    for (const pod of this.podsByNode.on(nodeName)) {
      if (!isReadyPod(pod) || pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") continue;
      const conditions = (pod.status?.conditions ?? []).map((c) => (c.type === "Ready" ? { ...c, status: "False", lastTransitionTime: timestamp(nowMs) } : c));
      try {
        await this.options.client.updateStatus<Pod>(inNamespace(resources.pods, pod.metadata?.namespace ?? ""), { ...pod, status: { ...pod.status, conditions } }, { signal });
      } catch (error) {
        if (!hasReason(error, "NotFound")) throw new PodStatusUpdateError(objectKey(pod), error);
      }
    }
  }
}

function isReadyPod(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

export class PodStatusUpdateError extends Error {
  readonly reason = "PodStatusUpdateError" as const;
  constructor(podKey: string, cause: unknown) {
    super(`marking pod ${podKey} not ready failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "PodStatusUpdateError";
  }
}
