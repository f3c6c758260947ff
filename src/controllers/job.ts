// The Job controller (batch/v1): runs pods from the Job's template until
// enough succeed (or, with no completions, until one succeeds and the rest
// end), replaces failed ones after an exponential back-off, fails the Job on
// its backoff limit or active deadline, suspends it on request. Pods carry the
// batch.kubernetes.io/job-tracking finalizer: a finished pod is first
// recorded in status.uncountedTerminatedPods, then loses its finalizer, then
// moves into the counters, so no pod is counted twice or lost. Like upstream
// 1.32, a Job first gets SuccessCriteriaMet / FailureTarget and only once its
// pods are all accounted for and gone, Complete / Failed.
import type { Job, JobCondition, JobStatus } from "kubernetes-types/batch/v1";
import type { Pod } from "kubernetes-types/core/v1";
import { LabelSelectorError, labelSelectorFromObject, type LabelSelector } from "../api/label-selector.ts";
import { realClock, type Clock } from "../client/clock.ts";
import { hasReason } from "../client/errors.ts";
import type { KubeClient, KubeObject, ResourceRef } from "../client/kube-client.ts";
import { objectKey, splitObjectKey } from "../client/object-key.ts";
import { inNamespace, resources } from "../client/resources.ts";
import { adoptionPatch, claim, controllerRefFor, controllerRefOf, type Owner } from "./controller-ref.ts";
import { typed, type EventSink } from "./event-sink.ts";
import { Expectations } from "./expectations.ts";
import { informerCache } from "./informer-cache.ts";
import { defaultPodFailureBackoffMs, maxPodFailureBackoffMs, nextBackoffRecord, noBackoff, remainingBackoffMs, type BackoffRecord } from "./job/backoff.ts";
import { TtlAfterFinishedController } from "./job/ttl-after-finished.ts";
import { completionIndexKey, completionIndexOf, formatIndexes, indexesToCreate } from "./job/indexes.ts";
import {
  checkFailure,
  completionsReached,
  countReleased,
  hasTrackingFinalizer,
  interimConditionType,
  isComplete,
  isIndexed,
  isSuspended,
  jobTrackingFinalizer,
  longestWaitMs,
  maxPodChangesPerSync,
  recordedFinish,
  replacesOnlyFailedPods,
  tallyPods,
  terminalConditionOf,
  trackFinishedPods,
  wantedActive,
  type Finish,
  type PodTally,
} from "./job/status.ts";
import type { ControllerContext, StartableController } from "./manager.ts";
import { isPodReady, podsToDelete } from "./pod-ranking.ts";
import { Runner, TerminalSyncError, type Reconciler, type Requeue, type RunnerOptions } from "./runner.ts";
import { slowStart } from "./slow-start.ts";
import type { WatchedCache } from "./watched-cache.ts";

const fieldManager = "job-controller";
/** The spec.managedBy value that leaves a Job to this controller (as does no value). */
export const jobControllerName = "kubernetes.io/job-controller";

export interface JobControllerOptions {
  client: KubeClient;
  jobs: WatchedCache<Job>;
  pods: WatchedCache<Pod>;
  events: EventSink;
  clock?: Clock;
  workers?: number;
  /** The pod failure back-off: first delay and cap (upstream 10 s and 10 min). */
  podFailureBackoff?: { baseMs: number; maxMs: number };
  runner?: Omit<RunnerOptions, "workers" | "clock">;
}

function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");
}

function timeMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

function condition(type: string, status: "True" | "False", reason: string, message: string, nowMs: number): JobCondition {
  return { type, status, reason, message, lastProbeTime: timestamp(nowMs), lastTransitionTime: timestamp(nowMs) };
}

