import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "kubernetes-types/core/v1";
import { planPodSync, type PodRuntimeState } from "./pod-sync-plan.ts";
import type { BackoffEntry } from "./restart-backoff.ts";
import type { ContainerState, ContainerStatus, SandboxStatus } from "./runtime/runtime.ts";

const now = 1_000_000;

function pod(restartPolicy: string, init: string[] = []): Pod {
  return {
    metadata: { name: "p", namespace: "default", uid: "u1" },
    spec: { restartPolicy, initContainers: init.map((name) => ({ name, image: "i" })), containers: [{ name: "a", image: "i" }, { name: "b", image: "i" }] },
  };
}

function sandbox(id: string, ready = true, attempt = 0): SandboxStatus {
  return { id, metadata: { name: "p", namespace: "default", uid: "u1", attempt }, state: ready ? "ready" : "notready", createdAt: new Date(attempt * 1000), additionalIps: [], labels: {}, annotations: {} };
}

function container(id: string, name: string, state: ContainerState, opts: { attempt?: number; exitCode?: number; finishedAt?: number; sandboxId?: string } = {}): ContainerStatus {
  return {
    id,
    sandboxId: opts.sandboxId ?? "s1",
    metadata: { name, attempt: opts.attempt ?? 0 },
    state,
    createdAt: new Date(0),
    ...(opts.exitCode !== undefined ? { exitCode: opts.exitCode } : {}),
    ...(opts.finishedAt !== undefined ? { finishedAt: new Date(opts.finishedAt) } : {}),
    image: "i",
    imageRef: "sha256:1",
    logPath: "",
    labels: { "io.kubernetes.container.name": name },
    annotations: {},
  };
}

interface Case {
  name: string;
  pod: Pod;
  state: PodRuntimeState;
  backoffs?: [string, BackoffEntry][];
  unhealthy?: string[];
  sandbox?: number;
  start?: string[];
  kill?: string[];
  crashLoops?: string[];
  failed?: boolean;
}

