// The Job controller's sync against an in-memory API, with caches the test
// feeds by hand (a slow watch is one the test has not delivered yet).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Job } from "kubernetes-types/batch/v1";
import type { Pod } from "kubernetes-types/core/v1";
import type { KubeObject } from "../client/kube-client.ts";
import { objectKey } from "../client/object-key.ts";
import { inNamespace, resources } from "../client/resources.ts";
import { FakeApi } from "../client/testing/fake-api.ts";
import { FakeClock } from "../client/testing/fake-clock.ts";
import type { EventSink, EventType } from "./event-sink.ts";
import { JobController } from "./job.ts";
import { jobTrackingFinalizer } from "./job/status.ts";
import type { ChangeHandlers, WatchedCache } from "./watched-cache.ts";

class HandFedCache<T extends KubeObject> implements WatchedCache<T> {
  private readonly objects = new Map<string, T>();
  private readonly handlers: ChangeHandlers<T>[] = [];
  get(key: string): T | undefined {
    return this.objects.get(key);
  }
  list(namespace?: string): T[] {
    return [...this.objects.values()].filter((o) => !namespace || o.metadata?.namespace === namespace);
  }
  subscribe(handlers: ChangeHandlers<T>): void {
    this.handlers.push(handlers);
  }
  deliver(object: T): void {
    const previous = this.objects.get(objectKey(object));
    this.objects.set(objectKey(object), object);
    for (const h of this.handlers) {
      if (previous === undefined) h.onAdd(object);
      else h.onUpdate(previous, object);
    }
  }
  deliverDelete(object: T): void {
    this.objects.delete(objectKey(object));
    for (const h of this.handlers) h.onDelete(object);
  }
}

class RecordedEvents implements EventSink {
  readonly seen: string[] = [];
  record(_regarding: KubeObject, type: EventType, reason: string, message: string): void {
    this.seen.push(`${type} ${reason}: ${message}`);
  }
}

const jobsApi = inNamespace(resources.jobs, "ns");
const podsApi = inNamespace(resources.pods, "ns");

async function setUp(spec: Partial<NonNullable<Job["spec"]>>) {
  const clock = new FakeClock(Date.parse("2026-01-01T00:00:00Z"));
  const api = new FakeApi(clock);
  const jobs = new HandFedCache<Job>();
  const pods = new HandFedCache<Pod>();
  const events = new RecordedEvents();
  const controller = new JobController({ client: api, jobs, pods, events, clock, podFailureBackoff: { baseMs: 1000, maxMs: 4000 } });
  const created = await api.create<Job>(jobsApi, { metadata: { name: "pi", namespace: "ns" }, spec: { template: { spec: { containers: [{ name: "c" }], restartPolicy: "Never" } }, ...spec } });
  const labels = { "batch.kubernetes.io/controller-uid": created.metadata!.uid!, "batch.kubernetes.io/job-name": "pi" };
  const job = await api.update<Job>(jobsApi, { ...created, spec: { ...created.spec!, selector: { matchLabels: labels }, template: { ...created.spec!.template, metadata: { labels } } } });
  jobs.deliver(job);
  const stop = new AbortController();
  const sync = () => controller.sync("ns/pi", stop.signal);
  const serverPods = async () => (await api.list<Pod>(podsApi)).items;
  /** Both informers catch up with the server. */
  const catchUp = async () => {
    const onServer = await serverPods();
    for (const pod of onServer) pods.deliver(pod);
    for (const pod of pods.list("ns")) if (!onServer.some((p) => p.metadata?.uid === pod.metadata?.uid)) pods.deliverDelete(pod);
    jobs.deliver(await api.get<Job>(jobsApi, "pi"));
  };
  const finish = async (pod: Pod, phase: "Succeeded" | "Failed") => {
    await api.updateStatus<Pod>(podsApi, { ...pod, status: { phase, containerStatuses: [{ name: "c", image: "", imageID: "", ready: false, restartCount: 0, state: { terminated: { exitCode: phase === "Succeeded" ? 0 : 1, finishedAt: new Date(clock.now()).toISOString() } } }] } });
  };
  const current = () => api.get<Job>(jobsApi, "pi");
  /** Only the Job informer catches up (the pod watch lags). */
  const refreshJob = async () => jobs.deliver(await current());
  return { clock, api, events, sync, serverPods, catchUp, finish, current, refreshJob };
}

