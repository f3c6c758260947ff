// Jobs and CronJobs against real `skiff server`s. The first server runs its
// own controller manager (Job, TTL-after-finished, CronJob controllers among
// them); a simulated node actor plays the kubelet and ends labelled pods with
// an exit code. The second server runs no controllers: this test runs the
// CronJob controller (on a fake clock it advances past schedules) and the Job
// controller in-process against it.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { CronJob, Job } from "kubernetes-types/batch/v1";
import type { Pod } from "kubernetes-types/core/v1";
import type { KubeObject } from "../../src/client/kube-client.ts";
import { inNamespace, resources } from "../../src/client/resources.ts";
import { RestClient } from "../../src/client/rest-client.ts";
import { SharedInformerFactory } from "../../src/client/shared-informer-factory.ts";
import { FakeClock } from "../../src/client/testing/fake-clock.ts";
import { CronJobController, scheduledTimestampAnnotation } from "../../src/controllers/cronjob.ts";
import type { EventSink, EventType } from "../../src/controllers/event-sink.ts";
import { informerCache } from "../../src/controllers/informer-cache.ts";
import { JobController } from "../../src/controllers/job.ts";
import { startServer, type TestServer } from "../support/server.ts";
import { exitCodeLabel, runMsLabel, runSimulatedNodeActor } from "../support/simulated-node-actor.ts";
import { eventually } from "../support/eventually.ts";

const namespace = "default";
const jobsApi = inNamespace(resources.jobs, namespace);
const cronJobsApi = inNamespace(resources.cronJobs, namespace);
const podsApi = inNamespace(resources.pods, namespace);

function jobSpec(podLabels: Record<string, string>, extra: Partial<NonNullable<Job["spec"]>> = {}): NonNullable<Job["spec"]> {
  return {
    template: { metadata: { labels: podLabels }, spec: { restartPolicy: "Never", containers: [{ name: "main", image: "localhost:5000/busybox:1" }] } },
    ...extra,
  };
}

const succeeds = { [exitCodeLabel]: "0", [runMsLabel]: "200" };
const fails = { [exitCodeLabel]: "1", [runMsLabel]: "100" };

const conditionsOf = (job: Job) => (job.status?.conditions ?? []).filter((c) => c.status === "True").map((c) => `${c.type}/${c.reason ?? ""}`);

describe("Jobs under the server's controller manager", () => {
  let server: TestServer;
  let client: RestClient;
  const stop = new AbortController();
  let actor: Promise<void>;

  before(async () => {
    server = await startServer();
    client = await RestClient.fromKubeconfig(server.kubeconfig);
    actor = runSimulatedNodeActor(client, stop.signal, { nodes: ["job-node"], readyDelayMs: 100 });
  });

  after(async () => {
    stop.abort();
    await actor;
    client.close();
    await server.stop();
  });

  const create = (name: string, spec: NonNullable<Job["spec"]>) => client.create<Job>(jobsApi, { apiVersion: "batch/v1", kind: "Job", metadata: { name, namespace }, spec });

  test("completions 3, parallelism 2: pods run two at a time and the Job completes", async () => {
    await create("ok", jobSpec(succeeds, { completions: 3, parallelism: 2 }));
    const wait = await server.kubectl(["wait", "--for=condition=complete", "job/ok", "--timeout=40s"]);
    assert.equal(wait.code, 0, wait.stderr);
    const job = await client.get<Job>(jobsApi, "ok");
    assert.equal(job.status?.succeeded, 3);
    assert.equal(job.status?.failed ?? 0, 0);
    assert.deepEqual(conditionsOf(job), ["SuccessCriteriaMet/CompletionsReached", "Complete/CompletionsReached"]);
    assert.ok(job.status?.startTime && job.status.completionTime);
    assert.deepEqual(job.status?.uncountedTerminatedPods, {});
    const pods = (await client.list<Pod>(podsApi, { labelSelector: "batch.kubernetes.io/job-name=ok" })).items;
    assert.equal(pods.length, 3);
    for (const pod of pods) {
      assert.match(pod.metadata?.name ?? "", /^ok-[a-z0-9]{5}$/);
      assert.deepEqual(pod.metadata?.finalizers ?? [], [], "the tracking finalizer comes off once counted");
      assert.deepEqual(pod.metadata?.ownerReferences, [{ apiVersion: "batch/v1", kind: "Job", name: "ok", uid: job.metadata?.uid, controller: true, blockOwnerDeletion: true }]);
    }
    const table = await server.kubectl(["get", "job", "ok", "--no-headers"]);
    assert.match(table.stdout, /^ok\s+Complete\s+3\/3\s+\S+/);
    const events = await server.kubectl(["get", "events", "--field-selector", "involvedObject.name=ok", "-o", "jsonpath={range .items[*]}{.reason}:{.message}{\"\\n\"}{end}"]);
    assert.match(events.stdout, /SuccessfulCreate:Created pod: ok-/);
    assert.match(events.stdout, /Completed:Job completed/);
  });

  test("a failing pod with backoffLimit 0 fails the Job with BackoffLimitExceeded", async () => {
    await create("broken", jobSpec(fails, { backoffLimit: 0 }));
    const wait = await server.kubectl(["wait", "--for=condition=failed", "job/broken", "--timeout=40s"]);
    assert.equal(wait.code, 0, wait.stderr);
    const job = await client.get<Job>(jobsApi, "broken");
    assert.deepEqual(conditionsOf(job), ["FailureTarget/BackoffLimitExceeded", "Failed/BackoffLimitExceeded"]);
    assert.equal(job.status?.conditions?.find((c) => c.type === "Failed")?.message, "Job has reached the specified backoff limit");
    assert.equal(job.status?.failed, 1);
    const table = await server.kubectl(["get", "job", "broken", "--no-headers"]);
    assert.match(table.stdout, /^broken\s+Failed\s+0\/1/);
  });

  test("activeDeadlineSeconds 2 ends a running Job with DeadlineExceeded and deletes its pods", async () => {
    await create("slow", jobSpec({}, { activeDeadlineSeconds: 2 }));
    const job = await eventually("slow failed", async () => {
      const current = await client.get<Job>(jobsApi, "slow");
      return conditionsOf(current).includes("Failed/DeadlineExceeded") ? current : undefined;
    });
    assert.equal(job.status?.conditions?.find((c) => c.type === "Failed")?.message, "Job was active longer than specified deadline");
    assert.equal(job.status?.failed, 1, "the pod it had to stop counts as failed");
    await eventually("slow's pods gone", async () => ((await client.list<Pod>(podsApi, { labelSelector: "batch.kubernetes.io/job-name=slow" })).items.length === 0 ? true : undefined));
  });

  test("ttlSecondsAfterFinished 1 deletes the Job after it finished", async () => {
    await create("short-lived", jobSpec(succeeds, { ttlSecondsAfterFinished: 1 }));
    await eventually("short-lived deleted", async () => {
      try {
        await client.get<Job>(jobsApi, "short-lived");
        return undefined;
      } catch (error) {
        return (error as { reason?: string }).reason === "NotFound" ? true : undefined;
      }
    });
  });
});

