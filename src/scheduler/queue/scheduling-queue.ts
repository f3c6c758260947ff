// The pods waiting to be scheduled, in three places: active (ready, in queue
// order), back-off (failed recently, waiting 1 s doubling to 10 s) and
// unschedulable (waiting for a cluster event that could make them fit). Pure:
// time comes from an injected clock and the shell calls the flush methods.
import type { Pod } from "kubernetes-types/core/v1";
import { eventMatches, type ClusterEvent, type QueuedPodInfo } from "../framework/plugin.ts";
import { podInfoFromPod, podKey, type PodInfo } from "../framework/pod-info.ts";
import { KeyedHeap } from "./keyed-heap.ts";

export interface SchedulingQueueOptions {
  /** Queue order, usually Framework.less. */
  readonly less: (left: QueuedPodInfo, right: QueuedPodInfo) => boolean;
  /** The events that may help a pod the named plugins rejected (Framework.eventsFor). */
  readonly eventsFor: (plugins: ReadonlySet<string>) => readonly ClusterEvent[];
  readonly now: () => number;
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** An unschedulable pod is retried after this long even if no event helped it. */
  readonly maxInUnschedulableMs?: number;
}

export type QueueName = "active" | "backoff" | "unschedulable";

const DEFAULT_INITIAL_BACKOFF_MS = 1000;
const DEFAULT_MAX_BACKOFF_MS = 10_000;
const DEFAULT_MAX_IN_UNSCHEDULABLE_MS = 5 * 60 * 1000;

const queuedKey = (queued: QueuedPodInfo) => queued.podInfo.key;

export class SchedulingQueue {
  readonly #options: Required<SchedulingQueueOptions>;
  readonly #active: KeyedHeap<QueuedPodInfo>;
  readonly #backoff: KeyedHeap<QueuedPodInfo>;
  readonly #unschedulable = new Map<string, QueuedPodInfo>();
  /** Counts pops: the cycle a pod was attempted in tells whether an event came during its attempt. */
  #schedulingCycle = 0;
  #moveRequestCycle = -1;

