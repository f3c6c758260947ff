// The NoExecute taint manager (upstream's taint-eviction-controller): deletes
// pods bound to a node with a NoExecute taint they do not tolerate, at once,
// or once their tolerationSeconds have passed since the taint's timeAdded.
// A pod scheduled for eviction that becomes tolerated again (the taint went
// away) is spared, with an Event saying so.
import type { Node, Pod, Taint } from "kubernetes-types/core/v1";
import { realClock, type Clock } from "../../client/clock.ts";
import { hasReason } from "../../client/errors.ts";
import type { KubeClient } from "../../client/kube-client.ts";
import { objectKey, splitObjectKey } from "../../client/object-key.ts";
import { inNamespace, resources } from "../../client/resources.ts";
import { typed, type EventSink } from "../event-sink.ts";
import { Runner, type Reconciler, type Requeue, type RunnerOptions } from "../runner.ts";
import type { WatchedCache } from "../watched-cache.ts";
import { evictionPlan } from "./eviction-plan.ts";
import type { PodsByNode } from "./pods-by-node.ts";

export const evictionEventReason = "TaintManagerEviction";

export interface TaintEvictionControllerOptions {
  client: KubeClient;
  nodes: WatchedCache<Node>;
  pods: WatchedCache<Pod>;
  podsByNode: PodsByNode;
  events: EventSink;
  clock?: Clock;
  workers?: number;
  runner?: Omit<RunnerOptions, "workers" | "clock">;
}

const noExecuteTaints = (node: Node | undefined): Taint[] => (node?.spec?.taints ?? []).filter((taint) => taint.effect === "NoExecute");
const sameTaints = (a: Taint[], b: Taint[]): boolean => JSON.stringify(a) === JSON.stringify(b);

export class TaintEvictionController implements Reconciler {
  readonly name = "taint-eviction";
  private readonly runner: Runner;
  private readonly clock: Clock;
  /** Pods waiting out their tolerationSeconds, by key: to tell when an eviction is called off. */
  private readonly scheduled = new Set<string>();
  /** When this controller first saw a taint without timeAdded, by "node key:effect". */
  private readonly taintFirstSeen = new Map<string, number>();

  constructor(private readonly options: TaintEvictionControllerOptions) {
    this.clock = options.clock ?? realClock;
    this.runner = new Runner(this, { ...options.runner, workers: options.workers ?? 5, clock: this.clock });
    options.nodes.subscribe({
      onAdd: (node) => this.nodeChanged(undefined, node),
      onUpdate: (previous, node) => this.nodeChanged(previous, node),
      onDelete: (node) => this.nodeChanged(node, undefined),
    });
    const podChanged = (pod: Pod) => {
      const key = objectKey(pod);
      const node = pod.spec?.nodeName ? options.nodes.get(pod.spec.nodeName) : undefined;
      if (this.scheduled.has(key) || noExecuteTaints(node).length > 0) this.runner.enqueue(key);
    };
    options.pods.subscribe({ onAdd: podChanged, onUpdate: (_previous, pod) => podChanged(pod), onDelete: (pod) => this.scheduled.delete(objectKey(pod)) });
  }

  start(signal: AbortSignal): Promise<void> {
    return this.runner.start(signal);
  }

  async sync(key: string, signal: AbortSignal): Promise<Requeue | void> {
    const pod = this.options.pods.get(key);
    const nodeName = pod?.spec?.nodeName;
    if (pod === undefined || !nodeName || pod.metadata?.deletionTimestamp != null) {
      this.scheduled.delete(key);
      return;
    }
    const node = this.options.nodes.get(nodeName);
    const nowMs = this.clock.now();
    const plan = evictionPlan(pod.spec?.tolerations ?? [], noExecuteTaints(node), (taint) => this.taintSince(nodeName, taint, nowMs), nowMs);
    switch (plan.action) {
      case "keep":
        if (this.scheduled.delete(key)) this.options.events.record(typed(pod, "v1", "Pod"), "Normal", evictionEventReason, `Cancelling deletion of Pod ${key}`);
        return;
      case "evictAt":
        this.scheduled.add(key);
        // A millisecond late rather than early: the plan compares against the deadline itself.
        return { requeueAfterMs: plan.atMs - nowMs + 1 };
      case "evict":
        await this.evict(pod, key, nowMs, signal);
        this.scheduled.delete(key);
        return;
    }
  }

  private async evict(pod: Pod, key: string, nowMs: number, signal: AbortSignal): Promise<void> {
    const { namespace, name } = splitObjectKey(key);
    const api = inNamespace(resources.pods, namespace);
    this.options.events.record(typed(pod, "v1", "Pod"), "Normal", evictionEventReason, `Marking for deletion Pod ${key}`);
    const lastTransitionTime = new Date(nowMs).toISOString().replace(/\.\d+Z$/, "Z");
    const disruption = { type: "DisruptionTarget", status: "True", reason: "DeletionByTaintManager", message: "Taint manager: deleting due to NoExecute taint", lastTransitionTime };
    try {
      await this.options.client.patch<Pod>(api, name, "strategic", { status: { conditions: [disruption] } }, { subresource: "status", signal });
      const uid = pod.metadata?.uid;
      await this.options.client.delete(api, name, { signal, ...(uid ? { preconditions: { uid } } : {}) });
    } catch (error) {
      // Gone already (or replaced by a pod of the same name): nothing left to evict.
      if (hasReason(error, "NotFound") || hasReason(error, "Conflict")) return;
      throw error;
    }
  }

  private taintSince(nodeName: string, taint: Taint, nowMs: number): number {
    const added = taint.timeAdded ? Date.parse(taint.timeAdded) : Number.NaN;
    if (!Number.isNaN(added)) return added;
    const id = `${nodeName} ${taint.key}:${taint.effect}`;
    const seen = this.taintFirstSeen.get(id);
    if (seen !== undefined) return seen;
    this.taintFirstSeen.set(id, nowMs);
    return nowMs;
  }

  private nodeChanged(previous: Node | undefined, node: Node | undefined): void {
    const before = noExecuteTaints(previous);
    const after = noExecuteTaints(node);
    if (sameTaints(before, after)) return;
    const name = node?.metadata?.name ?? previous?.metadata?.name ?? "";
    if (node === undefined) for (const id of this.taintFirstSeen.keys()) if (id.startsWith(`${name} `)) this.taintFirstSeen.delete(id);
    for (const pod of this.options.podsByNode.on(name)) this.runner.enqueue(objectKey(pod));
  }
}