class RecordedEvents implements EventSink {
  readonly seen: string[] = [];
  record(regarding: KubeObject, _type: EventType, reason: string, message: string): void {
    this.seen.push(`${regarding.metadata?.name} ${reason}: ${message}`);
  }
}

describe("CronJobs on a fake clock against a real API server", () => {
  let server: TestServer;
  let client: RestClient;
  const stop = new AbortController();
  let running: Promise<unknown>;
  // 20 s into the current minute: the small nudges below never cross a minute by themselves.
  const clock = new FakeClock(Math.floor(Date.now() / 60_000) * 60_000 + 20_000);
  const events = new RecordedEvents();
  /** Lets retries the controllers' queues scheduled on the fake clock (a few ms ahead) happen. */
  const nudge = () => clock.advanceAsync(10);
  const soon = <T>(what: string, check: () => Promise<T | undefined>, timeoutMs?: number) => eventually(what, check, timeoutMs, { beforePoll: nudge });

  before(async () => {
    server = await startServer(["--disable-controller-manager"]);
    client = await RestClient.fromKubeconfig(server.kubeconfig);
    const informers = new SharedInformerFactory(client);
    const jobs = informerCache<Job>(informers.informerFor<Job>(resources.jobs));
    const cronJobs = new CronJobController({ client, cronJobs: informerCache<CronJob>(informers.informerFor<CronJob>(resources.cronJobs)), jobs, events, clock, defaultTimeZone: "UTC", workers: 2 });
    const jobController = new JobController({ client, jobs, pods: informerCache<Pod>(informers.informerFor<Pod>(resources.pods)), events: new RecordedEvents(), workers: 2 });
    const informersRunning = informers.start(stop.signal);
    await informers.waitForSync(stop.signal);
    running = Promise.all([informersRunning, cronJobs.start(stop.signal), jobController.start(stop.signal), runSimulatedNodeActor(client, stop.signal, { nodes: ["cron-node"] })]);
  });

  after(async () => {
    stop.abort();
    await running;
    client.close();
    await server.stop();
  });

  const createCronJob = (name: string, podLabels: Record<string, string>, extra: Partial<NonNullable<CronJob["spec"]>> = {}) =>
    client.create<CronJob>(cronJobsApi, {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name, namespace },
      spec: { schedule: "* * * * *", jobTemplate: { metadata: { labels: { from: name } }, spec: jobSpec(podLabels) }, ...extra },
    });

  const jobsOf = async (cronJob: string) =>
    (await client.list<Job>(jobsApi, { labelSelector: `from=${cronJob}` })).items.filter((job) => job.metadata?.deletionTimestamp == null).sort((a, b) => ((a.metadata?.name ?? "") < (b.metadata?.name ?? "") ? -1 : 1));

  /** Advances the fake clock a minute at a time until check answers (each step lets the controller act). */
  async function advanceUntil<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
    for (let minute = 0; minute < 3; minute++) {
      await clock.advanceAsync(60_000);
      try {
        return await soon(what, check, 3_000);
      } catch {
        // Not yet: the schedule may need one more minute (the CronJob was created late in a minute).
      }
    }
    throw new Error(`no ${what} after three scheduled minutes`);
  }

  test("a due schedule creates <cronjob>-<minute> with the scheduled-timestamp annotation and owner reference", async () => {
    const cronJob = await createCronJob("tick", succeeds, { successfulJobsHistoryLimit: 1 });
    const [job] = await advanceUntil("tick's first Job", async () => {
      const jobs = await jobsOf("tick");
      return jobs.length === 1 ? jobs : undefined;
    });
    const scheduled = Date.parse(job!.metadata?.annotations?.[scheduledTimestampAnnotation] ?? "");
    assert.equal(scheduled % 60_000, 0);
    assert.equal(job!.metadata?.annotations?.[scheduledTimestampAnnotation], new Date(scheduled).toISOString().replace(".000Z", "Z"));
    assert.equal(job!.metadata?.name, `tick-${scheduled / 60_000}`);
    assert.deepEqual(job!.metadata?.ownerReferences, [{ apiVersion: "batch/v1", kind: "CronJob", name: "tick", uid: cronJob.metadata?.uid, controller: true, blockOwnerDeletion: true }]);
    const status = await soon("tick's status", async () => {
      const current = (await client.get<CronJob>(cronJobsApi, "tick")).status;
      return current?.lastScheduleTime && current.lastSuccessfulTime && (current.active ?? []).length === 0 ? current : undefined;
    });
    assert.equal(Date.parse(status.lastScheduleTime ?? ""), scheduled);
    const table = await server.kubectl(["get", "cronjob", "tick", "--no-headers"]);
    assert.match(table.stdout, /^tick\s+\* \* \* \* \*\s+<none>\s+False\s+0\s+\S+/);
    assert.ok(events.seen.includes(`tick SuccessfulCreate: Created job ${job!.metadata?.name}`));
    assert.ok(events.seen.some((e) => e.startsWith(`tick SawCompletedJob: Saw completed job: ${job!.metadata?.name}, condition: Complete`)));

    // The next run finishes too: the history limit of 1 deletes the older Job.
    const [newer] = await advanceUntil("tick's second run, alone", async () => {
      const jobs = await jobsOf("tick");
      return jobs.length === 1 && jobs[0]!.metadata?.name !== job!.metadata?.name && jobs[0]!.status?.conditions?.some((c) => c.type === "Complete") ? jobs : undefined;
    });
    assert.ok(events.seen.includes(`tick SuccessfulDelete: Deleted job ${job!.metadata?.name}`), events.seen.join("\n"));
    assert.notEqual(newer!.metadata?.name, job!.metadata?.name);
  });

  test("Forbid skips a run while the previous Job is active; Replace deletes it and starts the new one", async () => {
    await createCronJob("forbid", {}, { concurrencyPolicy: "Forbid" });
    await createCronJob("replace", {}, { concurrencyPolicy: "Replace" });
    const [first] = await advanceUntil("the first forbid Job", async () => {
      const jobs = await jobsOf("forbid");
      const replaced = await jobsOf("replace");
      return jobs.length === 1 && replaced.length === 1 ? jobs : undefined;
    });
    const [replaceFirst] = await jobsOf("replace");
    await soon("both recorded as active", async () => {
      const forbid = (await client.get<CronJob>(cronJobsApi, "forbid")).status?.active ?? [];
      const replace = (await client.get<CronJob>(cronJobsApi, "replace")).status?.active ?? [];
      return forbid.length === 1 && replace.length === 1 ? true : undefined;
    });
    const skip = "forbid JobAlreadyActive: Not starting job because prior execution is running and concurrency policy is Forbid";
    const skipsBefore = events.seen.filter((e) => e === skip).length;
    await clock.advanceAsync(60_000);
    await soon("Forbid's skip", async () => (events.seen.filter((e) => e === skip).length > skipsBefore ? true : undefined));
    assert.deepEqual((await jobsOf("forbid")).map((job) => job.metadata?.name), [first!.metadata?.name]);
    const [replacement] = await soon("Replace's new Job", async () => {
      const jobs = await jobsOf("replace");
      return jobs.length === 1 && jobs[0]!.metadata?.name !== replaceFirst!.metadata?.name ? jobs : undefined;
    });
    assert.ok(events.seen.includes(`replace SuccessfulDelete: Deleted job ${replaceFirst!.metadata?.name}`));
    // The new Job is recorded in status just after it is created.
    await soon("Replace's new Job recorded as the only active one", async () => {
      const active = (await client.get<CronJob>(cronJobsApi, "replace")).status?.active ?? [];
      return active.length === 1 && active[0]!.name === replacement!.metadata?.name ? true : undefined;
    });
  });
});