const cases: Case[] = [
  { name: "new pod: sandbox, then both containers", pod: pod("Always"), state: { sandboxes: [], containers: [] }, sandbox: 0, start: ["a#0", "b#0"] },
  { name: "new pod with init: sandbox and the first init container only", pod: pod("Always", ["i1", "i2"]), state: { sandboxes: [], containers: [] }, sandbox: 0, start: ["i1#0"] },
  { name: "all running: nothing to do", pod: pod("Always"), state: { sandboxes: [sandbox("s1")], containers: [container("c1", "a", "running"), container("c2", "b", "running")] } },
  { name: "first init done: the second starts", pod: pod("Always", ["i1", "i2"]), state: { sandboxes: [sandbox("s1")], containers: [container("c1", "i1", "exited", { exitCode: 0 })] }, start: ["i2#0"] },
  { name: "init running: wait", pod: pod("Always", ["i1"]), state: { sandboxes: [sandbox("s1")], containers: [container("c1", "i1", "running")] } },
  { name: "init failed under OnFailure: restart it", pod: pod("OnFailure", ["i1"]), state: { sandboxes: [sandbox("s1")], containers: [container("c1", "i1", "exited", { exitCode: 1, finishedAt: now })] }, start: ["i1#1"] },
  { name: "init failed under Never: pod failed", pod: pod("Never", ["i1"]), state: { sandboxes: [sandbox("s1")], containers: [container("c1", "i1", "exited", { exitCode: 1, finishedAt: now })] }, failed: true },
  { name: "inits done: containers start", pod: pod("Always", ["i1"]), state: { sandboxes: [sandbox("s1")], containers: [container("c1", "i1", "exited", { exitCode: 0 })] }, start: ["a#0", "b#0"] },
  { name: "Always: an exit restarts at once the first time", pod: pod("Always"), state: { sandboxes: [sandbox("s1")], containers: [container("c1", "a", "exited", { exitCode: 0, finishedAt: now }), container("c2", "b", "running")] }, start: ["a#1"] },
  {
    name: "Always: a repeat exit within the back-off waits",
    pod: pod("Always"),
    state: { sandboxes: [sandbox("s1")], containers: [container("c1", "a", "exited", { attempt: 1, exitCode: 1, finishedAt: now - 2000 }), container("c2", "b", "running")] },
    backoffs: [["a", { delayMs: 10_000, lastRestartMs: now - 5000 }]],
    crashLoops: ["a:8000"],
  },
  { name: "OnFailure: exit 0 stays down", pod: pod("OnFailure"), state: { sandboxes: [sandbox("s1")], containers: [container("c1", "a", "exited", { exitCode: 0, finishedAt: now }), container("c2", "b", "running")] } },
  { name: "OnFailure: exit 1 restarts", pod: pod("OnFailure"), state: { sandboxes: [sandbox("s1")], containers: [container("c1", "a", "exited", { exitCode: 1, finishedAt: now }), container("c2", "b", "running")] }, start: ["a#1"] },
  { name: "Never: exit 1 stays down", pod: pod("Never"), state: { sandboxes: [sandbox("s1")], containers: [container("c1", "a", "exited", { exitCode: 1, finishedAt: now }), container("c2", "b", "running")] } },
  { name: "unhealthy container is killed (restart follows its exit)", pod: pod("Always"), state: { sandboxes: [sandbox("s1")], containers: [container("c1", "a", "running"), container("c2", "b", "running")] }, unhealthy: ["b"], kill: ["c2:Unhealthy"] },
  {
    name: "dead sandbox: kill what runs, new sandbox, restart counts go on",
    pod: pod("Always"),
    state: { sandboxes: [sandbox("s1", false)], containers: [container("c1", "a", "running", { attempt: 2 }), container("c2", "b", "exited", { exitCode: 0 })] },
    sandbox: 1,
    kill: ["c1:SandboxChanged"],
    start: ["a#3", "b#1"],
  },
  { name: "finished Never pod with a stopped sandbox: nothing", pod: pod("Never"), state: { sandboxes: [sandbox("s1", false)], containers: [container("c1", "a", "exited", { exitCode: 0 }), container("c2", "b", "exited", { exitCode: 1 })] } },
  { name: "a created but never started container is replaced", pod: pod("Always"), state: { sandboxes: [sandbox("s1")], containers: [container("c1", "a", "created"), container("c2", "b", "running")] }, kill: ["c1:NotStarted"], start: ["a#1"] },
];

describe("planPodSync", () => {
  for (const c of cases) {
    test(c.name, () => {
      const plan = planPodSync({ pod: c.pod, state: c.state, backoffs: new Map(c.backoffs ?? []), unhealthy: new Set(c.unhealthy ?? []), nowMs: now });
      assert.equal(plan.createSandbox?.attempt, c.sandbox);
      assert.deepEqual(plan.containersToStart.map((s) => `${s.name}#${s.attempt}`), c.start ?? []);
      assert.deepEqual(plan.containersToKill.map((k) => `${k.id}:${k.why}`), c.kill ?? []);
      assert.deepEqual(plan.crashLoops.map((w) => `${w.name}:${w.remainingMs}`), c.crashLoops ?? []);
      assert.equal(plan.podFailed, c.failed ?? false);
    });
  }

  test("a restart records the doubled back-off", () => {
    const plan = planPodSync({
      pod: pod("Always"),
      state: { sandboxes: [sandbox("s1")], containers: [container("c1", "a", "exited", { attempt: 1, exitCode: 1, finishedAt: now - 11_000 }), container("c2", "b", "running")] },
      backoffs: new Map([["a", { delayMs: 10_000, lastRestartMs: now - 12_000 }]]),
      nowMs: now,
    });
    assert.deepEqual(plan.backoffUpdates.get("a"), { delayMs: 20_000, lastRestartMs: now });
  });
});
