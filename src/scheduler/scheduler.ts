// The scheduler's shell: informers feed the queue (pending pods of its
// profiles) and the cache (bound pods, nodes); one scheduling cycle runs at a
// time over the cache's snapshot; each placed pod is assumed in the cache and
// its binding cycle (permit, pre-bind, bind) runs concurrently with the next
// cycles. Failures go back to the queue with a PodScheduled=False condition
// and a FailedScheduling Event, as upstream's kube-scheduler reports them.
import type { Namespace, Node, ObjectReference, PersistentVolume, PersistentVolumeClaim, Pod } from "kubernetes-types/core/v1";
import type { StorageClass } from "kubernetes-types/storage/v1";
import type { ReplicaSet, StatefulSet } from "kubernetes-types/apps/v1";
import type { ReplicationController, Service } from "kubernetes-types/core/v1";
import type { PriorityClass } from "kubernetes-types/scheduling/v1";
import { performance } from "node:perf_hooks";
import { hasReason } from "../client/errors.ts";
import type { EventType } from "../client/event-recorder.ts";
import type { KubeClient, KubeObject } from "../client/kube-client.ts";
import { inNamespace, resources } from "../client/resources.ts";
import type { SharedIndexInformer } from "../client/shared-informer.ts";
import type { SharedInformerFactory } from "../client/shared-informer-factory.ts";
import { SchedulerCache } from "./cache.ts";
import { assignedPodUpdateEvent, nodeUpdateEvent, pendingPodChanged } from "./cluster-events.ts";
import { CycleState } from "./framework/cycle-state.ts";
import { FitError } from "./framework/fit-error.ts";
import { Framework, type Profile } from "./framework/framework.ts";
import type { QueuedPodInfo } from "./framework/plugin.ts";
import { podInfoFromPod, podKey, type PodInfo } from "./framework/pod-info.ts";
import { isRejection, SchedulingError, statusMessage, type Status } from "./framework/status.ts";
import type { SpreadOwners } from "./plugins/pod-topology-spread.ts";
import type { VolumeListers } from "./plugins/volume-binding.ts";
import { withResolvedPriority, type PriorityClasses } from "./pod-priority.ts";
import { unscheduledStatusPatch, type UnscheduledReason } from "./pod-status.ts";
import { SchedulingQueue } from "./queue/scheduling-queue.ts";

export interface SchedulerEvents {
  record(regarding: ObjectReference, type: EventType, reason: string, message: string): void;
}

export interface SchedulerOptions {
  client: KubeClient;
  informers: SharedInformerFactory;
  /** Built by makeProfiles, which receives what the plugins need from the cluster. */
  makeProfiles(cluster: ClusterView): readonly Profile[];
  events: SchedulerEvents;
  now?: () => number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** How often pods whose back-off ended move to the active queue (upstream: 1 s). */
  backoffFlushMs?: number;
  /** How often pods left unschedulable too long are retried (upstream: 30 s). */
  unschedulableFlushMs?: number;
  /** Told about failed API writes (status, deletes); they never stop the scheduler. */
  onError?: (error: unknown) => void;
}

/** What plugins may read from the scheduler's informer caches. */
export interface ClusterView {
  readonly spreadOwners: SpreadOwners;
  readonly volumes: VolumeListers;
}

interface Attempt {
  readonly framework: Framework;
  readonly queued: QueuedPodInfo;
  readonly cycle: number;
}

