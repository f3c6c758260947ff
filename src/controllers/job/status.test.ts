import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Job, JobStatus } from "kubernetes-types/batch/v1";
import type { Pod } from "kubernetes-types/core/v1";
import { remainingBackoffMs, nextBackoffRecord, noBackoff } from "./backoff.ts";
import { formatIndexes, indexesToCreate, parseIndexes } from "./indexes.ts";
import { checkFailure, countReleased, isComplete, jobTrackingFinalizer, tallyPods, trackFinishedPods, wantedActive } from "./status.ts";

function job(spec: Partial<NonNullable<Job["spec"]>> = {}, status: JobStatus = {}): Job {
  return { metadata: { name: "j", namespace: "ns", uid: "job-uid" }, spec: { template: { spec: { containers: [], restartPolicy: "Never" } }, ...spec }, status };
}

function pod(uid: string, phase: string, extra: { deleting?: boolean; tracked?: boolean; ready?: boolean; restarts?: number; finishedAt?: string } = {}): Pod {
  return {
    metadata: { name: uid, namespace: "ns", uid, ...(extra.tracked === false ? {} : { finalizers: [jobTrackingFinalizer] }), ...(extra.deleting ? { deletionTimestamp: "2024-01-01T00:00:00Z" } : {}) },
    spec: { containers: [] },
    status: {
      phase,
      ...(extra.ready ? { conditions: [{ type: "Ready", status: "True" }] } : {}),
      containerStatuses: [{ name: "c", image: "i", imageID: "", ready: false, restartCount: extra.restarts ?? 0, ...(extra.finishedAt ? { state: { terminated: { exitCode: 1, finishedAt: extra.finishedAt } } } : {}) }],
    },
  };
}

describe("how many pods a Job wants", () => {
  const cases: Array<[string, Partial<NonNullable<Job["spec"]>>, number, number, number]> = [
    ["parallelism below the missing completions", { completions: 5, parallelism: 2 }, 0, 0, 2],
    ["never more than the completions still missing", { completions: 3, parallelism: 2 }, 2, 1, 1],
    ["none once completions are reached", { completions: 3, parallelism: 2 }, 3, 0, 0],
    ["a work queue runs parallelism pods until a success", { parallelism: 3 }, 0, 1, 3],
    ["a work queue after a success keeps what runs, starts nothing", { parallelism: 3 }, 1, 2, 2],
  ];
  for (const [name, spec, succeeded, active, expected] of cases) test(name, () => assert.equal(wantedActive(job(spec), succeeded, active), expected));
});

describe("when a Job is complete", () => {
  const cases: Array<[string, Partial<NonNullable<Job["spec"]>>, number, number, boolean]> = [
    ["completions reached, nothing running", { completions: 3 }, 3, 0, true],
    ["completions reached but a pod still runs", { completions: 3 }, 3, 1, false],
    ["short of completions", { completions: 3 }, 2, 0, false],
    ["a work queue: one success and all ended", { parallelism: 2 }, 1, 0, true],
    ["a work queue: no success yet", { parallelism: 2 }, 0, 0, false],
  ];
  for (const [name, spec, succeeded, active, expected] of cases) test(name, () => assert.equal(isComplete(job(spec), succeeded, active), expected));
});