/** Sets a condition's status, keeping it as it is when already so; true when it changed. */
function ensureCondition(status: JobStatus, next: JobCondition): boolean {
  const conditions = (status.conditions ??= []);
  const existing = conditions.find((c) => c.type === next.type);
  if (existing === undefined) {
    // A False Suspended condition on a Job never suspended says nothing.
    if (next.status === "False" && next.type === "Suspended") return false;
    conditions.push(next);
    return true;
  }
  if (existing.status === next.status) return false;
  Object.assign(existing, next);
  return true;
}

function safeSelector(job: Job): LabelSelector | undefined {
  try {
    return labelSelectorFromObject(job.spec?.selector);
  } catch (error) {
    if (error instanceof LabelSelectorError) return undefined;
    throw error;
  }
}

const typedJob = (job: Job) => typed(job, "batch/v1", "Job");

export class JobController implements Reconciler {
  readonly name = "job";
  readonly expectations: Expectations;
  private readonly runner: Runner;
  private readonly client: KubeClient;
  private readonly jobs: WatchedCache<Job>;
  private readonly pods: WatchedCache<Pod>;
  private readonly events: EventSink;
  private readonly clock: Clock;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  /** Per Job key, uids of pods whose finalizer removal was sent but not yet seen by the pod cache. */
  private readonly finalizerRemovals = new Map<string, Set<string>>();
  private readonly backoffs = new Map<string, BackoffRecord>();

  constructor(options: JobControllerOptions) {
    this.client = options.client;
    this.jobs = options.jobs;
    this.pods = options.pods;
    this.events = options.events;
    this.clock = options.clock ?? realClock;
    this.backoffBaseMs = options.podFailureBackoff?.baseMs ?? defaultPodFailureBackoffMs;
    this.backoffMaxMs = options.podFailureBackoff?.maxMs ?? maxPodFailureBackoffMs;
    this.expectations = new Expectations(this.clock);
    this.runner = new Runner(this, { ...options.runner, workers: options.workers ?? 5, clock: this.clock });
    this.jobs.subscribe({
      onAdd: (job) => this.runner.enqueue(objectKey(job)),
      onUpdate: (_previous, job) => this.runner.enqueue(objectKey(job)),
      onDelete: (job) => {
        this.forget(objectKey(job));
        this.runner.enqueue(objectKey(job));
      },
    });
    this.pods.subscribe({
      onAdd: (pod) => this.podChanged(pod, true),
      onUpdate: (_previous, pod) => this.podChanged(pod, false),
      onDelete: (pod) => this.podDeleted(pod),
    });
  }

  start(signal: AbortSignal): Promise<void> {
    return this.runner.start(signal);
  }

  private forget(key: string): void {
    this.expectations.delete(key);
    this.finalizerRemovals.delete(key);
    this.backoffs.delete(key);
  }

  /** The key of the Job a pod's controller reference names (the Job may be gone). */
  private jobKeyOf(pod: Pod): string | undefined {
    const ref = controllerRefOf(pod);
    if (ref === undefined || ref.kind !== "Job") return undefined;
    return `${pod.metadata?.namespace ?? ""}/${ref.name}`;
  }

  private ownedByCurrentJob(pod: Pod, key: string): boolean {
    return this.jobs.get(key)?.metadata?.uid === controllerRefOf(pod)?.uid;
  }

  private podChanged(pod: Pod, added: boolean): void {
    const key = this.jobKeyOf(pod);
    if (key === undefined) {
      if (added) this.enqueueMatching(pod);
      return;
    }
    if (!hasTrackingFinalizer(pod)) this.finalizerRemovals.get(key)?.delete(pod.metadata?.uid ?? "");
    if (this.ownedByCurrentJob(pod, key)) {
      if (added && pod.metadata?.deletionTimestamp == null) this.expectations.creationObserved(key);
      if (pod.metadata?.deletionTimestamp != null) this.expectations.deletionObserved(key, objectKey(pod));
    }
    this.runner.enqueue(key);
  }

  private podDeleted(pod: Pod): void {
    const key = this.jobKeyOf(pod);
    if (key === undefined) return;
    this.finalizerRemovals.get(key)?.delete(pod.metadata?.uid ?? "");
    this.expectations.deletionObserved(key, objectKey(pod));
    this.runner.enqueue(key);
  }