const conditionTypes = (job: Job) => (job.status?.conditions ?? []).map((c) => `${c.type}=${c.status}${c.reason ? `/${c.reason}` : ""}`);

describe("Job controller sync", () => {
  test("runs parallelism pods with the tracking finalizer and completes after the completions, counting each pod once", async () => {
    const { sync, serverPods, catchUp, finish, current, events, refreshJob } = await setUp({ completions: 3, parallelism: 2 });
    await sync();
    await refreshJob();
    await sync();
    let pods = await serverPods();
    assert.equal(pods.length, 2, "created once although the cache had not caught up");
    for (const pod of pods) {
      assert.match(pod.metadata?.name ?? "", /^pi-/);
      assert.deepEqual(pod.metadata?.finalizers, [jobTrackingFinalizer]);
      assert.equal(pod.metadata?.ownerReferences?.[0]?.kind, "Job");
      assert.equal(pod.metadata?.ownerReferences?.[0]?.blockOwnerDeletion, true);
    }
    await catchUp();
    await sync();
    assert.equal((await current()).status?.active, 2);
    assert.ok((await current()).status?.startTime);

    await finish(pods[0]!, "Succeeded");
    await catchUp();
    await sync();
    let job = await current();
    assert.equal(job.status?.succeeded, 1);
    assert.deepEqual(job.status?.uncountedTerminatedPods, {});
    assert.deepEqual((await serverPods()).find((p) => p.metadata?.name === pods[0]!.metadata?.name)?.metadata?.finalizers, []);
    // The pod cache still shows the finalizer: the pod must not be counted again.
    await refreshJob();
    await sync();
    assert.equal((await current()).status?.succeeded, 1);
    await catchUp();
    await sync();
    pods = (await serverPods()).filter((p) => p.status?.phase !== "Succeeded");
    assert.equal(pods.length, 2, "one replacement for the finished pod");
    await catchUp();
    for (const pod of pods) await finish(pod, "Succeeded");
    await catchUp();
    await sync();
    job = await current();
    assert.equal(job.status?.succeeded, 3);
    assert.deepEqual(conditionTypes(job), ["SuccessCriteriaMet=True/CompletionsReached", "Complete=True/CompletionsReached"]);
    assert.ok(job.status?.completionTime);
    assert.equal(events.seen.filter((e) => e.startsWith("Normal SuccessfulCreate: Created pod: pi-")).length, 3);
    assert.ok(events.seen.includes("Normal Completed: Job completed"));
  });

  test("fails with BackoffLimitExceeded: FailureTarget first, Failed once no pod is left terminating", async () => {
    const { sync, serverPods, catchUp, finish, current, events } = await setUp({ completions: 2, parallelism: 2, backoffLimit: 0 });
    await sync();
    await catchUp();
    const [failing] = await serverPods();
    await finish(failing!, "Failed");
    await catchUp();
    await sync();
    let job = await current();
    assert.deepEqual(conditionTypes(job), ["FailureTarget=True/BackoffLimitExceeded"]);
    assert.equal(job.status?.failed, 2, "the failed pod and the running one it deleted");
    // The fake API deletes at once; once the cache sees the pods gone the Job is Failed.
    await catchUp();
    await sync();
    job = await current();
    assert.deepEqual(conditionTypes(job), ["FailureTarget=True/BackoffLimitExceeded", "Failed=True/BackoffLimitExceeded"]);
    assert.equal(job.status?.completionTime, undefined);
    assert.ok(events.seen.includes("Warning BackoffLimitExceeded: Job has reached the specified backoff limit"));
  });

  test("replaces a failed pod only after the back-off", async () => {
    const { sync, serverPods, catchUp, finish, clock } = await setUp({ completions: 1, parallelism: 1, backoffLimit: 3 });
    await sync();
    await catchUp();
    const [first] = await serverPods();
    await finish(first!, "Failed");
    await catchUp();
    const requeue = await sync();
    assert.equal((await serverPods()).filter((p) => p.status?.phase !== "Failed").length, 0);
    assert.ok(requeue && requeue.requeueAfterMs > 900 && requeue.requeueAfterMs <= 1010, `requeue ${JSON.stringify(requeue)}`);
    await catchUp();
    clock.advance(1000);
    await sync();
    assert.equal((await serverPods()).filter((p) => p.status?.phase !== "Failed").length, 1);
  });

  test("activeDeadlineSeconds requeues for the deadline, then fails with DeadlineExceeded", async () => {
    const { sync, catchUp, current, clock, serverPods } = await setUp({ completions: 1, activeDeadlineSeconds: 5 });
    await sync();
    await catchUp();
    const requeue = await sync();
    assert.ok(requeue && requeue.requeueAfterMs >= 5000 && requeue.requeueAfterMs < 5100);
    clock.advance(5000);
    await sync();
    await catchUp();
    await sync();
    const job = await current();
    assert.deepEqual(conditionTypes(job), ["FailureTarget=True/DeadlineExceeded", "Failed=True/DeadlineExceeded"]);
    assert.equal(job.status?.conditions?.[1]?.message, "Job was active longer than specified deadline");
    assert.equal((await serverPods()).length, 0);
  });

  test("suspend deletes active pods without counting them and sets Suspended", async () => {
    const { sync, catchUp, current, api, serverPods, events } = await setUp({ completions: 2, parallelism: 2 });
    await sync();
    await catchUp();
    const job = await current();
    await api.update<Job>(jobsApi, { ...job, spec: { ...job.spec!, suspend: true } });
    await catchUp();
    await sync();
    const suspended = await current();
    assert.deepEqual(conditionTypes(suspended), ["Suspended=True/JobSuspended"]);
    assert.equal(suspended.status?.failed ?? 0, 0);
    assert.equal((await serverPods()).length, 0);
    assert.ok(events.seen.includes("Normal Suspended: Job suspended"));
  });

  test("Indexed pods are named and labelled by index; completedIndexes tracks the done ones", async () => {
    const { sync, catchUp, current, serverPods, finish } = await setUp({ completions: 3, parallelism: 2, completionMode: "Indexed" });
    await sync();
    const pods = await serverPods();
    const indexes = pods.map((p) => p.metadata?.annotations?.["batch.kubernetes.io/job-completion-index"]).sort();
    assert.deepEqual(indexes, ["0", "1"]);
    for (const pod of pods) {
      const index = pod.metadata?.labels?.["batch.kubernetes.io/job-completion-index"];
      assert.match(pod.metadata?.name ?? "", new RegExp(`^pi-${index}-`));
      assert.equal(pod.spec?.hostname, `pi-${index}`);
    }
    await catchUp();
    await finish(pods.find((p) => p.metadata?.annotations?.["batch.kubernetes.io/job-completion-index"] === "1")!, "Succeeded");
    await catchUp();
    await sync();
    assert.equal((await current()).status?.completedIndexes, "1");
    await catchUp();
    await sync();
    const running = (await serverPods()).filter((p) => p.status?.phase !== "Succeeded").map((p) => p.metadata?.annotations?.["batch.kubernetes.io/job-completion-index"]).sort();
    assert.deepEqual(running, ["0", "2"]);
  });

  test("a Job managed by another controller is left alone", async () => {
    const { sync, serverPods, current } = await setUp({ completions: 1, managedBy: "example.com/other" });
    await sync();
    assert.equal((await serverPods()).length, 0);
    assert.equal((await current()).status, undefined);
  });

  test("a finished Job's pods that still hold the tracking finalizer lose it", async () => {
    const { sync, serverPods, catchUp, api, current } = await setUp({ completions: 1 });
    await sync();
    await catchUp();
    const job = await current();
    await api.updateStatus<Job>(jobsApi, { ...job, status: { ...job.status, conditions: [{ type: "Complete", status: "True" }] } });
    await catchUp();
    await sync();
    assert.deepEqual((await serverPods()).map((pod) => pod.metadata?.finalizers), [[]]);
  });
});
