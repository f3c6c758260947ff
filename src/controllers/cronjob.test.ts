// The CronJob controller's sync against an in-memory API on a fake clock,
// with caches the test feeds by hand.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { CronJob, Job } from "kubernetes-types/batch/v1";
import type { KubeObject } from "../client/kube-client.ts";
import { objectKey } from "../client/object-key.ts";
import { inNamespace, resources } from "../client/resources.ts";
import { FakeApi } from "../client/testing/fake-api.ts";
import { FakeClock } from "../client/testing/fake-clock.ts";
import { CronJobController, scheduledTimestampAnnotation } from "./cronjob.ts";
import type { EventSink, EventType } from "./event-sink.ts";
import { ttlExpiryMs } from "./job/ttl-after-finished.ts";
import type { ChangeHandlers, WatchedCache } from "./watched-cache.ts";

class HandFedCache<T extends KubeObject> implements WatchedCache<T> {
  private readonly objects = new Map<string, T>();
  get(key: string): T | undefined {
    return this.objects.get(key);
  }
  list(namespace?: string): T[] {
    return [...this.objects.values()].filter((o) => !namespace || o.metadata?.namespace === namespace);
  }
  subscribe(_handlers: ChangeHandlers<T>): void {}
  deliver(object: T): void {
    this.objects.set(objectKey(object), object);
  }
  clear(): void {
    this.objects.clear();
  }
}

class RecordedEvents implements EventSink {
  readonly seen: string[] = [];
  record(_regarding: KubeObject, type: EventType, reason: string, message: string): void {
    this.seen.push(`${type} ${reason}: ${message}`);
  }
}

const cronJobsApi = inNamespace(resources.cronJobs, "ns");
const jobsApi = inNamespace(resources.jobs, "ns");

async function setUp(now: string, created: string, spec: Partial<NonNullable<CronJob["spec"]>>) {
  const clock = new FakeClock(Date.parse(created));
  const api = new FakeApi(clock);
  const cronJobs = new HandFedCache<CronJob>();
  const jobs = new HandFedCache<Job>();
  const events = new RecordedEvents();
  const controller = new CronJobController({ client: api, cronJobs, jobs, events, clock, defaultTimeZone: "UTC" });
  const cronJob = await api.create<CronJob>(cronJobsApi, {
    metadata: { name: "nightly", namespace: "ns" },
    spec: { schedule: "0 9 * * *", jobTemplate: { metadata: { labels: { team: "a" } }, spec: { template: { spec: { containers: [{ name: "c" }] } } } }, ...spec },
  });
  cronJobs.deliver(cronJob);
  clock.advance(Date.parse(now) - clock.now());
  const stop = new AbortController();
  const sync = () => controller.sync("ns/nightly", stop.signal);
  /** The informers catch up with the server. */
  const catchUp = async () => {
    cronJobs.deliver(await api.get<CronJob>(cronJobsApi, "nightly"));
    jobs.clear();
    for (const job of (await api.list<Job>(jobsApi)).items) jobs.deliver(job);
  };
  return { api, clock, events, sync, catchUp, cronJob };
}

