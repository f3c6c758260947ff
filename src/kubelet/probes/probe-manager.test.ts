import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Container, Pod, Probe } from "kubernetes-types/core/v1";
import { FakeClock } from "../../client/testing/fake-clock.ts";
import type { ExecResult } from "../runtime/runtime.ts";
import { ProbeManager } from "./probe-manager.ts";
import type { ProbeKind, ProbeResult } from "./probe-state.ts";

// Exec probes name a check; the test sets each check's exit code and sees when it ran.
class ScriptedExec {
  readonly exitCodes = new Map<string, number>();
  readonly calls: { check: string; containerId: string; atMs: number }[] = [];

  constructor(private readonly clock: FakeClock) {}

  async execSync(containerId: string, cmd: string[]): Promise<ExecResult> {
    const check = cmd[0] ?? "";
    this.calls.push({ check, containerId, atMs: this.clock.now() });
    return { stdout: Buffer.from(""), stderr: Buffer.from(`${check} said no`), exitCode: this.exitCodes.get(check) ?? 0 };
  }

  times(check: string): number[] {
    return this.calls.filter((c) => c.check === check).map((c) => c.atMs);
  }
}

const exec = (check: string, settings: Omit<Probe, "exec"> = {}): Probe => ({ exec: { command: [check] }, ...settings });

function harness() {
  const clock = new FakeClock(0);
  const runtime = new ScriptedExec(clock);
  const results: { container: string; kind: ProbeKind; result: ProbeResult; atMs: number }[] = [];
  const unhealthy: string[] = [];
  const manager = new ProbeManager({
    runtime,
    clock,
    onResult: (_uid, container, kind, result) => results.push({ container, kind, result, atMs: clock.now() }),
    onUnhealthy: (_uid, _container, _kind, message) => unhealthy.push(message),
  });
  return { clock, runtime, results, unhealthy, manager };
}

function pod(containers: Container[]): Pod {
  return { metadata: { name: "web", namespace: "shop", uid: "pod-1" }, spec: { containers }, status: { podIP: "127.0.0.1" } };
}