describe("when a Job has failed", () => {
  const now = Date.parse("2024-01-01T00:01:00Z");
  const start = Date.parse("2024-01-01T00:00:00Z");
  test("failures beyond the backoff limit", () => {
    assert.equal(checkFailure(job({ backoffLimit: 1 }), [], 2, start, now).finish?.reason, "BackoffLimitExceeded");
    assert.equal(checkFailure(job({ backoffLimit: 1 }), [], 1, start, now).finish, undefined);
  });
  test("restartPolicy OnFailure sums container restarts of running pods", () => {
    const onFailure = (limit: number) => job({ backoffLimit: limit, template: { spec: { containers: [], restartPolicy: "OnFailure" } } });
    assert.equal(checkFailure(onFailure(2), [pod("a", "Running", { restarts: 1 }), pod("b", "Running", { restarts: 1 })], 0, start, now).finish?.reason, "BackoffLimitExceeded");
    assert.equal(checkFailure(onFailure(3), [pod("a", "Running", { restarts: 1 }), pod("b", "Running", { restarts: 1 })], 0, start, now).finish, undefined);
    assert.equal(checkFailure(onFailure(0), [pod("a", "Running", { restarts: 1 })], 0, start, now).finish?.reason, "BackoffLimitExceeded");
  });
  test("the active deadline, and the time left before it", () => {
    const late = checkFailure(job({ activeDeadlineSeconds: 60 }), [], 0, start, now);
    assert.deepEqual([late.finish?.reason, late.finish?.message], ["DeadlineExceeded", "Job was active longer than specified deadline"]);
    assert.equal(checkFailure(job({ activeDeadlineSeconds: 90 }), [], 0, start, now).deadlineInMs, 30_000);
    assert.deepEqual(checkFailure(job({ activeDeadlineSeconds: 60, suspend: true }), [], 0, start, now), {});
  });
});

describe("counting finished pods exactly once", () => {
  test("new successes and failures, uncounted ones, and pods already counted", () => {
    const j = job({ completions: 5 }, { succeeded: 1, failed: 1, uncountedTerminatedPods: { succeeded: ["s-old"] } });
    const pods = [pod("s-old", "Succeeded"), pod("s-new", "Succeeded"), pod("f-new", "Failed"), pod("gone", "Running", { deleting: true }), pod("counted", "Succeeded", { tracked: false }), pod("run", "Running", { ready: true })];
    const tally = tallyPods(j, pods, new Set());
    assert.deepEqual(tally.newSucceeded.map((p) => p.metadata?.uid), ["s-new"]);
    assert.deepEqual(tally.newFailed.map((p) => p.metadata?.uid), ["f-new", "gone"]);
    assert.deepEqual([tally.succeeded, tally.failed, tally.active.length, tally.ready, tally.terminating], [3, 3, 1, 1, 1]);
    const tracking = trackFinishedPods(j, pods, new Set(), undefined, new Set());
    assert.deepEqual(tracking.uncountedSucceeded, ["s-old", "s-new"]);
    assert.deepEqual(tracking.uncountedFailed, ["f-new", "gone"]);
    assert.deepEqual(tracking.toStrip.map((p) => p.metadata?.uid), ["s-old", "s-new", "f-new", "gone"]);
  });

  test("a deleted running pod counts as failed only under the default replacement policy", () => {
    const deleted = [pod("gone", "Running", { deleting: true })];
    assert.equal(tallyPods(job(), deleted, new Set()).failed, 1);
    assert.equal(tallyPods(job({ podReplacementPolicy: "Failed" }), deleted, new Set()).failed, 0);
  });

  test("a pod whose finalizer removal is awaited is not counted again", () => {
    const j = job({ completions: 2 }, { succeeded: 1 });
    const tally = tallyPods(j, [pod("s", "Succeeded")], new Set(["s"]));
    assert.equal(tally.succeeded, 1);
  });

  test("a failing Job counts its unfinished pods as failed", () => {
    const tracking = trackFinishedPods(job(), [pod("run", "Running")], new Set(), { type: "Failed", reason: "r", message: "m" }, new Set());
    assert.deepEqual(tracking.uncountedFailed, ["run"]);
  });

  test("uncounted pods move into the counters once their finalizer is off", () => {
    const status: JobStatus = { succeeded: 2, failed: 0, uncountedTerminatedPods: { succeeded: ["a", "b"], failed: ["c"] } };
    assert.equal(countReleased(status, new Set(["b"])), true);
    assert.deepEqual(status, { succeeded: 3, failed: 1, uncountedTerminatedPods: { succeeded: ["b"] } });
    assert.equal(countReleased(status, new Set(["b"])), false);
  });
});

