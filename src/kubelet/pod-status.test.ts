import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ContainerStatus as ApiContainerStatus, Pod } from "kubernetes-types/core/v1";
import { podPhase, podStatus, type PodPhase, type WaitingReason } from "./pod-status.ts";
import type { ContainerState, ContainerStatus, SandboxStatus } from "./runtime/runtime.ts";

const now = Date.UTC(2026, 0, 1, 12, 0, 0);
const running = { running: { startedAt: "2026-01-01T00:00:00Z" } };
const exited = (exitCode: number) => ({ terminated: { exitCode } });
const waiting = { waiting: { reason: "ContainerCreating" } };
const s = (state: ApiContainerStatus["state"], lastExit?: number): ApiContainerStatus => ({ name: "c", image: "i", imageID: "", ready: false, restartCount: 0, state, ...(lastExit !== undefined ? { lastState: exited(lastExit) } : {}) });

describe("podPhase", () => {
  const cases: [string, string, ApiContainerStatus[], ApiContainerStatus[], PodPhase][] = [
    ["all waiting", "Always", [], [s(waiting), s(waiting)], "Pending"],
    ["one running, one waiting", "Always", [], [s(running), s(waiting)], "Pending"],
    ["all running", "Always", [], [s(running), s(running)], "Running"],
    ["init still running", "Always", [s(running)], [s(waiting)], "Pending"],
    ["init failed under Never", "Never", [s(exited(1))], [s(waiting)], "Failed"],
    ["init failed and waiting to restart under OnFailure", "OnFailure", [s({ waiting: { reason: "CrashLoopBackOff" } }, 1)], [s(waiting)], "Pending"],
    ["all exited 0 under Never", "Never", [], [s(exited(0)), s(exited(0))], "Succeeded"],
    ["one exited 1 under Never", "Never", [], [s(exited(0)), s(exited(1))], "Failed"],
    ["one still running under Never", "Never", [], [s(exited(1)), s(running)], "Running"],
    ["exited under Always stays Running", "Always", [], [s(exited(0))], "Running"],
    ["exited 1 under OnFailure (restart pending)", "OnFailure", [], [s(exited(1))], "Running"],
    ["all exited 0 under OnFailure", "OnFailure", [], [s(exited(0))], "Succeeded"],
    ["crash looping counts as stopped", "Always", [], [s({ waiting: { reason: "CrashLoopBackOff" } }, 2)], "Running"],
  ];
  for (const [name, policy, init, regular, expected] of cases) test(name, () => assert.equal(podPhase({ spec: { restartPolicy: policy, containers: [] } }, init, regular), expected));
});

function sandbox(ip?: string): SandboxStatus {
  return { id: "s1", metadata: { name: "p", namespace: "default", uid: "u", attempt: 0 }, state: "ready", createdAt: new Date(now), ...(ip ? { ip } : {}), additionalIps: [], labels: {}, annotations: {} };
}

function container(id: string, name: string, state: ContainerState, attempt = 0, exitCode?: number): ContainerStatus {
  return {
    id,
    sandboxId: "s1",
    metadata: { name, attempt },
    state,
    createdAt: new Date(now - 10_000 + attempt),
    startedAt: new Date(now - 5000),
    ...(state === "exited" ? { exitCode: exitCode ?? 0, finishedAt: new Date(now - 1000), reason: exitCode ? "Error" : "Completed" } : {}),
    image: "i",
    imageRef: "sha256:abc",
    logPath: "",
    labels: { "io.kubernetes.container.name": name },
    annotations: {},
  };
}

const basePod: Pod = {
  metadata: { name: "p", namespace: "default", uid: "u" },
  spec: { restartPolicy: "Always", containers: [{ name: "a", image: "img-a" }, { name: "b", image: "img-b" }] },
  status: { conditions: [{ type: "PodScheduled", status: "True", lastTransitionTime: "2025-01-01T00:00:00Z" }] },
};

function statusOf(containers: ContainerStatus[], opts: { waiting?: [string, WaitingReason][]; unready?: string[]; pod?: Pod } = {}) {
  return podStatus({
    pod: opts.pod ?? basePod,
    state: { sandboxes: [sandbox("10.42.0.5")], containers },
    runtimeName: "containerd",
    hostIPs: ["192.0.2.2"],
    waiting: new Map(opts.waiting ?? []),
    ready: (name) => !(opts.unready ?? []).includes(name),
    started: () => true,
    nowMs: now,
  });
}