describe("CronJob controller sync", () => {
  test("a due run in the CronJob's time zone: the Job, its annotation, status, and the requeue for the next run", async () => {
    const { api, sync, events, cronJob } = await setUp("2024-01-09T14:00:30Z", "2024-01-09T00:00:00Z", { timeZone: "America/New_York" });
    const requeue = await sync();
    const [job, ...others] = (await api.list<Job>(jobsApi)).items;
    assert.equal(others.length, 0);
    const minutes = Date.parse("2024-01-09T14:00:00Z") / 60_000;
    assert.equal(job!.metadata?.name, `nightly-${minutes}`);
    assert.equal(job!.metadata?.annotations?.[scheduledTimestampAnnotation], "2024-01-09T09:00:00-05:00");
    assert.deepEqual(job!.metadata?.labels, { team: "a" });
    assert.deepEqual(job!.metadata?.ownerReferences, [{ apiVersion: "batch/v1", kind: "CronJob", name: "nightly", uid: cronJob.metadata?.uid, controller: true, blockOwnerDeletion: true }]);
    const status = (await api.get<CronJob>(cronJobsApi, "nightly")).status;
    assert.equal(status?.lastScheduleTime, "2024-01-09T14:00:00Z");
    assert.deepEqual(status?.active?.map((ref) => [ref.kind, ref.name, ref.uid]), [["Job", job!.metadata?.name, job!.metadata?.uid]]);
    assert.deepEqual(events.seen, [`Normal SuccessfulCreate: Created job nightly-${minutes}`]);
    assert.equal(requeue?.requeueAfterMs, Date.parse("2024-01-10T14:00:00.100Z") - Date.parse("2024-01-09T14:00:30Z"));
  });

  test("an unknown time zone starts nothing and says why", async () => {
    const { api, sync, events } = await setUp("2024-01-09T14:00:30Z", "2024-01-09T00:00:00Z", { timeZone: "Mars/Olympus_Mons" });
    assert.equal(await sync(), undefined);
    assert.equal((await api.list<Job>(jobsApi)).items.length, 0);
    assert.deepEqual(events.seen, ['Warning UnknownTimeZone: invalid timeZone: "Mars/Olympus_Mons": unknown time zone Mars/Olympus_Mons']);
  });

  test("an unparseable schedule starts nothing and says why", async () => {
    const { sync, events } = await setUp("2024-01-09T14:00:30Z", "2024-01-09T00:00:00Z", { schedule: "0 25 * * *" });
    await sync();
    assert.deepEqual(events.seen, ['Warning UnparseableSchedule: unparseable schedule: "0 25 * * *" : end of range (25) above maximum (23): 25']);
  });

  test("suspended: nothing starts", async () => {
    const { api, sync } = await setUp("2024-01-09T14:00:30Z", "2024-01-09T00:00:00Z", { suspend: true });
    await sync();
    assert.equal((await api.list<Job>(jobsApi)).items.length, 0);
  });

  test("more than 100 missed runs warn, and only the latest starts", async () => {
    const { api, sync, events } = await setUp("2024-01-09T14:00:30Z", "2024-01-09T11:00:00Z", { schedule: "* * * * *" });
    await sync();
    assert.deepEqual((await api.list<Job>(jobsApi)).items.map((job) => job.metadata?.name), [`nightly-${Date.parse("2024-01-09T14:00:00Z") / 60_000}`]);
    assert.ok(events.seen.includes("Warning TooManyMissedTimes: too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew"));
  });

  test("finished Jobs leave status.active, set lastSuccessfulTime, and beyond the history limits are deleted oldest first", async () => {
    const { api, sync, catchUp, events, cronJob } = await setUp("2024-01-09T12:00:00Z", "2024-01-01T00:00:00Z", { successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 1 });
    const owner = [{ apiVersion: "batch/v1", kind: "CronJob", name: "nightly", uid: cronJob.metadata?.uid ?? "", controller: true }];
    const finished = async (name: string, day: number, type: "Complete" | "Failed") => {
      const job = await api.create<Job>(jobsApi, { metadata: { name, namespace: "ns", ownerReferences: owner }, spec: { template: {} } });
      const at = `2024-01-0${day}T09:00:10Z`;
      return api.updateStatus<Job>(jobsApi, { ...job, status: { startTime: `2024-01-0${day}T09:00:00Z`, ...(type === "Complete" ? { completionTime: at } : {}), conditions: [{ type, status: "True", lastTransitionTime: at }] } });
    };
    const newest = await finished("ok-3", 3, "Complete");
    await finished("ok-1", 1, "Complete");
    await finished("ok-2", 2, "Complete");
    await finished("bad-1", 1, "Failed");
    await finished("bad-2", 2, "Failed");
    const current = await api.get<CronJob>(cronJobsApi, "nightly");
    await api.updateStatus<CronJob>(cronJobsApi, { ...current, status: { active: [{ kind: "Job", name: "ok-3", namespace: "ns", uid: newest.metadata?.uid }, { kind: "Job", name: "vanished", namespace: "ns", uid: "gone" }], lastScheduleTime: "2024-01-09T09:00:00Z" } });
    await catchUp();
    await sync();
    assert.deepEqual((await api.list<Job>(jobsApi)).items.map((job) => job.metadata?.name).sort(), ["bad-2", "ok-3"]);
    const status = (await api.get<CronJob>(cronJobsApi, "nightly")).status;
    assert.equal(status?.active, undefined);
    assert.equal(status?.lastSuccessfulTime, "2024-01-03T09:00:10Z");
    assert.ok(events.seen.includes("Normal SawCompletedJob: Saw completed job: ok-3, condition: Complete"));
    assert.ok(events.seen.includes("Normal MissingJob: Active job went missing: vanished"));
    for (const name of ["ok-1", "ok-2", "bad-1"]) assert.ok(events.seen.includes(`Normal SuccessfulDelete: Deleted job ${name}`), name);
  });

  test("Forbid waits for the active Job; Replace deletes it first", async () => {
    for (const policy of ["Forbid", "Replace"] as const) {
      const { api, sync, catchUp, clock, events } = await setUp("2024-01-09T09:00:05Z", "2024-01-09T08:00:00Z", { schedule: "*/5 * * * *", concurrencyPolicy: policy });
      await sync();
      await catchUp();
      clock.advance(5 * 60_000);
      await sync();
      const names = (await api.list<Job>(jobsApi)).items.map((job) => job.metadata?.name);
      const first = `nightly-${Date.parse("2024-01-09T09:00:00Z") / 60_000}`;
      const second = `nightly-${Date.parse("2024-01-09T09:05:00Z") / 60_000}`;
      if (policy === "Forbid") {
        assert.deepEqual(names, [first]);
        assert.ok(events.seen.includes("Normal JobAlreadyActive: Not starting job because prior execution is running and concurrency policy is Forbid"));
      } else {
        assert.deepEqual(names, [second]);
        assert.ok(events.seen.includes(`Normal SuccessfulDelete: Deleted job ${first}`));
        assert.deepEqual((await api.get<CronJob>(cronJobsApi, "nightly")).status?.active?.map((ref) => ref.name), [second]);
      }
    }
  });
});

