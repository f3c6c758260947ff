// The CronJob controller (batch/v1, upstream's ControllerV2): at each
// scheduled time creates a Job named <cronjob>-<minutes since the epoch>
// from the job template (the name doubles as a lock against creating twice),
// honouring suspend, concurrencyPolicy (Allow, Forbid, Replace) and
// startingDeadlineSeconds; tracks status.active, lastScheduleTime and
// lastSuccessfulTime; deletes finished Jobs beyond the history limits. It
// sleeps by requeueing itself for just after the next scheduled time.
import type { CronJob, CronJobStatus, Job } from "kubernetes-types/batch/v1";
import type { ObjectReference } from "kubernetes-types/core/v1";
import { timeZoneError } from "../api/validation/cron-schedule.ts";
import { realClock, type Clock } from "../client/clock.ts";
import { hasReason } from "../client/errors.ts";
import type { KubeClient, KubeObject, ResourceRef } from "../client/kube-client.ts";
import { objectKey, splitObjectKey } from "../client/object-key.ts";
import { inNamespace, resources } from "../client/resources.ts";
import { controllerRefFor, controllerRefOf } from "./controller-ref.ts";
import { InvalidScheduleError, dueScheduleTime, jobNameFor, msUntilNextSchedule, type ScheduleState } from "./cronjob/missed-runs.ts";
import { parseSchedule, ScheduleSyntaxError, type CronSchedule } from "./cronjob/schedule.ts";
import { formatRfc3339, localTimeZone } from "./cronjob/zoned-time.ts";
import { typed, type EventSink } from "./event-sink.ts";
import { informerCache } from "./informer-cache.ts";
import type { ControllerContext } from "./manager.ts";
import { Runner, type Reconciler, type Requeue, type RunnerOptions } from "./runner.ts";
import type { WatchedCache } from "./watched-cache.ts";

export const scheduledTimestampAnnotation = "batch.kubernetes.io/cronjob-scheduled-timestamp";
const fieldManager = "cronjob-controller";

export interface CronJobControllerOptions {
  client: KubeClient;
  cronJobs: WatchedCache<CronJob>;
  jobs: WatchedCache<Job>;
  events: EventSink;
  clock?: Clock;
  workers?: number;
  /** The zone schedules without spec.timeZone are read in; default this process's local zone, as upstream. */
  defaultTimeZone?: string;
  runner?: Omit<RunnerOptions, "workers" | "clock">;
}

function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");
}

