// Runs the liveness, readiness and startup probes of running containers on
// the clock: one worker per probe, probing at once and then every period,
// and tells the kubelet when a reported result changes. Readiness is false
// until a first success; a startup probe holds liveness and readiness back
// until it succeeds.
import type { Container, Pod, Probe } from "kubernetes-types/core/v1";
import { realClock, type CancelTimer, type Clock } from "../../client/clock.ts";
import type { Runtime } from "../runtime/runtime.ts";
import type { ProbeOutcome } from "./probe-outcome.ts";
import { DEFAULT_POD_CIDR } from "./probe-target.ts";
import { freshTracker, recordResult, shouldProbe, timingOf, type ProbeKind, type ProbeResult, type ProbeTiming, type ProbeTracker } from "./probe-state.ts";
import { runProbe, type ProbeContext } from "./run-probe.ts";

export interface RunningContainer {
  containerId: string;
  startedAt: Date | number;
}

export interface ProbeManagerOptions {
  runtime: Pick<Runtime, "execSync">;
  clock?: Clock;
  onResult(podUid: string, containerName: string, kind: ProbeKind, result: ProbeResult): void;
  /** Each failed attempt, worded like upstream's Unhealthy event ("Liveness probe failed: ..."). */
  onUnhealthy?(podUid: string, containerName: string, kind: ProbeKind, message: string): void;
  /** The node's own addresses, which probes may reach (host-network pods). */
  nodeIPs?: string[];
  podCidr?: string;
}

interface Worker {
  kind: ProbeKind;
  probe: Probe;
  timing: ProbeTiming;
  tracker: ProbeTracker;
  cancel?: CancelTimer;
  nextDueMs: number;
}

interface ContainerEntry {
  spec: Container;
  running: { containerId: string; startedAtMs: number } | undefined;
  /** Bumped when the container is replaced or stops, so late probe answers are dropped. */
  generation: number;
  workers: Map<ProbeKind, Worker>;
}

interface PodEntry {
  podIP: string | undefined;
  containers: Map<string, ContainerEntry>;
}

const KINDS: readonly ProbeKind[] = ["startup", "liveness", "readiness"];

export class ProbeManager {
  private readonly clock: Clock;
  private readonly context: ProbeContext;
  private readonly pods = new Map<string, PodEntry>();

  constructor(private readonly options: ProbeManagerOptions) {
    this.clock = options.clock ?? realClock;
    this.context = { runtime: options.runtime, policy: { podCidr: options.podCidr ?? DEFAULT_POD_CIDR, nodeIPs: options.nodeIPs ?? [] } };
  }

  /**
   * Starts probing the pod's running containers (by name; a bare container id means it started when first seen);
   * the pod IP defaults to status.podIP. Idempotent: calling it on every sync keeps the probes' state.
   */
  addPod(pod: Pod, containers: Map<string, RunningContainer | string>, podIP: string | undefined = pod.status?.podIP): void {
    const uid = pod.metadata?.uid ?? "";
    const known = this.pods.get(uid);
    if (known) {
      // Adding a known pod again only brings its containers up to date.
      if (podIP !== undefined) known.podIP = podIP;
      for (const name of known.containers.keys()) this.updateContainer(uid, name, containers.get(name));
      return;
    }
    const entry: PodEntry = { podIP, containers: new Map() };
    this.pods.set(uid, entry);
    for (const spec of pod.spec?.containers ?? []) {
      const workers = new Map<ProbeKind, Worker>();
      for (const kind of KINDS) {
        const probe = probeOf(spec, kind);
        if (probe) workers.set(kind, { kind, probe, timing: timingOf(probe), tracker: freshTracker(kind), nextDueMs: 0 });
      }
      entry.containers.set(spec.name, { spec, running: undefined, generation: 0, workers });
      this.updateContainer(uid, spec.name, containers.get(spec.name));
    }
  }

  /** A container started (a new id resets its probes), or stopped (undefined: not ready, probing stops). */
  updateContainer(podUid: string, containerName: string, given: RunningContainer | string | undefined, podIP?: string): void {
    const pod = this.pods.get(podUid);
    const entry = pod?.containers.get(containerName);
    if (!pod || !entry) return;
    const running = typeof given === "string" ? { containerId: given, startedAt: this.clock.now() } : given;
    if (podIP !== undefined) pod.podIP = podIP;
    if (running && entry.running?.containerId === running.containerId) return;
    entry.generation += 1;
    for (const worker of entry.workers.values()) {
      worker.cancel?.();
      worker.cancel = undefined;
    }
    if (!running) {
      entry.running = undefined;
      const readiness = entry.workers.get("readiness");
      if (readiness && readiness.tracker.reported !== "failure") {
        readiness.tracker = freshTracker("readiness");
        this.options.onResult(podUid, containerName, "readiness", "failure");
      }
      return;
    }
    entry.running = { containerId: running.containerId, startedAtMs: new Date(running.startedAt).getTime() };
    for (const worker of entry.workers.values()) {
      worker.tracker = freshTracker(worker.kind);
      worker.nextDueMs = this.clock.now();
      this.schedule(podUid, containerName, entry, worker);
    }
  }