  /** Jobs an orphan could be adopted by. */
  private enqueueMatching(pod: Pod): void {
    for (const job of this.jobs.list(pod.metadata?.namespace ?? "")) {
      const selector = safeSelector(job);
      if (selector !== undefined && !selector.isEmpty() && selector.matches(pod.metadata?.labels)) this.runner.enqueue(objectKey(job));
    }
  }

  async sync(key: string, signal: AbortSignal): Promise<Requeue | void> {
    const job = this.jobs.get(key);
    const { namespace, name } = splitObjectKey(key);
    // Another controller (spec.managedBy) owns this Job's pods and status.
    if (job?.spec?.managedBy != null && job.spec.managedBy !== jobControllerName) return;
    const finished = job !== undefined && terminalConditionOf(job) !== undefined;
    await this.releaseStrayPods(namespace, name, finished ? undefined : job?.metadata?.uid, signal);
    if (job === undefined) {
      this.forget(key);
      return;
    }
    if (finished) {
      this.backoffs.delete(key);
      return;
    }
    const selector = safeSelector(job);
    if (selector === undefined) throw new TerminalSyncError(`Job ${key} has an invalid selector`);
    const owned = await this.claimPods(job, selector, signal);

    const satisfied = this.expectations.satisfied(key);
    const expectedRemovals = this.finalizerRemovals.get(key) ?? new Set<string>();
    const tally = tallyPods(job, owned, expectedRemovals);
    const now = this.clock.now();
    const status: JobStatus = structuredClone(job.status ?? {});
    status.uncountedTerminatedPods ??= {};
    let statusChanged = false;
    if (status.startTime == null && !isSuspended(job)) {
      status.startTime = timestamp(now);
      statusChanged = true;
    }
    const backoff = nextBackoffRecord(this.backoffs.get(key) ?? noBackoff, tally.newSucceeded, tally.newFailed);

    let requeueAfterMs: number | undefined;
    let finish = recordedFinish(job);
    if (finish === undefined) {
      const check = checkFailure(job, owned, tally.failed, timeMs(status.startTime ?? undefined), now);
      finish = check.finish;
      requeueAfterMs = check.deadlineInMs;
    }
    let active = tally.active.length;
    let ready = tally.ready;
    let terminating = tally.terminating;
    let manageError: unknown;
    if (finish !== undefined) {
      const deletion = await this.deletePods(key, job, tally.active, false, signal);
      // Not finished while some pods could not be deleted or the cache may lack some.
      if (deletion.deleted !== active || !satisfied) finish = undefined;
      active -= deletion.deleted;
      ready -= deletion.deletedReady;
      terminating += deletion.deleted;
      manageError = deletion.error;
    } else {
      let managed = false;
      if (satisfied && job.metadata?.deletionTimestamp == null) {
        const result = await this.manage(key, job, tally, backoff, now, signal);
        active -= result.deleted;
        ready -= result.deletedReady;
        terminating += result.deleted;
        active += result.created;
        manageError = result.error;
        if (result.requeueAfterMs !== undefined) requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, result.requeueAfterMs);
        managed = true;
      }
      if (isComplete(job, tally.succeeded, active)) finish = completionsReached;
      else if (managed) statusChanged = this.updateSuspension(job, status, now) || statusChanged;
    }