describe("TTL after finished", () => {
  const job = (ttl: number | undefined, conditions: Array<{ type: string; status: string; lastTransitionTime?: string }>, deleting = false): Job => ({
    metadata: { name: "j", ...(deleting ? { deletionTimestamp: "2024-01-01T00:00:00Z" } : {}) },
    spec: { template: {}, ...(ttl === undefined ? {} : { ttlSecondsAfterFinished: ttl }) },
    status: { conditions },
  });
  const cases: Array<[string, Job, string | undefined]> = [
    ["finished: its condition's time plus the TTL", job(30, [{ type: "Complete", status: "True", lastTransitionTime: "2024-01-01T00:00:00Z" }]), "2024-01-01T00:00:30.000Z"],
    ["failed Jobs expire too", job(0, [{ type: "Failed", status: "True", lastTransitionTime: "2024-01-01T00:00:00Z" }]), "2024-01-01T00:00:00.000Z"],
    ["still running", job(30, [{ type: "SuccessCriteriaMet", status: "True", lastTransitionTime: "2024-01-01T00:00:00Z" }]), undefined],
    ["no TTL", job(undefined, [{ type: "Complete", status: "True", lastTransitionTime: "2024-01-01T00:00:00Z" }]), undefined],
    ["already being deleted", job(30, [{ type: "Complete", status: "True", lastTransitionTime: "2024-01-01T00:00:00Z" }], true), undefined],
  ];
  for (const [name, j, expected] of cases) {
    test(name, () => {
      const expiry = ttlExpiryMs(j);
      assert.equal(expiry === undefined ? undefined : new Date(expiry).toISOString(), expected);
    });
  }
});