  constructor(options: SchedulingQueueOptions) {
    this.#options = {
      initialBackoffMs: DEFAULT_INITIAL_BACKOFF_MS,
      maxBackoffMs: DEFAULT_MAX_BACKOFF_MS,
      maxInUnschedulableMs: DEFAULT_MAX_IN_UNSCHEDULABLE_MS,
      ...options,
    };
    this.#active = new KeyedHeap(queuedKey, options.less);
    this.#backoff = new KeyedHeap(queuedKey, (left, right) => this.backoffExpiry(left) < this.backoffExpiry(right));
  }

  get schedulingCycle(): number {
    return this.#schedulingCycle;
  }

  /** A new pending pod goes straight to the active queue. */
  add(pod: Pod): void {
    const podInfo = podInfoFromPod(pod);
    this.#removeEverywhere(podInfo.key);
    this.#active.upsert({ podInfo, timestamp: this.#options.now(), attempts: 0, unschedulablePlugins: new Set() });
  }

  /** The next pod to schedule, or undefined when none is active. */
  pop(): QueuedPodInfo | undefined {
    const next = this.#active.pop();
    if (next === undefined) return undefined;
    this.#schedulingCycle++;
    next.attempts++;
    return next;
  }

  /**
   * Puts back a pod that failed in the cycle numbered podSchedulingCycle. If an
   * event arrived meanwhile, or no plugin rejected it (an error), it only
   * backs off; otherwise it waits for an event that helps.
   */
  addUnschedulableIfNotPresent(queued: QueuedPodInfo, podSchedulingCycle: number): QueueName | undefined {
    const key = queued.podInfo.key;
    if (this.#active.has(key) || this.#backoff.has(key) || this.#unschedulable.has(key)) return undefined;
    queued.timestamp = this.#options.now();
    if (this.#moveRequestCycle >= podSchedulingCycle || queued.unschedulablePlugins.size === 0) {
      this.#backoff.upsert(queued);
      return "backoff";
    }
    this.#unschedulable.set(key, queued);
    return "unschedulable";
  }

  /** 1 s after the first attempt, doubling per attempt, at most 10 s. */
  backoffDuration(queued: QueuedPodInfo): number {
    let duration = this.#options.initialBackoffMs;
    for (let attempt = 1; attempt < queued.attempts; attempt++) {
      if (duration > this.#options.maxBackoffMs - duration) return this.#options.maxBackoffMs;
      duration += duration;
    }
    return Math.min(duration, this.#options.maxBackoffMs);
  }

  backoffExpiry(queued: QueuedPodInfo): number {
    return queued.timestamp + this.backoffDuration(queued);
  }

  /** Moves unschedulable pods that the event could help; returns how many moved. */
  moveAllToActiveOrBackoff(event: ClusterEvent): number {
    let moved = 0;
    for (const queued of [...this.#unschedulable.values()]) {
      const helps = this.#options.eventsFor(queued.unschedulablePlugins).some((registered) => eventMatches(registered, event));
      if (!helps) continue;
      this.#unschedulable.delete(queued.podInfo.key);
      this.#requeue(queued);
      moved++;
    }
    this.#moveRequestCycle = this.#schedulingCycle;
    return moved;
  }

  /** Moves pods whose back-off is over to the active queue (the shell calls this every second). */
  flushBackoffCompleted(): number {
    const now = this.#options.now();
    let moved = 0;
    while (true) {
      const head = this.#backoff.peek();
      if (head === undefined || this.backoffExpiry(head) > now) return moved;
      this.#backoff.pop();
      this.#active.upsert(head);
      moved++;
    }
  }

  /** Retries pods that waited in unschedulable for too long (the shell calls this every 30 s). */
  flushUnschedulableLeftover(): number {
    const now = this.#options.now();
    let moved = 0;
    for (const queued of [...this.#unschedulable.values()]) {
      if (now - queued.timestamp <= this.#options.maxInUnschedulableMs) continue;
      this.#unschedulable.delete(queued.podInfo.key);
      this.#requeue(queued);
      moved++;
    }
    return moved;
  }

  /** A pending pod changed: its new spec may fit now, so an unschedulable pod is retried. */
  update(pod: Pod): void {
    const key = podKey(pod);
    const podInfo = podInfoFromPod(pod);
    const inActive = this.#active.get(key);
    if (inActive !== undefined) return this.#active.upsert({ ...inActive, podInfo });
    const inBackoff = this.#backoff.get(key);
    if (inBackoff !== undefined) return this.#backoff.upsert({ ...inBackoff, podInfo });
    const unschedulable = this.#unschedulable.get(key);
    if (unschedulable === undefined) return this.add(pod);
    this.#unschedulable.delete(key);
    this.#requeue({ ...unschedulable, podInfo });
  }

  /** The pod was bound elsewhere or deleted. */
  delete(pod: Pod): void {
    this.#removeEverywhere(podKey(pod));
  }

  /** Where the pod waits now, if anywhere. */
  whereIs(key: string): QueueName | undefined {
    if (this.#active.has(key)) return "active";
    if (this.#backoff.has(key)) return "backoff";
    if (this.#unschedulable.has(key)) return "unschedulable";
    return undefined;
  }

  pendingPods(): { active: PodInfo[]; backoff: PodInfo[]; unschedulable: PodInfo[] } {
    return {
      active: this.#active.values().map((queued) => queued.podInfo),
      backoff: this.#backoff.values().map((queued) => queued.podInfo),
      unschedulable: [...this.#unschedulable.values()].map((queued) => queued.podInfo),
    };
  }

  #requeue(queued: QueuedPodInfo): void {
    if (this.backoffExpiry(queued) > this.#options.now()) this.#backoff.upsert(queued);
    else this.#active.upsert(queued);
  }

  #removeEverywhere(key: string): void {
    this.#active.delete(key);
    this.#backoff.delete(key);
    this.#unschedulable.delete(key);
  }
}