    const counts = { active: active > 0 ? active : undefined, ready, terminating };
    if (counts.active !== status.active || counts.ready !== status.ready || counts.terminating !== status.terminating) statusChanged = true;
    if (counts.active === undefined) delete status.active;
    else status.active = counts.active;
    status.ready = ready;
    status.terminating = terminating;
    await this.trackAndRecord(key, job, owned, tally, status, finish, backoff, statusChanged, signal);
    if (manageError !== undefined) throw manageError;
    if (requeueAfterMs !== undefined) return { requeueAfterMs: Math.min(Math.max(requeueAfterMs, 0) + 10, longestWaitMs) };
  }

  /** Suspended / resumed conditions and events; resuming restarts the active deadline. */
  private updateSuspension(job: Job, status: JobStatus, now: number): boolean {
    if (isSuspended(job)) {
      const changed = ensureCondition(status, condition("Suspended", "True", "JobSuspended", "Job suspended", now));
      if (changed) this.events.record(typedJob(job), "Normal", "Suspended", "Job suspended");
      return changed;
    }
    const changed = ensureCondition(status, condition("Suspended", "False", "JobResumed", "Job resumed", now));
    if (changed) {
      this.events.record(typedJob(job), "Normal", "Resumed", "Job resumed");
      status.startTime = timestamp(now);
    }
    return changed;
  }

  /** Owned pods matching the selector, adopting matching orphans as upstream's ClaimPods does. */
  private async claimPods(job: Job, selector: LabelSelector, signal: AbortSignal): Promise<Pod[]> {
    const namespace = job.metadata?.namespace ?? "";
    const owner: Owner = { apiVersion: "batch/v1", kind: "Job", name: job.metadata?.name ?? "", uid: job.metadata?.uid ?? "", deleting: job.metadata?.deletionTimestamp != null };
    const claims = claim(owner, selector, this.pods.list(namespace));
    const owned = claims.owned.filter((pod) => !claims.adopt.includes(pod));
    const podsApi = inNamespace(resources.pods, namespace);
    for (const pod of claims.adopt) {
      // Finished orphans stay orphans: counting them would change the Job's history.
      if (pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") continue;
      try {
        owned.push(await this.client.patch<Pod>(podsApi, pod.metadata?.name ?? "", "merge", adoptionPatch(owner, pod), { fieldManager, signal }));
      } catch (error) {
        if (!hasReason(error, "NotFound", "Conflict")) throw error;
      }
    }
    return owned;
  }

  /** Pods still holding the tracking finalizer for a Job that is gone, finished, or was replaced by a namesake (activeUid: the Job still counting). */
  private async releaseStrayPods(namespace: string, jobName: string, activeUid: string | undefined, signal: AbortSignal): Promise<void> {
    const stray = this.pods.list(namespace).filter((pod) => {
      const ref = controllerRefOf(pod);
      return ref?.kind === "Job" && ref.name === jobName && ref.uid !== activeUid && hasTrackingFinalizer(pod);
    });
    await Promise.all(stray.map((pod) => this.removeFinalizer(pod, signal)));
  }

  /** Takes the tracking finalizer off; true when it is off (or the pod is gone). */
  private async removeFinalizer(pod: Pod, signal: AbortSignal): Promise<boolean> {
    const finalizers = pod.metadata?.finalizers ?? [];
    const at = finalizers.indexOf(jobTrackingFinalizer);
    if (at < 0) return true;
    // A test-and-remove patch is immune to status churn yet fails if the list was reordered meanwhile.
    const patch = [
      { op: "test", path: `/metadata/finalizers/${at}`, value: jobTrackingFinalizer },
      { op: "remove", path: `/metadata/finalizers/${at}` },
    ];
    try {
      await this.client.patch<Pod>(inNamespace(resources.pods, pod.metadata?.namespace ?? ""), pod.metadata?.name ?? "", "json", patch, { fieldManager, signal });
      return true;
    } catch (error) {
      if (hasReason(error, "NotFound")) return true;
      throw error;
    }
  }

  private async manage(key: string, job: Job, tally: PodTally, backoff: BackoffRecord, now: number, signal: AbortSignal): Promise<{ created: number; deleted: number; deletedReady: number; error?: unknown; requeueAfterMs?: number }> {
    const active = tally.active;
    if (isSuspended(job)) return { created: 0, ...(await this.deletePods(key, job, active, true, signal)) };
    const want = wantedActive(job, tally.succeeded, active.length);
    const surplus = isIndexed(job) ? this.indexedSurplus(job, tally, want) : podsToDelete(active, active, Math.max(0, active.length - want), now);
    if (surplus.length > 0) return { created: 0, ...(await this.deletePods(key, job, surplus.slice(0, maxPodChangesPerSync), true, signal)) };
    // Replacing only Failed pods: a pod still terminating holds its place until it has failed.
    const held = replacesOnlyFailedPods(job) ? tally.terminating : 0;
    if (active.length + held >= want) return { created: 0, deleted: 0, deletedReady: 0 };
    const wait = remainingBackoffMs(backoff, now, this.backoffBaseMs, this.backoffMaxMs);
    if (wait > 0) return { created: 0, deleted: 0, deletedReady: 0, requeueAfterMs: wait };
    const count = Math.min(want - active.length - held, maxPodChangesPerSync);
    const indexes = isIndexed(job)
      ? indexesToCreate(job.spec?.completions ?? 0, tally.succeededIndexes, new Set(active.map(completionIndexOf).filter((i): i is number => i !== undefined)), count)
      : undefined;
    const templates = indexes === undefined ? Array.from({ length: count }, () => podForJob(job)) : indexes.map((index) => podForJob(job, index));
    const created = await this.createPods(key, job, templates, signal);
    return { created: created.created, deleted: 0, deletedReady: 0, ...(created.error === undefined ? {} : { error: created.error }) };
  }

  /** Active pods of an Indexed Job that must go: no valid index, an index already done, a second pod for an index, or more than wanted. */
  private indexedSurplus(job: Job, tally: PodTally, want: number): Pod[] {
    const completions = job.spec?.completions ?? 0;
    const seen = new Set<number>();
    const surplus: Pod[] = [];
    const keep: Pod[] = [];
    const byIndex = [...tally.active].sort((a, b) => (completionIndexOf(a) ?? -1) - (completionIndexOf(b) ?? -1));
    for (const pod of byIndex) {
      const index = completionIndexOf(pod);
      if (index === undefined || index >= completions || tally.succeededIndexes.has(index) || seen.has(index)) surplus.push(pod);
      else {
        seen.add(index);
        keep.push(pod);
      }
    }
    return [...surplus, ...keep.slice(Math.max(0, want)).reverse()];
  }

  private async createPods(key: string, job: Job, pods: Pod[], signal: AbortSignal): Promise<{ created: number; error?: unknown }> {
    if (pods.length === 0) return { created: 0 };
    const podsApi = inNamespace(resources.pods, job.metadata?.namespace ?? "");
    this.expectations.expectCreations(key, pods.length);
    let next = 0;
    const result = await slowStart(pods.length, async () => {
      const pod = pods[next++]!;
      try {
        const created = await this.client.create<Pod>(podsApi, pod, { fieldManager, signal });
        this.events.record(typedJob(job), "Normal", "SuccessfulCreate", `Created pod: ${created.metadata?.name ?? ""}`);
      } catch (error) {
        this.expectations.creationObserved(key);
        if (hasReason(error, "Forbidden") && /being terminated/.test(String((error as Error).message))) return;
        this.events.record(typedJob(job), "Warning", "FailedCreate", `Error creating: ${(error as Error).message}`);
        throw error;
      }
    });
    for (let i = 0; i < result.skipped; i++) this.expectations.creationObserved(key);
    return result.error === undefined ? { created: result.succeeded } : { created: result.succeeded, error: result.error };
  }

  /**
   * Deletes pods. stripFirst takes the tracking finalizer off before deleting,
   * for pods the Job gives up (suspension, surplus) that must not count as
   * failures; a failing Job keeps it so its unfinished pods count as failed.
   */
  private async deletePods(key: string, job: Job, pods: readonly Pod[], stripFirst: boolean, signal: AbortSignal): Promise<{ deleted: number; deletedReady: number; error?: unknown }> {
    if (pods.length === 0) return { deleted: 0, deletedReady: 0 };
    const podsApi = inNamespace(resources.pods, job.metadata?.namespace ?? "");
    this.expectations.expectDeletions(key, pods.map(objectKey));
    let deleted = 0;
    let deletedReady = 0;
    let firstError: unknown;
    await Promise.all(
      pods.map(async (pod) => {
        try {
          if (stripFirst) await this.removeFinalizer(pod, signal);
          await this.client.delete(podsApi, pod.metadata?.name ?? "", { signal });
          this.events.record(typedJob(job), "Normal", "SuccessfulDelete", `Deleted pod: ${pod.metadata?.name ?? ""}`);
        } catch (error) {
          this.expectations.deletionObserved(key, objectKey(pod));
          if (!hasReason(error, "NotFound")) {
            firstError ??= error;
            this.events.record(typedJob(job), "Warning", "FailedDelete", `Error deleting: ${(error as Error).message}`);
            return;
          }
        }
        deleted++;
        if (isPodReady(pod)) deletedReady++;
      }),
    );
    return firstError === undefined ? { deleted, deletedReady } : { deleted, deletedReady, error: firstError };
  }

  /**
   * Records finished pods as uncounted, removes their finalizers, moves them
   * into the counters, and finishes the Job once nothing is uncounted or
   * terminating: upstream's order, so a crash at any point loses no count.
   */
  private async trackAndRecord(key: string, job: Job, owned: Pod[], tally: PodTally, status: JobStatus, finish: Finish | undefined, backoff: BackoffRecord, changed: boolean, signal: AbortSignal): Promise<void> {
    const expected = this.finalizerRemovals.get(key) ?? new Set<string>();
    const withFinalizer = new Set(owned.filter((pod) => hasTrackingFinalizer(pod) && !expected.has(pod.metadata?.uid ?? "")).map((pod) => pod.metadata?.uid ?? ""));
    let needsFlush = countReleased(status, withFinalizer) || changed;
    const tracking = trackFinishedPods({ ...job, status }, owned, expected, finish, tally.previousIndexes);
    const before = status.uncountedTerminatedPods ?? {};
    if (tracking.uncountedSucceeded.length !== (before.succeeded ?? []).length || tracking.uncountedFailed.length !== (before.failed ?? []).length) needsFlush = true;
    status.uncountedTerminatedPods = {
      ...(tracking.uncountedSucceeded.length > 0 ? { succeeded: tracking.uncountedSucceeded } : {}),
      ...(tracking.uncountedFailed.length > 0 ? { failed: tracking.uncountedFailed } : {}),
    };
    if (isIndexed(job)) {
      const indexes = formatIndexes([...tally.previousIndexes, ...tracking.newIndexes]);
      if (indexes !== (status.completedIndexes ?? "")) needsFlush = true;
      // Empty values stay out of the status, as upstream's omitempty fields do.
      if (indexes === "") delete status.completedIndexes;
      else status.completedIndexes = indexes;
      const succeeded = tally.previousIndexes.size + tracking.newIndexes.length;
      if (succeeded > 0) status.succeeded = succeeded;
    }
    const now = this.clock.now();
    if (finish !== undefined && !status.conditions?.some((c) => c.type === interimConditionType[finish.type] && c.status === "True")) {
      (status.conditions ??= []).push(condition(interimConditionType[finish.type], "True", finish.reason, finish.message, now));
      needsFlush = true;
    }
    let current = job;
    if (needsFlush) {
      current = await this.writeStatus(current, status, signal);
      this.backoffs.set(key, backoff);
      needsFlush = false;
    }
    if (tracking.toStrip.length > 0) {
      const awaited = this.finalizerRemovals.get(key) ?? new Set<string>();
      this.finalizerRemovals.set(key, awaited);
      let stripError: unknown;
      await Promise.all(
        tracking.toStrip.map(async (pod) => {
          const uid = pod.metadata?.uid ?? "";
          awaited.add(uid);
          try {
            if (await this.removeFinalizer(pod, signal)) withFinalizer.delete(uid);
          } catch (error) {
            awaited.delete(uid);
            stripError ??= error;
          }
        }),
      );
      if (countReleased(status, withFinalizer)) needsFlush = true;
      if (stripError !== undefined) {
        if (needsFlush) await this.writeStatus(current, status, signal);
        throw stripError;
      }
    }
    const uncounted = status.uncountedTerminatedPods ?? {};
    const settled = (uncounted.succeeded ?? []).length + (uncounted.failed ?? []).length === 0 && (status.terminating ?? 0) === 0;
    const finished = finish !== undefined && settled;
    if (finished) {
      ensureCondition(status, condition(finish.type, "True", finish.reason, finish.message, now));
      if (finish.type === "Complete") status.completionTime = timestamp(now);
      needsFlush = true;
    }
    if (needsFlush) await this.writeStatus(current, status, signal);
    if (!finished) return;
    if (finish.type === "Complete") {
      const completions = job.spec?.completions;
      if (completions != null && (status.succeeded ?? 0) > completions) {
        this.events.record(typedJob(job), "Warning", "TooManySucceededPods", "Too many succeeded pods running after completion count reached");
      }
      this.events.record(typedJob(job), "Normal", "Completed", "Job completed");
    } else {
      this.events.record(typedJob(job), "Warning", finish.reason, finish.message);
    }
  }

  /** PUT status on the version read; a conflict is a retry of the whole sync on a fresher cache. */
  private async writeStatus(job: Job, status: JobStatus, signal: AbortSignal): Promise<Job> {
    const { name, namespace, resourceVersion, uid } = job.metadata ?? {};
    const body: Job = { apiVersion: "batch/v1", kind: "Job", metadata: { name, namespace, resourceVersion, uid }, spec: job.spec, status };
    return this.client.updateStatus<Job>(inNamespace(resources.jobs, namespace ?? ""), body, { fieldManager, signal });
  }
}