describe("podStatus", () => {
  test("running and ready: conditions, IPs, container IDs, PodScheduled kept", () => {
    const status = statusOf([container("c1", "a", "running"), container("c2", "b", "running")]);
    assert.equal(status.phase, "Running");
    assert.equal(status.podIP, "10.42.0.5");
    assert.deepEqual(status.hostIPs, [{ ip: "192.0.2.2" }]);
    assert.deepEqual(status.conditions?.map((c) => `${c.type}=${c.status}`), ["PodReadyToStartContainers=True", "Initialized=True", "Ready=True", "ContainersReady=True", "PodScheduled=True"]);
    assert.equal(status.containerStatuses?.[0]?.containerID, "containerd://c1");
    assert.equal(status.containerStatuses?.[0]?.imageID, "sha256:abc");
    assert.equal(status.containerStatuses?.[0]?.ready, true);
    assert.equal(status.startTime, "2026-01-01T12:00:00Z");
    assert.equal(status.qosClass, "BestEffort");
  });

  test("an unready container makes the pod unready with upstream's message", () => {
    const status = statusOf([container("c1", "a", "running"), container("c2", "b", "running")], { unready: ["b"] });
    const ready = status.conditions?.find((c) => c.type === "Ready");
    assert.equal(ready?.status, "False");
    assert.equal(ready?.reason, "ContainersNotReady");
    assert.equal(ready?.message, "containers with unready status: [b]");
  });

  test("a crash-looping container waits with its last death as lastState and keeps its count", () => {
    const status = statusOf([container("c0", "a", "exited", 0, 1), container("c1", "a", "exited", 1, 1), container("c2", "b", "running")], { waiting: [["a", { reason: "CrashLoopBackOff", message: "back-off 10s ..." }]] });
    const a = status.containerStatuses?.[0];
    assert.equal(a?.restartCount, 1);
    assert.equal(a?.state?.waiting?.reason, "CrashLoopBackOff");
    assert.equal(a?.lastState?.terminated?.containerID, "containerd://c1");
    assert.equal(a?.lastState?.terminated?.reason, "Error");
  });

  test("a restarted container shows the previous one as lastState", () => {
    const status = statusOf([container("c0", "a", "exited", 0, 2), container("c1", "a", "running", 1), container("c2", "b", "running")]);
    const a = status.containerStatuses?.[0];
    assert.equal(a?.restartCount, 1);
    assert.ok(a?.state?.running);
    assert.equal(a?.lastState?.terminated?.exitCode, 2);
  });

  test("containers without a runtime container wait: ContainerCreating, or the recorded reason", () => {
    const status = statusOf([], { waiting: [["b", { reason: "ErrImagePull", message: "boom" }]] });
    assert.equal(status.phase, "Pending");
    assert.deepEqual(status.containerStatuses?.map((c) => c.state?.waiting?.reason), ["ContainerCreating", "ErrImagePull"]);
  });

  test("regular containers wait in PodInitializing while an init container runs", () => {
    const pod: Pod = { ...basePod, spec: { ...basePod.spec!, initContainers: [{ name: "init", image: "i" }, { name: "later", image: "i" }] } };
    const status = statusOf([container("i1", "init", "running")], { pod });
    assert.equal(status.initContainerStatuses?.[1]?.state?.waiting?.reason, "PodInitializing");
    assert.equal(status.phase, "Pending");
    assert.deepEqual(status.containerStatuses?.map((c) => c.state?.waiting?.reason), ["PodInitializing", "PodInitializing"]);
    const initialized = status.conditions?.find((c) => c.type === "Initialized");
    assert.equal(initialized?.status, "False");
    assert.equal(initialized?.message, "containers with incomplete status: [init later]");
  });

  test("a finished pod reports PodCompleted and keeps unchanged transition times", () => {
    const pod: Pod = { ...basePod, spec: { ...basePod.spec!, restartPolicy: "Never" }, status: { conditions: [{ type: "Initialized", status: "True", lastTransitionTime: "2025-06-01T00:00:00Z" }] } };
    const status = statusOf([container("c1", "a", "exited", 0, 0), container("c2", "b", "exited", 0, 0)], { pod });
    assert.equal(status.phase, "Succeeded");
    assert.deepEqual(status.conditions?.find((c) => c.type === "Initialized"), { type: "Initialized", status: "True", lastTransitionTime: "2025-06-01T00:00:00Z", reason: "PodCompleted" });
    assert.equal(status.conditions?.find((c) => c.type === "Ready")?.reason, "PodCompleted");
  });
});
