// A pod's status as the kubelet reports it through pods/status (upstream's
// generateAPIPodStatus and getPhase): container states from the runtime,
// waiting reasons the worker recorded, phase, IPs and conditions. Pure: the
// worker writes the result only when it differs from what the API holds.
import type { Container, ContainerState, ContainerStatus as ApiContainerStatus, Pod, PodCondition, PodStatus } from "kubernetes-types/core/v1";
import type { ContainerStatus } from "./runtime/runtime.ts";
import { latestContainers, newestSandbox, type PodRuntimeState } from "./pod-sync-plan.ts";
import { qosClass } from "./qos-class.ts";

export interface WaitingReason {
  reason: string;
  message: string;
}

export type PodPhase = "Pending" | "Running" | "Succeeded" | "Failed" | "Unknown";

export interface PodStatusInput {
  pod: Pod;
  state: PodRuntimeState;
  /** Prefix of containerIDs, e.g. "containerd". */
  runtimeName: string;
  hostIPs: string[];
  /** Why containers that do not run wait, by container name (CrashLoopBackOff, ErrImagePull, ...). */
  waiting: ReadonlyMap<string, WaitingReason>;
  /** Readiness of a running container (true when it has no readiness probe). */
  ready(name: string): boolean;
  /** Whether a running container passed its startup probe (true when it has none). */
  started(name: string): boolean;
  nowMs: number;
}

const seconds = (d: Date | number): string => new Date(d).toISOString().replace(/\.\d+Z$/, "Z");

function terminated(c: ContainerStatus, prefix: string): ContainerState {
  const exitCode = c.exitCode ?? 0;
  return {
    terminated: {
      exitCode,
      reason: c.reason ?? (exitCode === 0 ? "Completed" : "Error"),
      ...(c.message ? { message: c.message } : {}),
      ...(c.startedAt ? { startedAt: seconds(c.startedAt) } : {}),
      ...(c.finishedAt ? { finishedAt: seconds(c.finishedAt) } : {}),
      containerID: `${prefix}://${c.id}`,
    },
  };
}

/** Containers the runtime has not made yet wait in PodInitializing when the pod has init containers (upstream words it so for both kinds). */
function containerStatuses(input: PodStatusInput, specs: Container[]): ApiContainerStatus[] {
  const defaultReason = (input.pod.spec?.initContainers ?? []).length > 0 ? "PodInitializing" : "ContainerCreating";
  const latest = latestContainers(input.state.containers);
  const previous = new Map<string, ContainerStatus>();
  for (const c of input.state.containers) {
    const newest = latest.get(c.metadata.name);
    if (newest === undefined || c.id === newest.id) continue;
    const seen = previous.get(c.metadata.name);
    if (seen === undefined || c.metadata.attempt > seen.metadata.attempt) previous.set(c.metadata.name, c);
  }
  return specs.map((spec): ApiContainerStatus => {
    const current = latest.get(spec.name);
    const waiting = input.waiting.get(spec.name);
    const base: ApiContainerStatus = { name: spec.name, image: spec.image ?? "", imageID: "", ready: false, restartCount: current?.metadata.attempt ?? 0, started: false, state: {} };
    if (current === undefined) {
      return { ...base, state: { waiting: waiting ?? { reason: defaultReason } } };
    }
    const withIds = { ...base, imageID: current.imageRef, containerID: `${input.runtimeName}://${current.id}` };
    const lastState = previous.has(spec.name) ? terminated(previous.get(spec.name)!, input.runtimeName) : {};
    switch (current.state) {
      case "running": {
        const started = input.started(spec.name);
        return { ...withIds, lastState, started, ready: started && input.ready(spec.name), state: { running: { startedAt: seconds(current.startedAt ?? current.createdAt) } } };
      }
      case "exited":
        // A dead container waiting to restart shows as waiting, its death as the last state.
        if (waiting !== undefined) return { ...withIds, lastState: terminated(current, input.runtimeName), state: { waiting } };
        return { ...withIds, lastState, state: terminated(current, input.runtimeName) };
      case "created":
      case "unknown":
        return { ...withIds, lastState, state: { waiting: waiting ?? { reason: "ContainerCreating" } } };
    }
  });
}

