// What a pod worker does next for one pod (upstream's computePodActions): a
// pure function of the pod's spec, what the runtime holds for it, the
// containers' restart back-off and the clock. The worker carries out the plan
// and computes it again on the next sync.
import type { Container, Pod } from "kubernetes-types/core/v1";
import type { ContainerStatus, SandboxStatus } from "./runtime/runtime.ts";
import { containerNameLabel } from "./runtime-labels.ts";
import { restartDecision, type BackoffEntry } from "./restart-backoff.ts";

/** What the runtime holds for one pod. */
export interface PodRuntimeState {
  sandboxes: SandboxStatus[];
  containers: ContainerStatus[];
}

export interface ContainerStart {
  name: string;
  init: boolean;
  /** The restart count this container will have. */
  attempt: number;
}

export interface ContainerKill {
  id: string;
  name: string;
  why: "SandboxChanged" | "Unhealthy" | "NotStarted" | "InitFailed";
}

export interface CrashLoopWait {
  name: string;
  delayMs: number;
  remainingMs: number;
}

export interface PodSyncPlan {
  /** Make a new sandbox with this attempt (after removing the old ones in sandboxesToRemove). */
  createSandbox?: { attempt: number };
  sandboxesToRemove: string[];
  containersToKill: ContainerKill[];
  /** In order; init containers are started one at a time and alone. */
  containersToStart: ContainerStart[];
  crashLoops: CrashLoopWait[];
  /** Back-off entries to remember, keyed by container name. */
  backoffUpdates: Map<string, BackoffEntry>;
  /** An init container failed under restartPolicy Never: the pod is Failed and keeps nothing running. */
  podFailed: boolean;
}

export interface PlanInput {
  pod: Pod;
  state: PodRuntimeState;
  /** Back-off entries by container name. */
  backoffs: ReadonlyMap<string, BackoffEntry>;
  /** Running containers a liveness or startup probe found failing, by name. */
  unhealthy?: ReadonlySet<string>;
  nowMs: number;
}

/** The newest container of each name (highest attempt, then newest). */
export function latestContainers(containers: ContainerStatus[]): Map<string, ContainerStatus> {
  const latest = new Map<string, ContainerStatus>();
  for (const c of containers) {
    const name = c.labels[containerNameLabel] ?? c.metadata.name;
    const seen = latest.get(name);
    if (seen === undefined || c.metadata.attempt > seen.metadata.attempt || (c.metadata.attempt === seen.metadata.attempt && c.createdAt > seen.createdAt)) latest.set(name, c);
  }
  return latest;
}

export function newestSandbox(sandboxes: SandboxStatus[]): SandboxStatus | undefined {
  return [...sandboxes].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.metadata.attempt - a.metadata.attempt)[0];
}

function shouldRestart(pod: Pod, exited: ContainerStatus): boolean {
  switch (pod.spec?.restartPolicy ?? "Always") {
    case "Always":
      return true;
    case "OnFailure":
      return exited.exitCode !== 0;
    default:
      return false;
  }
}

function emptyPlan(): PodSyncPlan {
  return { sandboxesToRemove: [], containersToKill: [], containersToStart: [], crashLoops: [], backoffUpdates: new Map(), podFailed: false };
}

/** Whether every container of a pod under restartPolicy Never or OnFailure has finished for good. */
function finishedForGood(pod: Pod, latest: Map<string, ContainerStatus>): boolean {
  const policy = pod.spec?.restartPolicy ?? "Always";
  if (policy === "Always") return false;
  return (pod.spec?.containers ?? []).every((c) => {
    const status = latest.get(c.name);
    return status?.state === "exited" && !shouldRestart(pod, status);
  });
}