  removePod(podUid: string): void {
    const pod = this.pods.get(podUid);
    if (!pod) return;
    this.pods.delete(podUid);
    for (const entry of pod.containers.values()) {
      entry.generation += 1;
      for (const worker of entry.workers.values()) worker.cancel?.();
    }
  }

  /** Stops every worker. */
  close(): void {
    for (const uid of [...this.pods.keys()]) this.removePod(uid);
  }

  /** Running, started, and (when it has a readiness probe) its last reported readiness was success. */
  readiness(podUid: string, containerName: string): boolean {
    const entry = this.pods.get(podUid)?.containers.get(containerName);
    if (!entry?.running || !this.started(podUid, containerName)) return false;
    const readiness = entry.workers.get("readiness");
    return readiness === undefined || readiness.tracker.reported === "success";
  }

  /** False once a liveness failure was reported for the running container: it must be killed and restarted. */
  liveness(podUid: string, containerName: string): boolean {
    return !this.failedWhileRunning(podUid, containerName, "liveness");
  }

  /** False once a startup failure was reported for the running container (kill and restart); true while starting. See started() for status. */
  startup(podUid: string, containerName: string): boolean {
    return !this.failedWhileRunning(podUid, containerName, "startup");
  }

  /** Running, and its startup probe (if any) has succeeded: the container status' `started`. */
  started(podUid: string, containerName: string): boolean {
    const entry = this.pods.get(podUid)?.containers.get(containerName);
    if (!entry?.running) return false;
    const startup = entry.workers.get("startup");
    return startup === undefined || startup.tracker.reported === "success";
  }

  private failedWhileRunning(podUid: string, containerName: string, kind: "liveness" | "startup"): boolean {
    const entry = this.pods.get(podUid)?.containers.get(containerName);
    return entry?.running !== undefined && entry.workers.get(kind)?.tracker.reported === "failure";
  }

  private schedule(podUid: string, containerName: string, entry: ContainerEntry, worker: Worker): void {
    const generation = entry.generation;
    worker.cancel = this.clock.setTimer(worker.nextDueMs - this.clock.now(), () => {
      worker.cancel = undefined;
      void this.tick(podUid, containerName, entry, worker, generation);
    });
  }

  private async tick(podUid: string, containerName: string, entry: ContainerEntry, worker: Worker, generation: number): Promise<void> {
    const running = entry.running;
    if (!running || entry.generation !== generation) return;
    worker.nextDueMs += worker.timing.periodSeconds * 1000;
    const moment = { nowMs: this.clock.now(), containerStartedAtMs: running.startedAtMs, started: this.started(podUid, containerName) };
    if (shouldProbe(worker.kind, worker.tracker, worker.timing, moment)) {
      const podIP = this.pods.get(podUid)?.podIP;
      // A handler bug must not become an unhandled rejection that ends the kubelet: it counts as no answer.
      const outcome = await runProbe(worker.probe, { container: entry.spec, containerId: running.containerId, podIP }, this.context).catch(
        (e: unknown): ProbeOutcome => ({ result: "unknown", message: (e as Error).message }),
      );
      if (entry.generation !== generation) return;
      if (outcome.result === "failure") this.options.onUnhealthy?.(podUid, containerName, worker.kind, `${capitalized(worker.kind)} probe failed: ${outcome.message}`);
      const { tracker, report } = recordResult(worker.kind, worker.tracker, worker.timing, outcome.result);
      worker.tracker = tracker;
      if (report) this.options.onResult(podUid, containerName, worker.kind, report);
    }
    if (entry.generation !== generation) return;
    // A probe slower than the period skips the ticks it overran, like a ticker.
    const now = this.clock.now();
    while (worker.nextDueMs < now) worker.nextDueMs += worker.timing.periodSeconds * 1000;
    this.schedule(podUid, containerName, entry, worker);
  }
}

function probeOf(container: Container, kind: ProbeKind): Probe | undefined {
  switch (kind) {
    case "liveness":
      return container.livenessProbe;
    case "readiness":
      return container.readinessProbe;
    case "startup":
      return container.startupProbe;
  }
}

function capitalized(kind: ProbeKind): string {
  return kind.charAt(0).toUpperCase() + kind.slice(1);
}