describe("ProbeManager", () => {
  test("readiness waits for the initial delay and is false until the first success", async () => {
    const { clock, runtime, results, manager } = harness();
    manager.addPod(pod([{ name: "app", readinessProbe: exec("ready", { initialDelaySeconds: 5, periodSeconds: 10 }) }]), new Map([["app", { containerId: "c1", startedAt: 0 }]]));
    assert.equal(manager.readiness("pod-1", "app"), false);
    await clock.advanceAsync(9_999);
    assert.deepEqual(runtime.times("ready"), []);
    assert.equal(manager.readiness("pod-1", "app"), false);
    await clock.advanceAsync(1);
    assert.deepEqual(runtime.times("ready"), [10_000]);
    assert.deepEqual(results, [{ container: "app", kind: "readiness", result: "success", atMs: 10_000 }]);
    assert.equal(manager.readiness("pod-1", "app"), true);
    await clock.advanceAsync(20_000);
    assert.deepEqual(runtime.times("ready"), [10_000, 20_000, 30_000]);
    assert.equal(results.length, 1);
    manager.close();
  });

  test("liveness reports failure after failureThreshold failures, then holds until a new container", async () => {
    const { clock, runtime, results, unhealthy, manager } = harness();
    runtime.exitCodes.set("alive", 1);
    manager.addPod(pod([{ name: "app", livenessProbe: exec("alive", { periodSeconds: 1, failureThreshold: 3 }) }]), new Map([["app", { containerId: "c1", startedAt: 0 }]]));
    await clock.advanceAsync(1_000);
    assert.equal(manager.liveness("pod-1", "app"), true, "alive until failureThreshold");
    await clock.advanceAsync(9_000);
    assert.equal(manager.liveness("pod-1", "app"), false);
    assert.deepEqual(runtime.times("alive"), [0, 1_000, 2_000]);
    assert.deepEqual(results, [{ container: "app", kind: "liveness", result: "failure", atMs: 2_000 }]);
    assert.deepEqual(unhealthy, ["Liveness probe failed: alive said no", "Liveness probe failed: alive said no", "Liveness probe failed: alive said no"]);

    manager.updateContainer("pod-1", "app", undefined);
    assert.equal(manager.liveness("pod-1", "app"), true, "a stopped container has nothing left to kill");
    runtime.exitCodes.set("alive", 0);
    manager.updateContainer("pod-1", "app", { containerId: "c2", startedAt: 10_000 });
    await clock.advanceAsync(2_000);
    assert.deepEqual(runtime.calls.filter((c) => c.containerId === "c2").map((c) => c.atMs), [10_000, 11_000, 12_000]);
    assert.equal(manager.liveness("pod-1", "app"), true);
    assert.equal(results.length, 1, "a new container starts alive without a report");
    manager.close();
  });

  test("a startup probe holds liveness and readiness back until it succeeds, then stops", async () => {
    const { clock, runtime, results, manager } = harness();
    runtime.exitCodes.set("booted", 1);
    manager.addPod(
      pod([{ name: "app", startupProbe: exec("booted", { periodSeconds: 1, failureThreshold: 30 }), livenessProbe: exec("alive", { periodSeconds: 2 }), readinessProbe: exec("ready", { periodSeconds: 2 }) }]),
      new Map([["app", { containerId: "c1", startedAt: 0 }]]),
    );
    await clock.advanceAsync(2_000);
    assert.deepEqual(runtime.times("booted"), [0, 1_000, 2_000]);
    assert.deepEqual(runtime.times("alive"), []);
    assert.deepEqual(runtime.times("ready"), []);
    assert.equal(manager.started("pod-1", "app"), false);
    assert.equal(manager.readiness("pod-1", "app"), false);

    runtime.exitCodes.set("booted", 0);
    await clock.advanceAsync(1_000);
    assert.equal(manager.started("pod-1", "app"), true);
    await clock.advanceAsync(5_000);
    assert.deepEqual(runtime.times("booted"), [0, 1_000, 2_000, 3_000]);
    assert.deepEqual(runtime.times("alive"), [4_000, 6_000, 8_000]);
    assert.deepEqual(runtime.times("ready"), [4_000, 6_000, 8_000]);
    assert.deepEqual(
      results.map((r) => `${r.kind}:${r.result}@${r.atMs}`),
      ["startup:success@3000", "readiness:success@4000"],
    );
    manager.close();
  });

  test("a failing startup probe is reported once it reaches failureThreshold", async () => {
    const { clock, runtime, results, manager } = harness();
    runtime.exitCodes.set("booted", 1);
    manager.addPod(pod([{ name: "app", startupProbe: exec("booted", { periodSeconds: 1, failureThreshold: 2 }) }]), new Map([["app", { containerId: "c1", startedAt: 0 }]]));
    assert.equal(manager.startup("pod-1", "app"), true, "still starting is not a failure");
    await clock.advanceAsync(5_000);
    assert.deepEqual(runtime.times("booted"), [0, 1_000]);
    assert.deepEqual(results.map((r) => `${r.kind}:${r.result}`), ["startup:failure"]);
    assert.equal(manager.startup("pod-1", "app"), false);
    assert.equal(manager.started("pod-1", "app"), false);
    manager.close();
  });

  test("a stopped container turns unready; a pod without readiness probe is ready while running and started", async () => {
    const { clock, results, manager } = harness();
    manager.addPod(
      pod([{ name: "app", readinessProbe: exec("ready", { periodSeconds: 1 }) }, { name: "sidecar" }]),
      new Map([
        ["app", { containerId: "c1", startedAt: 0 }],
        ["sidecar", { containerId: "s1", startedAt: 0 }],
      ]),
    );
    await clock.advanceAsync(0);
    assert.equal(manager.readiness("pod-1", "app"), true);
    assert.equal(manager.readiness("pod-1", "sidecar"), true);
    manager.updateContainer("pod-1", "app", undefined);
    manager.updateContainer("pod-1", "sidecar", undefined);
    assert.equal(manager.readiness("pod-1", "app"), false);
    assert.equal(manager.readiness("pod-1", "sidecar"), false);
    assert.deepEqual(results.map((r) => `${r.kind}:${r.result}`), ["readiness:success", "readiness:failure"]);
    assert.equal(clock.pendingTimers, 0);
    manager.close();
  });

  test("containers given by bare id count as started when first seen", async () => {
    const { clock, runtime, manager } = harness();
    clock.advance(50_000);
    manager.addPod(pod([{ name: "app", readinessProbe: exec("ready", { initialDelaySeconds: 3, periodSeconds: 1 }) }]), new Map([["app", "c1"]]));
    await clock.advanceAsync(5_000);
    assert.deepEqual(runtime.times("ready"), [53_000, 54_000, 55_000]);
    manager.close();
  });

  test("adding a known pod again keeps its probes' state; removePod stops every timer", async () => {
    const { clock, runtime, manager } = harness();
    const spec = pod([{ name: "app", readinessProbe: exec("ready", { periodSeconds: 1 }), livenessProbe: exec("alive", { periodSeconds: 1 }) }]);
    const running = new Map([["app", { containerId: "c1", startedAt: 0 }]]);
    manager.addPod(spec, running);
    await clock.advanceAsync(1_000);
    manager.addPod(spec, running);
    assert.equal(manager.readiness("pod-1", "app"), true);
    await clock.advanceAsync(1_000);
    assert.deepEqual(runtime.times("ready"), [0, 1_000, 2_000]);
    assert.equal(clock.pendingTimers, 2);
    manager.removePod("pod-1");
    assert.equal(clock.pendingTimers, 0);
    assert.equal(manager.readiness("pod-1", "app"), false);
  });
});

test("ProbeManager probes a real HTTP endpoint on the pod IP with the real clock", async () => {
  let healthy = true;
  const server = createServer((_req, res) => {
    res.writeHead(healthy ? 200 : 503);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const changes: string[] = [];
  let notify: () => void = () => {};
  const manager = new ProbeManager({
    runtime: { execSync: () => Promise.reject(new Error("no exec here")) },
    onResult: (_uid, _container, kind, result) => {
      changes.push(`${kind}:${result}`);
      notify();
    },
  });
  const nextChange = () => new Promise<void>((resolve) => (notify = resolve));
  try {
    const first = nextChange();
    manager.addPod(pod([{ name: "app", readinessProbe: { httpGet: { port, path: "/" }, periodSeconds: 1, failureThreshold: 1 } }]), new Map([["app", { containerId: "c1", startedAt: new Date() }]]));
    await first;
    assert.equal(manager.readiness("pod-1", "app"), true);
    healthy = false;
    await nextChange();
    assert.deepEqual(changes, ["readiness:success", "readiness:failure"]);
    assert.equal(manager.readiness("pod-1", "app"), false);
  } finally {
    manager.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
