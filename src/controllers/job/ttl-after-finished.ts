// The TTL-after-finished controller: deletes a finished Job
// ttlSecondsAfterFinished after its Complete or Failed condition appeared,
// checking a fresh read first (the TTL may have been changed) and deleting
// only that very object (uid precondition). Waits by requeueing, never polls.
import type { Job } from "kubernetes-types/batch/v1";
import { realClock, type Clock } from "../../client/clock.ts";
import { hasReason } from "../../client/errors.ts";
import type { KubeClient } from "../../client/kube-client.ts";
import { objectKey, splitObjectKey } from "../../client/object-key.ts";
import { inNamespace, resources } from "../../client/resources.ts";
import { longestWaitMs } from "./status.ts";
import { Runner, type Reconciler, type Requeue, type RunnerOptions } from "../runner.ts";
import type { WatchedCache } from "../watched-cache.ts";

/** When a finished Job with a TTL expires; undefined while it runs, has no TTL, or is already being deleted. */
export function ttlExpiryMs(job: Job): number | undefined {
  const ttl = job.spec?.ttlSecondsAfterFinished;
  if (ttl == null || job.metadata?.deletionTimestamp != null) return undefined;
  const finished = job.status?.conditions?.find((c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True");
  if (finished === undefined) return undefined;
  const finishedAt = Date.parse(finished.lastTransitionTime ?? "");
  return Number.isNaN(finishedAt) ? undefined : finishedAt + ttl * 1000;
}

export interface TtlAfterFinishedControllerOptions {
  client: KubeClient;
  jobs: WatchedCache<Job>;
  clock?: Clock;
  workers?: number;
  runner?: Omit<RunnerOptions, "workers" | "clock">;
}

export class TtlAfterFinishedController implements Reconciler {
  readonly name = "ttl-after-finished";
  private readonly runner: Runner;
  private readonly client: KubeClient;
  private readonly jobs: WatchedCache<Job>;
  private readonly clock: Clock;

  constructor(options: TtlAfterFinishedControllerOptions) {
    this.client = options.client;
    this.jobs = options.jobs;
    this.clock = options.clock ?? realClock;
    this.runner = new Runner(this, { ...options.runner, workers: options.workers ?? 5, clock: this.clock });
    const enqueue = (job: Job) => {
      if (job.metadata?.deletionTimestamp == null && job.spec?.ttlSecondsAfterFinished != null) this.runner.enqueue(objectKey(job));
    };
    this.jobs.subscribe({ onAdd: enqueue, onUpdate: (_previous, job) => enqueue(job), onDelete: () => {} });
  }

  start(signal: AbortSignal): Promise<void> {
    return this.runner.start(signal);
  }

  async sync(key: string, signal: AbortSignal): Promise<Requeue | void> {
    const cached = this.jobs.get(key);
    if (cached === undefined) return;
    const cachedExpiry = ttlExpiryMs(cached);
    if (cachedExpiry === undefined) return;
    if (cachedExpiry > this.clock.now()) return { requeueAfterMs: Math.min(cachedExpiry - this.clock.now(), longestWaitMs) };
    const { namespace, name } = splitObjectKey(key);
    const api = inNamespace(resources.jobs, namespace);
    let fresh: Job;
    try {
      fresh = await this.client.get<Job>(api, name, { signal });
    } catch (error) {
      if (hasReason(error, "NotFound")) return;
      throw error;
    }
    const expiry = ttlExpiryMs(fresh);
    if (expiry === undefined) return;
    if (expiry > this.clock.now()) return { requeueAfterMs: Math.min(expiry - this.clock.now(), longestWaitMs) };
    try {
      // Background, not upstream's Foreground: the Job goes at once and the garbage collector removes its pods after.
      await this.client.delete(api, name, { propagationPolicy: "Background", preconditions: { uid: fresh.metadata?.uid ?? "" }, signal });
    } catch (error) {
      if (!hasReason(error, "NotFound", "Conflict")) throw error;
    }
  }
}