describe("pod failure back-off", () => {
  const fail = (uid: string, at: string) => pod(uid, "Failed", { finishedAt: at });
  const ok = (uid: string, at: string) => ({ ...pod(uid, "Succeeded"), status: { phase: "Succeeded", conditions: [{ type: "Ready", status: "False", lastTransitionTime: at }] } });
  test("doubles per failure since the last success, capped", () => {
    const one = nextBackoffRecord(noBackoff, [], [fail("a", "2024-01-01T00:00:00Z")]);
    const now = Date.parse("2024-01-01T00:00:04Z");
    assert.equal(remainingBackoffMs(one, now, 10_000, 60_000), 6_000);
    const three = nextBackoffRecord(one, [], [fail("b", "2024-01-01T00:00:01Z"), fail("c", "2024-01-01T00:00:02Z")]);
    assert.equal(remainingBackoffMs(three, now, 10_000, 60_000), 40_000 - 2_000);
    const many = { failuresAfterLastSuccess: 20, lastFailureMs: now };
    assert.equal(remainingBackoffMs(many, now, 10_000, 60_000), 60_000);
  });
  test("a success resets it; failures after the success count again", () => {
    const record = nextBackoffRecord({ failuresAfterLastSuccess: 4, lastFailureMs: 0 }, [ok("s", "2024-01-01T00:00:05Z")], [fail("a", "2024-01-01T00:00:01Z"), fail("b", "2024-01-01T00:00:09Z")]);
    assert.deepEqual(record, { failuresAfterLastSuccess: 1, lastFailureMs: Date.parse("2024-01-01T00:00:09Z") });
    assert.deepEqual(nextBackoffRecord(record, [ok("t", "2024-01-01T00:00:10Z")], []), noBackoff);
  });
});

describe("completion indexes", () => {
  test("parse and format status.completedIndexes", () => {
    assert.deepEqual([...parseIndexes("1,3-5,9", 6)].sort(), [1, 3, 4, 5]);
    assert.equal(formatIndexes([5, 1, 3, 4, 9, 0]), "0-1,3-5,9");
    assert.equal(formatIndexes([]), "");
  });
  test("the lowest free indexes are created first", () => {
    assert.deepEqual(indexesToCreate(6, new Set([0, 2]), new Set([1]), 2), [3, 4]);
    assert.deepEqual(indexesToCreate(3, new Set([0, 1]), new Set([2]), 2), []);
  });
});

describe("podFailurePolicy", () => {
  const exited = (uid: string, exitCode: number, conditions: Array<{ type: string; status: string }> = []): Pod => ({
    metadata: { name: uid, namespace: "ns", uid, finalizers: [jobTrackingFinalizer] },
    spec: { containers: [] },
    status: { phase: "Failed", conditions, containerStatuses: [{ name: "main", image: "", imageID: "", ready: false, restartCount: 0, state: { terminated: { exitCode } } }] },
  });
  const policy = job({
    backoffLimit: 6,
    podFailurePolicy: {
      rules: [
        { action: "FailJob", onExitCodes: { containerName: "main", operator: "In", values: [42] } },
        { action: "Ignore", onPodConditions: [{ type: "DisruptionTarget", status: "True" }] },
        { action: "Count", onExitCodes: { operator: "NotIn", values: [7] } },
      ],
    },
  });
  test("FailJob fails the Job with upstream's message", () => {
    const check = checkFailure(policy, [exited("p", 42)], 1, 0, 0);
    assert.deepEqual(check.finish, { type: "Failed", reason: "PodFailurePolicy", message: "Container main for pod ns/p failed with exit code 42 matching FailJob rule at index 0" });
  });
  test("Ignore does not count the failure; Count and unmatched failures count", () => {
    const pods = [exited("disrupted", 1, [{ type: "DisruptionTarget", status: "True" }]), exited("counted", 3), exited("unmatched", 7)];
    assert.equal(tallyPods(policy, pods, new Set()).failed, 2);
    assert.deepEqual(trackFinishedPods(policy, pods, new Set(), undefined, new Set()).uncountedFailed, ["counted", "unmatched"]);
    assert.equal(checkFailure(policy, pods, 2, 0, 0).finish, undefined);
  });
});
