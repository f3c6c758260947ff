// The prober's state machine for one probe of one container, pure: when to
// probe (initial delay, startup gating, on hold after a kill-worthy failure)
// and what a result changes (success and failure thresholds), as upstream's
// prober workers behave.
export type ProbeKind = "liveness" | "readiness" | "startup";
export type ProbeResult = "success" | "failure";
/** "unknown": the probe could not run (e.g. the runtime failed); it changes nothing. */
export type ProbeOutcomeResult = ProbeResult | "unknown";

export interface ProbeTiming {
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  successThreshold: number;
  failureThreshold: number;
}

export interface ProbeTracker {
  /** The result the kubelet acts on; undefined while a startup probe has no verdict. */
  reported: ProbeResult | undefined;
  /** The latest raw result and how many times in a row it came. */
  last: ProbeResult | undefined;
  run: number;
  /** A liveness or startup failure was reported: stop until the container is replaced. */
  onHold: boolean;
}

export function timingOf(probe: { initialDelaySeconds?: number; periodSeconds?: number; timeoutSeconds?: number; successThreshold?: number; failureThreshold?: number }): ProbeTiming {
  return {
    initialDelaySeconds: probe.initialDelaySeconds ?? 0,
    periodSeconds: probe.periodSeconds || 10,
    timeoutSeconds: probe.timeoutSeconds || 1,
    successThreshold: probe.successThreshold || 1,
    failureThreshold: probe.failureThreshold || 3,
  };
}

// A new container is not ready until proven, is alive until proven dead, and has not started.
export function freshTracker(kind: ProbeKind): ProbeTracker {
  const reported: ProbeResult | undefined = kind === "readiness" ? "failure" : kind === "liveness" ? "success" : undefined;
  return { reported, last: undefined, run: 0, onHold: false };
}

export interface ProbeMoment {
  nowMs: number;
  containerStartedAtMs: number;
  /** Whether the container's startup probe (if any) has succeeded. */
  started: boolean;
}

export function shouldProbe(kind: ProbeKind, tracker: ProbeTracker, timing: ProbeTiming, moment: ProbeMoment): boolean {
  if (tracker.onHold) return false;
  if (kind === "startup" && moment.started) return false;
  if (kind !== "startup" && !moment.started) return false;
  // Upstream compares whole seconds since the container started.
  const secondsRunning = Math.floor((moment.nowMs - moment.containerStartedAtMs) / 1000);
  return secondsRunning >= timing.initialDelaySeconds;
}

/** The tracker after one result, and the result to report when the reported one changes. */
export function recordResult(kind: ProbeKind, tracker: ProbeTracker, timing: ProbeTiming, result: ProbeOutcomeResult): { tracker: ProbeTracker; report?: ProbeResult } {
  if (result === "unknown") return { tracker };
  const run = tracker.last === result ? tracker.run + 1 : 1;
  const threshold = result === "failure" ? timing.failureThreshold : timing.successThreshold;
  if (run < threshold) return { tracker: { ...tracker, last: result, run } };
  const holds = result === "failure" && kind !== "readiness";
  const next: ProbeTracker = { reported: result, last: result, run: holds ? 0 : run, onHold: holds };
  return tracker.reported === result ? { tracker: next } : { tracker: next, report: result };
}