const podReference = (pod: PodInfo | Pod): ObjectReference => {
  const meta = "pod" in pod ? pod.pod.metadata : pod.metadata;
  return { apiVersion: "v1", kind: "Pod", namespace: meta?.namespace ?? "", name: meta?.name ?? "", uid: meta?.uid ?? "" };
};
const isTerminal = (pod: Pod) => pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class Scheduler {
  readonly cache: SchedulerCache;
  readonly queue: SchedulingQueue;
  readonly #options: SchedulerOptions;
  readonly #frameworks: ReadonlyMap<string, Framework>;
  readonly #pods: SharedIndexInformer<Pod>;
  readonly #nodes: SharedIndexInformer<Node>;
  readonly #priorityClasses: PriorityClasses;
  readonly #volumeInformers: VolumeInformers;
  readonly #now: () => number;
  readonly #bindings = new Set<Promise<void>>();
  #wake: (() => void) | undefined;
  readonly #stats = { bound: 0, attempts: 0, cycleMs: 0 };

  constructor(options: SchedulerOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    const informers = options.informers;
    this.#pods = informers.informerFor<Pod>(resources.pods);
    this.#nodes = informers.informerFor<Node>(resources.nodes);
    const priorityClassInformer = informers.informerFor<PriorityClass>(resources.priorityClasses);
    this.#priorityClasses = { get: (name) => priorityClassInformer.indexer.getByKey(name), list: () => priorityClassInformer.indexer.list() };
    const namespaces = informers.informerFor<Namespace>(resources.namespaces);
    this.cache = new SchedulerCache((name) => namespaces.indexer.getByKey(name)?.metadata?.labels);
    this.#volumeInformers = {
      claims: informers.informerFor<PersistentVolumeClaim>(resources.persistentVolumeClaims),
      volumes: informers.informerFor<PersistentVolume>(resources.persistentVolumes),
      storageClasses: informers.informerFor<StorageClass>(resources.storageClasses),
    };
    const profiles = options.makeProfiles({ spreadOwners: spreadOwnersFrom(informers), volumes: volumeListersFrom(this.#volumeInformers) });
    const frameworks = new Map<string, Framework>();
    for (const profile of profiles) frameworks.set(profile.schedulerName, new Framework(profile));
    this.#frameworks = frameworks;
    const first = [...frameworks.values()][0];
    if (first === undefined) throw new SchedulingError("the scheduler needs at least one profile");
    const all = [...frameworks.values()];
    this.queue = new SchedulingQueue({
      less: (left, right) => first.less(left, right),
      eventsFor: (plugins) => all.flatMap((framework) => framework.eventsFor(plugins)),
      now: this.#now,
      ...(options.initialBackoffMs === undefined ? {} : { initialBackoffMs: options.initialBackoffMs }),
      ...(options.maxBackoffMs === undefined ? {} : { maxBackoffMs: options.maxBackoffMs }),
    });
  }

  /** Pods bound, scheduling attempts, and the time spent in scheduling cycles (not binding), so far. */
  get stats(): Readonly<{ bound: number; attempts: number; cycleMs: number }> {
    return { ...this.#stats };
  }

  /** Runs until signal aborts; onReady is called once the caches are filled and cycles begin. */
  async start(signal: AbortSignal, onReady?: () => void): Promise<void> {
    const registrations = [
      this.#pods.addEventHandler({
        onAdd: (pod) => this.#podAdded(pod),
        onUpdate: (previous, next) => this.#podUpdated(previous, next),
        onDelete: (pod) => this.#podDeleted(pod),
      }),
      this.#nodes.addEventHandler({
        onAdd: (node) => this.#nodeAdded(node),
        onUpdate: (previous, next) => this.#nodeUpdated(previous, next),
        onDelete: (node) => this.cache.removeNode(node.metadata?.name ?? ""),
      }),
    ];
    for (const [resource, informer] of [
      ["PersistentVolumeClaim", this.#volumeInformers.claims],
      ["PersistentVolume", this.#volumeInformers.volumes],
      ["StorageClass", this.#volumeInformers.storageClasses],
    ] as const) {
      const informerOfAny = informer as SharedIndexInformer<KubeObject>;
      registrations.push(
        informerOfAny.addEventHandler({
          onAdd: () => this.#moved(this.queue.moveAllToActiveOrBackoff({ resource, action: "Add" })),
          onUpdate: () => this.#moved(this.queue.moveAllToActiveOrBackoff({ resource, action: "Update" })),
        }),
      );
    }
    const backoffTimer = setInterval(() => this.#moved(this.queue.flushBackoffCompleted()), this.#options.backoffFlushMs ?? 1000);
    const leftoverTimer = setInterval(() => this.#moved(this.queue.flushUnschedulableLeftover()), this.#options.unschedulableFlushMs ?? 30_000);
    const wakeOnAbort = () => this.#wake?.();
    signal.addEventListener("abort", wakeOnAbort, { once: true });
    try {
      if (!(await this.#options.informers.waitForSync(signal))) return;
      onReady?.();
      await this.#loop(signal);
    } finally {
      clearInterval(backoffTimer);
      clearInterval(leftoverTimer);
      signal.removeEventListener("abort", wakeOnAbort);
      for (const registration of registrations) registration.remove();
      while (this.#bindings.size > 0) await Promise.all([...this.#bindings]);
    }
  }

  async #loop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const queued = this.queue.pop();
      if (queued === undefined) {
        await new Promise<void>((resolve) => (this.#wake = resolve));
        this.#wake = undefined;
        continue;
      }
      const cycleStart = performance.now();
      this.#scheduleOne(queued);
      this.#stats.attempts++;
      this.#stats.cycleMs += performance.now() - cycleStart;
      // Informer events and binding answers are handled between cycles.
      await yieldToEventLoop();
    }
  }

  #scheduleOne(popped: QueuedPodInfo): void {
    const cycle = this.queue.schedulingCycle;
    const latest = this.#pods.indexer.getByKey(popped.podInfo.key);
    if (latest === undefined || latest.spec?.nodeName || latest.metadata?.deletionTimestamp || this.cache.isAssumed(popped.podInfo.key)) return;
    const framework = this.#frameworks.get(latest.spec?.schedulerName ?? "");
    if (framework === undefined) return;
    // The queue keeps the pod as it was added; a status write since (nominatedNodeName) must be seen.
    const queued =
      latest.metadata?.resourceVersion === popped.podInfo.pod.metadata?.resourceVersion
        ? popped
        : { ...popped, podInfo: podInfoFromPod(withResolvedPriority(latest, this.#priorityClasses)) };
    const attempt: Attempt = { framework, queued, cycle };
    const podInfo = queued.podInfo;
    const state = new CycleState();
    const result = framework.schedulePod(state, podInfo, this.cache.snapshot());
    switch (result.kind) {
      case "Scheduled": {
        this.cache.assumePod(podInfo, result.nodeName);
        const reserved = framework.runReserve(state, podInfo, result.nodeName);
        if (reserved.code !== "Success") {
          this.#undoAssume(attempt, state, result.nodeName);
          this.#failed(attempt, statusFailure(reserved, podInfo));
          return;
        }
        const permit = framework.runPermit(state, podInfo, result.nodeName);
        if (permit.status.code !== "Success" && permit.status.code !== "Wait") {
          this.#undoAssume(attempt, state, result.nodeName);
          this.#failed(attempt, statusFailure(permit.status, podInfo));
          return;
        }
        const binding = this.#bindingCycle(attempt, state, result.nodeName, permit.status.code === "Wait" ? permit.timeoutMs : 0);
        this.#bindings.add(binding);
        void binding.finally(() => this.#bindings.delete(binding));
        return;
      }
      case "Unschedulable":
        if (result.nominatedNodeName !== undefined) this.#preempt(podInfo, result.nominatedNodeName, result.victims, framework.profile.schedulerName);
        this.#failed(attempt, result.error, result.nominatedNodeName);
        return;
      case "Error":
        this.#failed(attempt, result.error);
        return;
    }
  }

  async #bindingCycle(attempt: Attempt, state: CycleState, nodeName: string, permitWaitMs: number): Promise<void> {
    const { framework, queued } = attempt;
    const podInfo = queued.podInfo;
    try {
      // No plugin here ever allows a waiting pod early, so a Wait ends as a rejection at its timeout.
      if (permitWaitMs > 0) {
        await new Promise((resolve) => setTimeout(resolve, permitWaitMs));
        throw new SchedulingError(`pod ${podInfo.key} rejected while waiting on permit: timed out after ${permitWaitMs} ms`);
      }
      const preBound = await framework.runPreBind(state, podInfo, nodeName);
      if (preBound.code !== "Success") throw statusFailure(preBound, podInfo);
      const bound = await framework.runBind(state, podInfo, nodeName);
      if (bound.code !== "Success") throw statusFailure(bound, podInfo);
      this.#stats.bound++;
      this.#options.events.record(podReference(podInfo), "Normal", "Scheduled", `Successfully assigned ${podInfo.key} to ${nodeName}`);
    } catch (error) {
      this.#undoAssume(attempt, state, nodeName);
      // The freed room may let another waiting pod fit, as if a bound pod had gone.
      this.#moved(this.queue.moveAllToActiveOrBackoff({ resource: "Pod", action: "Delete" }));
      const failure = error instanceof Error ? error : new SchedulingError(String(error));
      this.#failed(attempt, failure);
    }
  }

  #undoAssume(attempt: Attempt, state: CycleState, nodeName: string): void {
    attempt.framework.runUnreserve(state, attempt.queued.podInfo, nodeName);
    this.cache.forgetPod(attempt.queued.podInfo.key);
  }

  /** Back to the queue, then tell the user why: an Event and the PodScheduled condition. */
  #failed(attempt: Attempt, error: Error, nominatedNodeName?: string): void {
    const { queued, cycle } = attempt;
    queued.unschedulablePlugins = error instanceof FitError ? error.diagnosis.unschedulablePlugins : new Set();
    const latest = this.#pods.indexer.getByKey(queued.podInfo.key);
    // Bound meanwhile (by someone else) or gone: nothing to retry, nothing to report.
    if (latest === undefined || latest.spec?.nodeName) return;
    if (latest.metadata?.uid !== queued.podInfo.uid) return;
    this.queue.addUnschedulableIfNotPresent(queued, cycle);
    const reason: UnscheduledReason = error instanceof FitError ? "Unschedulable" : "SchedulerError";
    this.#options.events.record(podReference(latest), "Warning", "FailedScheduling", error.message);
    const patch = unscheduledStatusPatch(latest, reason, error.message, nominatedNodeName, new Date(this.#now()));
    if (patch === undefined) return;
    const api = inNamespace(resources.pods, queued.podInfo.namespace);
    this.#options.client.patch(api, queued.podInfo.name, "strategic", patch, { subresource: "status" }).catch((failure: unknown) => {
      if (!hasReason(failure, "NotFound")) this.#options.onError?.(failure);
    });
  }

  /** Upstream marks each victim with DisruptionTarget, deletes it and records Preempted. */
  #preempt(preemptor: PodInfo, nodeName: string, victims: readonly PodInfo[], schedulerName: string): void {
    for (const victim of victims) {
      const api = inNamespace(resources.pods, victim.namespace);
      const condition = {
        type: "DisruptionTarget",
        status: "True",
        reason: "PreemptionByScheduler",
        message: `${schedulerName}: preempting to accommodate a higher priority pod`,
        lastTransitionTime: new Date(this.#now()).toISOString().replace(/\.\d+Z$/, "Z"),
      };
      const evict = async () => {
        await this.#options.client.patch(api, victim.name, "strategic", { status: { conditions: [condition] } }, { subresource: "status" });
        await this.#options.client.delete(api, victim.name, { preconditions: { uid: victim.uid } });
        this.#options.events.record(podReference(victim), "Normal", "Preempted", `Preempted by pod ${preemptor.uid} on node ${nodeName}`);
      };
      evict().catch((failure: unknown) => {
        if (!hasReason(failure, "NotFound", "Conflict")) this.#options.onError?.(failure);
      });
    }
  }

  #responsibleFor(pod: Pod): boolean {
    return this.#frameworks.has(pod.spec?.schedulerName ?? "");
  }

  #podAdded(pod: Pod): void {
    if (isTerminal(pod)) return;
    const nodeName = pod.spec?.nodeName;
    if (nodeName) {
      this.cache.addOrUpdatePod(this.#infoOf(pod), nodeName);
      this.queue.delete(pod);
      this.#moved(this.queue.moveAllToActiveOrBackoff({ resource: "Pod", action: "Add" }));
      return;
    }
    if (!this.#responsibleFor(pod) || pod.metadata?.deletionTimestamp) return;
    this.queue.add(withResolvedPriority(pod, this.#priorityClasses));
    this.#wake?.();
  }

  #podUpdated(previous: Pod, next: Pod): void {
    if (isTerminal(next)) return this.#podDeleted(next);
    const nodeName = next.spec?.nodeName;
    if (nodeName) {
      if (!previous.spec?.nodeName) return this.#podAdded(next);
      this.cache.addOrUpdatePod(this.#infoOf(next), nodeName);
      const event = assignedPodUpdateEvent(previous, next);
      if (event !== undefined) this.#moved(this.queue.moveAllToActiveOrBackoff(event));
      return;
    }
    if (!this.#responsibleFor(next) || this.cache.isAssumed(podKey(next))) return;
    if (next.metadata?.deletionTimestamp) return this.queue.delete(next);
    if (!pendingPodChanged(previous, next)) return;
    this.queue.update(withResolvedPriority(next, this.#priorityClasses));
    this.#wake?.();
  }

  #podDeleted(pod: Pod): void {
    const key = podKey(pod);
    this.queue.delete(pod);
    if (!pod.spec?.nodeName) return;
    this.cache.removePod(key);
    this.#moved(this.queue.moveAllToActiveOrBackoff({ resource: "Pod", action: "Delete" }));
  }

  #nodeAdded(node: Node): void {
    this.cache.upsertNode(node);
    this.#moved(this.queue.moveAllToActiveOrBackoff({ resource: "Node", action: "Add" }));
  }

  #nodeUpdated(previous: Node, next: Node): void {
    const event = nodeUpdateEvent(previous, next);
    if (event === undefined) return;
    this.cache.upsertNode(next);
    this.#moved(this.queue.moveAllToActiveOrBackoff(event));
  }

  #infoOf(pod: Pod): PodInfo {
    return podInfoFromPod(withResolvedPriority(pod, this.#priorityClasses));
  }

  #moved(count: number): void {
    if (count > 0) this.#wake?.();
  }
}

function statusFailure(verdict: Status, pod: PodInfo): Error {
  const message = statusMessage(verdict) || verdict.code;
  if (verdict.cause instanceof Error && !isRejection(verdict)) return new SchedulingError(`binding ${pod.key}: ${message}`, { cause: verdict.cause });
  return new SchedulingError(message, { cause: verdict.cause });
}

function spreadOwnersFrom(informers: SharedInformerFactory): SpreadOwners {
  const services = informers.informerFor<Service>(resources.services);
  const controllers = informers.informerFor<ReplicationController>(resources.replicationControllers);
  const replicaSets = informers.informerFor<ReplicaSet>(resources.replicaSets);
  const statefulSets = informers.informerFor<StatefulSet>(resources.statefulSets);
  return {
    services: (namespace) => services.indexer.byIndex("namespace", namespace),
    replicationController: (namespace, name) => controllers.indexer.getByKey(`${namespace}/${name}`),
    replicaSet: (namespace, name) => replicaSets.indexer.getByKey(`${namespace}/${name}`),
    statefulSet: (namespace, name) => statefulSets.indexer.getByKey(`${namespace}/${name}`),
  };
}

interface VolumeInformers {
  readonly claims: SharedIndexInformer<PersistentVolumeClaim>;
  readonly volumes: SharedIndexInformer<PersistentVolume>;
  readonly storageClasses: SharedIndexInformer<StorageClass>;
}

function volumeListersFrom(informers: VolumeInformers): VolumeListers {
  return {
    claim: (namespace, name) => informers.claims.indexer.getByKey(`${namespace}/${name}`),
    volume: (name) => informers.volumes.indexer.getByKey(name),
    volumes: () => informers.volumes.indexer.list(),
    storageClass: (name) => informers.storageClasses.indexer.getByKey(name),
  };
}