function initCompleted(statuses: ApiContainerStatus[]): boolean {
  return statuses.every((s) => s.state?.terminated?.exitCode === 0);
}

/** upstream's getPhase over the API container statuses. */
export function podPhase(pod: Pod, initStatuses: ApiContainerStatus[], statuses: ApiContainerStatus[]): PodPhase {
  const policy = pod.spec?.restartPolicy ?? "Always";
  const initFailed = initStatuses.some((s) => (s.state?.terminated?.exitCode ?? 0) !== 0 || (s.state?.waiting !== undefined && s.lastState?.terminated !== undefined));
  if (initFailed && policy === "Never") return "Failed";
  if (!initCompleted(initStatuses)) return "Pending";
  let waiting = 0;
  let running = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const s of statuses) {
    if (s.state?.running !== undefined) running++;
    else if (s.state?.terminated !== undefined) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.lastState?.terminated !== undefined) stopped++;
    else waiting++;
  }
  if (waiting > 0) return "Pending";
  if (running > 0) return "Running";
  if (stopped > 0) {
    if (policy === "Always") return "Running";
    if (stopped === succeeded) return "Succeeded";
    if (policy === "Never") return "Failed";
    return "Running";
  }
  return "Pending";
}

function condition(previous: PodCondition[] | undefined, type: string, status: boolean, nowMs: number, reason?: string, message?: string): PodCondition {
  const text = status ? "True" : "False";
  const old = previous?.find((c) => c.type === type);
  const since = old !== undefined && old.status === text && old.lastTransitionTime ? old.lastTransitionTime : seconds(nowMs);
  return { type, status: text, lastTransitionTime: since, ...(reason ? { reason } : {}), ...(message ? { message } : {}) };
}

function names(statuses: ApiContainerStatus[], pick: (s: ApiContainerStatus) => boolean): string[] {
  return statuses.filter(pick).map((s) => s.name);
}

export function podStatus(input: PodStatusInput): PodStatus {
  const { pod, nowMs } = input;
  const previous = pod.status ?? {};
  const initStatuses = containerStatuses(input, pod.spec?.initContainers ?? []);
  const initDone = initCompleted(initStatuses);
  const statuses = containerStatuses(input, pod.spec?.containers ?? []);
  const phase = podPhase(pod, initStatuses, statuses);
  const terminal = phase === "Succeeded" || phase === "Failed";
  const sandbox = newestSandbox(input.state.sandboxes);
  const hostNetwork = pod.spec?.hostNetwork === true;
  const podIPs = hostNetwork ? input.hostIPs : sandbox?.ip ? [sandbox.ip, ...sandbox.additionalIps] : (previous.podIPs?.map((p) => p.ip) ?? []);

  const incomplete = names(initStatuses, (s) => s.state?.terminated?.exitCode !== 0);
  const unready = names(statuses, (s) => !s.ready);
  const old = previous.conditions;
  const conditions: PodCondition[] = [
    condition(old, "PodReadyToStartContainers", sandbox?.state === "ready", nowMs),
    terminal
      ? condition(old, "Initialized", true, nowMs, "PodCompleted")
      : condition(old, "Initialized", initDone, nowMs, initDone ? undefined : "ContainersNotInitialized", initDone ? undefined : `containers with incomplete status: [${incomplete.join(" ")}]`),
    ...["Ready", "ContainersReady"].map((type) =>
      terminal ? condition(old, type, false, nowMs, "PodCompleted") : condition(old, type, unready.length === 0, nowMs, unready.length === 0 ? undefined : "ContainersNotReady", unready.length === 0 ? undefined : `containers with unready status: [${unready.join(" ")}]`),
    ),
    ...(old ?? []).filter((c) => c.type === "PodScheduled"),
  ];
  const status: PodStatus = {
    phase,
    conditions,
    hostIP: input.hostIPs[0] ?? "",
    hostIPs: input.hostIPs.map((ip) => ({ ip })),
    startTime: previous.startTime ?? seconds(nowMs),
    containerStatuses: statuses,
    qosClass: qosClass(pod),
  };
  if (initStatuses.length > 0) status.initContainerStatuses = initStatuses;
  if (podIPs.length > 0) {
    status.podIP = podIPs[0]!;
    status.podIPs = podIPs.map((ip) => ({ ip }));
  }
  return status;
}