export function planPodSync(input: PlanInput): PodSyncPlan {
  const { pod, state } = input;
  const plan = emptyPlan();
  const latest = latestContainers(state.containers);
  const sandbox = newestSandbox(state.sandboxes);
  const initContainers = pod.spec?.initContainers ?? [];
  const containers = pod.spec?.containers ?? [];

  if (sandbox === undefined || sandbox.state !== "ready") {
    // A pod that ran to its end keeps its dead sandbox: nothing would run in a new one.
    if (latest.size > 0 && finishedForGood(pod, latest)) return plan;
    plan.sandboxesToRemove = state.sandboxes.map((s) => s.id);
    for (const c of state.containers) if (c.state === "running" || c.state === "created") plan.containersToKill.push({ id: c.id, name: c.metadata.name, why: "SandboxChanged" });
    plan.createSandbox = { attempt: sandbox === undefined ? 0 : Math.max(...state.sandboxes.map((s) => s.metadata.attempt)) + 1 };
    const attemptOf = (name: string) => (latest.has(name) ? latest.get(name)!.metadata.attempt + 1 : 0);
    const first = initContainers[0];
    if (first !== undefined) plan.containersToStart.push({ name: first.name, init: true, attempt: attemptOf(first.name) });
    else for (const c of containers) if (!(latest.get(c.name)?.exitCode === 0 && pod.spec?.restartPolicy === "OnFailure")) plan.containersToStart.push({ name: c.name, init: false, attempt: attemptOf(c.name) });
    return plan;
  }

  const current = state.containers.filter((c) => c.sandboxId === sandbox.id);
  const inSandbox = latestContainers(current);
  // Containers of older sandboxes still around are stopped; their statuses stay for history.
  for (const c of state.containers) if (c.sandboxId !== sandbox.id && c.state === "running") plan.containersToKill.push({ id: c.id, name: c.metadata.name, why: "SandboxChanged" });
  for (const c of current) if (c.state === "created") plan.containersToKill.push({ id: c.id, name: c.metadata.name, why: "NotStarted" });

  if (!planInitContainers(input, initContainers, inSandbox, latest, plan)) return plan;
  for (const container of containers) planContainer(input, container, false, inSandbox.get(container.name), latest.get(container.name), plan);
  return plan;
}

/** Plans the init containers; true when all have completed and the regular containers may run. */
function planInitContainers(input: PlanInput, initContainers: Container[], inSandbox: Map<string, ContainerStatus>, latest: Map<string, ContainerStatus>, plan: PodSyncPlan): boolean {
  for (const init of initContainers) {
    const status = inSandbox.get(init.name);
    if (status?.state === "exited" && status.exitCode === 0) continue;
    if (status?.state === "exited" && (input.pod.spec?.restartPolicy ?? "Always") === "Never") {
      plan.podFailed = true;
      return false;
    }
    planContainer(input, init, true, status, latest.get(init.name), plan);
    return false;
  }
  return true;
}

function planContainer(input: PlanInput, container: Container, init: boolean, status: ContainerStatus | undefined, latest: ContainerStatus | undefined, plan: PodSyncPlan): void {
  const name = container.name;
  const nextAttempt = latest === undefined ? 0 : latest.metadata.attempt + 1;
  if (status === undefined || status.state === "created" || status.state === "unknown") {
    plan.containersToStart.push({ name, init, attempt: nextAttempt });
    return;
  }
  if (status.state === "running") {
    // A killed container restarts, by policy and back-off, once the runtime reports it exited.
    if (input.unhealthy?.has(name)) plan.containersToKill.push({ id: status.id, name, why: "Unhealthy" });
    return;
  }
  // Init containers always restart when they fail unless the policy is Never (handled by the caller).
  if (!init && !shouldRestart(input.pod, status)) return;
  const finishedMs = status.finishedAt?.getTime() ?? input.nowMs;
  const decision = restartDecision(input.backoffs.get(name), finishedMs, input.nowMs);
  if (!decision.restart) {
    plan.crashLoops.push({ name, delayMs: decision.delayMs, remainingMs: decision.remainingMs });
    return;
  }
  plan.backoffUpdates.set(name, decision.entry);
  plan.containersToStart.push({ name, init, attempt: nextAttempt });
}