function timeMs(text: string | undefined | null): number | undefined {
  if (text == null) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Go's time.RFC1123Z of an instant in UTC, as upstream's MissSchedule event prints it. */
function rfc1123z(ms: number): string {
  const [weekday, day, month, year, time] = new Date(ms).toUTCString().replace(",", "").split(" ");
  return `${weekday}, ${day} ${month} ${year} ${time} +0000`;
}

function finishedAs(job: Job): "Complete" | "Failed" | undefined {
  const done = job.status?.conditions?.find((c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True");
  return done?.type as "Complete" | "Failed" | undefined;
}

/** Oldest first by start time (never-started last), then by name: the order history cleanup deletes in. */
function byStartTime(a: Job, b: Job): number {
  const startA = timeMs(a.status?.startTime);
  const startB = timeMs(b.status?.startTime);
  if (startA !== startB) {
    if (startA === undefined) return 1;
    if (startB === undefined) return -1;
    return startA - startB;
  }
  const nameA = a.metadata?.name ?? "";
  const nameB = b.metadata?.name ?? "";
  return nameA < nameB ? -1 : nameA > nameB ? 1 : 0;
}

function referenceTo(job: Job): ObjectReference {
  const { name, namespace, uid, resourceVersion } = job.metadata ?? {};
  return { apiVersion: "batch/v1", kind: "Job", name, namespace, uid, resourceVersion };
}

const typedCronJob = (cronJob: CronJob) => typed(cronJob, "batch/v1", "CronJob");

interface SyncResult {
  statusChanged: boolean;
  requeueAfterMs?: number;
}

export class CronJobController implements Reconciler {
  readonly name = "cronjob";
  private readonly runner: Runner;
  private readonly client: KubeClient;
  private readonly cronJobs: WatchedCache<CronJob>;
  private readonly jobs: WatchedCache<Job>;
  private readonly events: EventSink;
  private readonly clock: Clock;
  private readonly defaultTimeZone: string;

  constructor(options: CronJobControllerOptions) {
    this.client = options.client;
    this.cronJobs = options.cronJobs;
    this.jobs = options.jobs;
    this.events = options.events;
    this.clock = options.clock ?? realClock;
    this.defaultTimeZone = options.defaultTimeZone ?? localTimeZone();
    this.runner = new Runner(this, { ...options.runner, workers: options.workers ?? 5, clock: this.clock });
    this.cronJobs.subscribe({
      onAdd: (cronJob) => this.runner.enqueue(objectKey(cronJob)),
      onUpdate: (_previous, cronJob) => this.runner.enqueue(objectKey(cronJob)),
      onDelete: () => {},
    });
    const jobChanged = (job: Job) => {
      const ref = controllerRefOf(job);
      if (ref?.kind === "CronJob") this.runner.enqueue(`${job.metadata?.namespace ?? ""}/${ref.name}`);
    };
    this.jobs.subscribe({ onAdd: jobChanged, onUpdate: (_previous, job) => jobChanged(job), onDelete: jobChanged });
  }

  start(signal: AbortSignal): Promise<void> {
    return this.runner.start(signal);
  }

  async sync(key: string, signal: AbortSignal): Promise<Requeue | void> {
    const cached = this.cronJobs.get(key);
    if (cached === undefined) return;
    const cronJob = structuredClone(cached);
    const status: CronJobStatus = (cronJob.status ??= {});
    const uid = cronJob.metadata?.uid;
    const children = this.jobs.list(splitObjectKey(key).namespace).filter((job) => controllerRefOf(job)?.uid === uid);
    let outcome: SyncResult = { statusChanged: false };
    let syncError: unknown;
    try {
      outcome = await this.syncCronJob(cronJob, children, signal);
    } catch (error) {
      syncError = error;
      outcome = { statusChanged: true };
    }
    const cleaned = await this.cleanupFinishedJobs(cronJob, children, signal);
    if (outcome.statusChanged || cleaned) {
      const { name, namespace, resourceVersion } = cronJob.metadata ?? {};
      const body: CronJob = { apiVersion: "batch/v1", kind: "CronJob", metadata: { name, namespace, resourceVersion, uid }, spec: cronJob.spec, status };
      await this.client.updateStatus<CronJob>(inNamespace(resources.cronJobs, namespace ?? ""), body, { fieldManager, signal });
    }
    if (syncError !== undefined) throw syncError;
    if (outcome.requeueAfterMs !== undefined) return { requeueAfterMs: outcome.requeueAfterMs };
  }

  /** Reconciles status.active with the Jobs seen, then starts a Job if one is due. Mutates cronJob.status. */
  private async syncCronJob(cronJob: CronJob, children: Job[], signal: AbortSignal): Promise<SyncResult> {
    const status = cronJob.status ?? {};
    const namespace = cronJob.metadata?.namespace ?? "";
    const jobsApi = inNamespace(resources.jobs, namespace);
    let statusChanged = false;
    const isActive = (jobUid: string | undefined) => (status.active ?? []).some((ref) => ref.uid === jobUid);
    const dropActive = (jobUid: string | undefined) => {
      status.active = (status.active ?? []).filter((ref) => ref.uid !== jobUid);
      if (status.active.length === 0) delete status.active;
    };

    for (const job of children) {
      const finished = finishedAs(job);
      const active = isActive(job.metadata?.uid);
      if (!active && finished === undefined) {
        const fresh = await this.client.get<CronJob>(inNamespace(resources.cronJobs, namespace), cronJob.metadata?.name ?? "", { signal });
        if ((fresh.status?.active ?? []).some((ref) => ref.uid === job.metadata?.uid)) {
          status.active = fresh.status?.active;
          continue;
        }
        this.events.record(typedCronJob(cronJob), "Warning", "UnexpectedJob", `Saw a job that the controller did not create or forgot: ${job.metadata?.name ?? ""}`);
      } else if (active && finished !== undefined) {
        dropActive(job.metadata?.uid);
        this.events.record(typedCronJob(cronJob), "Normal", "SawCompletedJob", `Saw completed job: ${job.metadata?.name ?? ""}, condition: ${finished}`);
        statusChanged = true;
      }
      if (finished === "Complete") {
        const completedMs = timeMs(job.status?.completionTime);
        const lastMs = timeMs(status.lastSuccessfulTime);
        if (completedMs !== undefined && (lastMs === undefined || completedMs > lastMs)) {
          status.lastSuccessfulTime = job.status?.completionTime;
          statusChanged = true;
        }
      }
    }

    const seen = new Set(children.map((job) => job.metadata?.uid));
    for (const ref of [...(status.active ?? [])]) {
      if (seen.has(ref.uid)) continue;
      // The cache may just be slow: only a fresh NotFound means the Job is gone.
      try {
        await this.client.get<Job>(jobsApi, ref.name ?? "", { signal });
      } catch (error) {
        if (!hasReason(error, "NotFound")) throw error;
        this.events.record(typedCronJob(cronJob), "Normal", "MissingJob", `Active job went missing: ${ref.name ?? ""}`);
        dropActive(ref.uid);
        statusChanged = true;
      }
    }

    if (cronJob.metadata?.deletionTimestamp != null) return { statusChanged };
    const timeZone = cronJob.spec?.timeZone ?? undefined;
    if (timeZone !== undefined) {
      const problem = timeZoneError(timeZone);
      if (problem !== undefined) {
        this.events.record(typedCronJob(cronJob), "Warning", "UnknownTimeZone", `invalid timeZone: ${JSON.stringify(timeZone)}: ${problem}`);
        return { statusChanged };
      }
    }
    if (cronJob.spec?.suspend === true) return { statusChanged };

    const schedule = this.scheduleOf(cronJob);
    if (schedule === undefined) return { statusChanged };
    const state: ScheduleState = {
      creationMs: timeMs(cronJob.metadata?.creationTimestamp) ?? this.clock.now(),
      ...(status.lastScheduleTime == null ? {} : { lastScheduleMs: timeMs(status.lastScheduleTime) }),
      ...(cronJob.spec?.startingDeadlineSeconds == null ? {} : { startingDeadlineSeconds: cronJob.spec.startingDeadlineSeconds }),
    };
    const now = this.clock.now();
    let scheduledMs: number | undefined;
    try {
      const due = dueScheduleTime(state, now, schedule);
      if (due.tooManyMissed) {
        this.events.record(typedCronJob(cronJob), "Warning", "TooManyMissedTimes", "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew");
      }
      scheduledMs = due.scheduledMs;
    } catch (error) {
      if (!(error instanceof InvalidScheduleError)) throw error;
      this.events.record(typedCronJob(cronJob), "Warning", "InvalidSchedule", `invalid schedule: ${cronJob.spec?.schedule ?? ""} : ${error.message}`);
      return { statusChanged };
    }
    const later = (): SyncResult => {
      const wait = msUntilNextSchedule(state, now, schedule);
      return wait === undefined ? { statusChanged } : { statusChanged, requeueAfterMs: wait };
    };
    if (scheduledMs === undefined) return later();

    const deadline = cronJob.spec?.startingDeadlineSeconds;
    if (deadline != null && scheduledMs + deadline * 1000 < now) {
      this.events.record(typedCronJob(cronJob), "Warning", "MissSchedule", `Missed scheduled time to start a job: ${rfc1123z(scheduledMs)}`);
      return later();
    }
    const jobName = jobNameFor(cronJob.metadata?.name ?? "", scheduledMs);
    if ((status.active ?? []).some((ref) => ref.name === jobName) || timeMs(status.lastScheduleTime) === scheduledMs) return later();
    const policy = cronJob.spec?.concurrencyPolicy ?? "Allow";
    if (policy === "Forbid" && (status.active ?? []).length > 0) {
      this.events.record(typedCronJob(cronJob), "Normal", "JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is Forbid");
      return later();
    }
    if (policy === "Replace") {
      for (const ref of [...(status.active ?? [])]) {
        let job: Job;
        try {
          job = await this.client.get<Job>(jobsApi, ref.name ?? "", { signal });
        } catch (error) {
          this.events.record(typedCronJob(cronJob), "Warning", "FailedGet", `Get job: ${(error as Error).message}`);
          throw error;
        }
        await this.deleteJob(cronJob, job, signal);
        dropActive(ref.uid);
        statusChanged = true;
      }
    }

    let created: Job;
    try {
      created = await this.client.create<Job>(jobsApi, this.jobFor(cronJob, jobName, scheduledMs), { fieldManager, signal });
      this.events.record(typedCronJob(cronJob), "Normal", "SuccessfulCreate", `Created job ${created.metadata?.name ?? ""}`);
    } catch (error) {
      if (!hasReason(error, "AlreadyExists")) {
        if (!(hasReason(error, "Forbidden") && /being terminated/.test(String((error as Error).message)))) {
          this.events.record(typedCronJob(cronJob), "Warning", "FailedCreate", `Error creating job: ${(error as Error).message}`);
        }
        throw error;
      }
      // Created before but not recorded (a crash, a stale status): record it if it is ours.
      created = await this.client.get<Job>(jobsApi, jobName, { signal });
      if (controllerRefOf(created)?.uid !== cronJob.metadata?.uid || isActive(created.metadata?.uid)) return { statusChanged };
    }
    status.active = [...(status.active ?? []), referenceTo(created)];
    status.lastScheduleTime = timestamp(scheduledMs);
    statusChanged = true;
    state.lastScheduleMs = scheduledMs;
    return later();
  }

  /** The schedule in its zone; a bad one is reported once per sync and stops scheduling. */
  private scheduleOf(cronJob: CronJob): CronSchedule | undefined {
    const text = cronJob.spec?.schedule ?? "";
    let zone = this.defaultTimeZone;
    if (text.includes("TZ")) {
      this.events.record(
        typedCronJob(cronJob),
        "Warning",
        "UnsupportedSchedule",
        `CRON_TZ or TZ used in schedule ${JSON.stringify(text)} is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details`,
      );
    } else if (cronJob.spec?.timeZone != null) {
      zone = cronJob.spec.timeZone === "Local" ? localTimeZone() : cronJob.spec.timeZone;
    }
    try {
      return parseSchedule(text, zone);
    } catch (error) {
      if (!(error instanceof ScheduleSyntaxError)) throw error;
      this.events.record(typedCronJob(cronJob), "Warning", "UnparseableSchedule", `unparseable schedule: ${JSON.stringify(text)} : ${error.message}`);
      return undefined;
    }
  }

  private jobFor(cronJob: CronJob, name: string, scheduledMs: number): Job {
    const template = structuredClone(cronJob.spec?.jobTemplate ?? {});
    const annotationZone = cronJob.spec?.timeZone ?? "UTC";
    const owner = { apiVersion: "batch/v1", kind: "CronJob", name: cronJob.metadata?.name ?? "", uid: cronJob.metadata?.uid ?? "", deleting: false };
    return {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: {
        name,
        namespace: cronJob.metadata?.namespace ?? "default",
        ...(template.metadata?.labels === undefined ? {} : { labels: template.metadata.labels }),
        annotations: { ...template.metadata?.annotations, [scheduledTimestampAnnotation]: formatRfc3339(scheduledMs, annotationZone === "Local" ? localTimeZone() : annotationZone) },
        ownerReferences: [controllerRefFor(owner)],
      },
      ...(template.spec === undefined ? {} : { spec: template.spec }),
    };
  }

  /** Deletes a Job (its pods follow through the garbage collector); false when the delete failed. */
  private async deleteJob(cronJob: CronJob, job: Job, signal: AbortSignal): Promise<boolean> {
    const api = inNamespace(resources.jobs, job.metadata?.namespace ?? "");
    try {
      await this.client.delete(api, job.metadata?.name ?? "", { propagationPolicy: "Background", signal });
    } catch (error) {
      if (!hasReason(error, "NotFound")) {
        this.events.record(typedCronJob(cronJob), "Warning", "FailedDelete", `Deleted job: ${(error as Error).message}`);
        return false;
      }
    }
    const status = cronJob.status ?? {};
    status.active = (status.active ?? []).filter((ref) => ref.uid !== job.metadata?.uid);
    if (status.active.length === 0) delete status.active;
    this.events.record(typedCronJob(cronJob), "Normal", "SuccessfulDelete", `Deleted job ${job.metadata?.name ?? ""}`);
    return true;
  }

  /** Deletes the oldest finished Jobs beyond successfulJobsHistoryLimit and failedJobsHistoryLimit. */
  private async cleanupFinishedJobs(cronJob: CronJob, children: Job[], signal: AbortSignal): Promise<boolean> {
    const limits = { Complete: cronJob.spec?.successfulJobsHistoryLimit, Failed: cronJob.spec?.failedJobsHistoryLimit };
    let changed = false;
    for (const kind of ["Complete", "Failed"] as const) {
      const limit = limits[kind];
      if (limit == null) continue;
      const finished = children.filter((job) => finishedAs(job) === kind).sort(byStartTime);
      for (const job of finished.slice(0, Math.max(0, finished.length - limit))) {
        if (await this.deleteJob(cronJob, job, signal)) changed = true;
      }
    }
    return changed;
  }
}

/** The manager's entry. */
export function cronJobControllerFor(context: ControllerContext): CronJobController {
  const cache = <T extends KubeObject>(resource: ResourceRef) => informerCache(context.informers.informerFor<T>(resource));
  return new CronJobController({ client: context.client, cronJobs: cache<CronJob>(resources.cronJobs), jobs: cache<Job>(resources.jobs), events: context.events("cronjob-controller"), workers: context.workers });
}