/** A pod as the Job's template describes it, with the tracking finalizer; Indexed Jobs name and mark its index. */
export function podForJob(job: Job, index?: number): Pod {
  const template = structuredClone(job.spec?.template ?? {});
  const meta = template.metadata ?? {};
  const jobName = job.metadata?.name ?? "";
  const spec = template.spec ?? { containers: [] };
  const labels = { ...meta.labels };
  const annotations = { ...meta.annotations };
  if (index !== undefined) {
    labels[completionIndexKey] = String(index);
    annotations[completionIndexKey] = String(index);
    spec.hostname ??= `${jobName}-${index}`;
  }
  const owner: Owner = { apiVersion: "batch/v1", kind: "Job", name: jobName, uid: job.metadata?.uid ?? "", deleting: false };
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      generateName: index === undefined ? `${jobName}-` : `${jobName}-${index}-`,
      namespace: job.metadata?.namespace ?? "default",
      ...(Object.keys(labels).length > 0 ? { labels } : {}),
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      finalizers: [...(meta.finalizers ?? []), jobTrackingFinalizer],
      ownerReferences: [controllerRefFor(owner)],
    },
    spec,
  };
}

/** The manager's entry: the Job controller and the TTL-after-finished controller, over the same Job cache. */
export function jobControllersFor(context: ControllerContext): StartableController {
  const cache = <T extends KubeObject>(resource: ResourceRef) => informerCache(context.informers.informerFor<T>(resource));
  const jobs = cache<Job>(resources.jobs);
  const job = new JobController({ client: context.client, jobs, pods: cache<Pod>(resources.pods), events: context.events("job-controller"), workers: context.workers });
  const ttl = new TtlAfterFinishedController({ client: context.client, jobs, workers: context.workers });
  return { start: async (signal) => void (await Promise.all([job.start(signal), ttl.start(signal)])) };
}
