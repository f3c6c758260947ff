// `kubectl get pods`: the READY/STATUS/RESTARTS summary upstream derives from
// the pod's phase, its init containers, its containers and its deletion.
import type { ContainerStatus, Pod, PodCondition } from "kubernetes-types/core/v1";
import { ageColumn, column, definePrinter, nameColumn, wide } from "./printer.ts";
import type { TableRowCondition } from "./table.ts";
import { humanDuration } from "./human-duration.ts";
import { parseTimestamp, since } from "./timestamps.ts";

/** The status reason the node lifecycle controller gives pods of an unreachable node. */
const NODE_LOST = "NodeLost";

const columns = [
  nameColumn,
  column("Ready", "string", "Ready containers out of all containers."),
  column("Status", "string", "Summary of the pod's phase and its containers' states."),
  column("Restarts", "string", "Container restarts, and how long ago the last one ended."),
  ageColumn,
  column("IP", "string", "The pod's first IP address.", wide),
  column("Node", "string", "The node the pod is bound to.", wide),
  column("Nominated Node", "string", "The node preemption nominated for the pod.", wide),
  column("Readiness Gates", "string", "Readiness gates whose condition is true, out of all gates.", wide),
];

const conditionIsTrue = (conditions: PodCondition[] | undefined, type: string) =>
  conditions?.find((c) => c.type === type)?.status === "True";

/** Tracks the latest moment a container last terminated, for "2 (5m ago)". */
class RestartTally {
  count = 0;
  last: Date | undefined;

  add(status: ContainerStatus): void {
    this.count += status.restartCount;
    const finished = parseTimestamp(status.lastState?.terminated?.finishedAt);
    if (finished && (!this.last || this.last < finished)) this.last = finished;
  }
}

interface Summary {
  reason: string;
  ready: number;
  total: number;
  restarts: RestartTally;
}

function summarize(pod: Pod): Summary {
  const spec = pod.spec;
  const status = pod.status ?? {};
  const initContainers = spec?.initContainers ?? [];
  const sidecars = new Set(initContainers.filter((c) => c.restartPolicy === "Always").map((c) => c.name));
  let reason = status.reason || status.phase || "";
  if (status.conditions?.some((c) => c.type === "PodScheduled" && c.reason === "SchedulingGated")) {
    reason = "SchedulingGated";
  }
  let ready = 0;
  const total = (spec?.containers.length ?? 0) + sidecars.size;
  let restarts = new RestartTally();
  const sidecarRestarts = new RestartTally();

  let initializing = false;
  for (const [index, init] of (status.initContainerStatuses ?? []).entries()) {
    restarts.add(init);
    if (sidecars.has(init.name)) sidecarRestarts.add(init);
    const terminated = init.state?.terminated;
    const waiting = init.state?.waiting;
    if (terminated && terminated.exitCode === 0) continue;
    if (sidecars.has(init.name) && init.started === true) {
      if (init.ready) ready++;
      continue;
    }
    if (terminated) {
      if (terminated.reason) reason = `Init:${terminated.reason}`;
      else if (terminated.signal) reason = `Init:Signal:${terminated.signal}`;
      else reason = `Init:ExitCode:${terminated.exitCode}`;
    } else if (waiting?.reason && waiting.reason !== "PodInitializing") {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${index}/${initContainers.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionIsTrue(status.conditions, "Initialized")) {
    restarts = sidecarRestarts;
    let hasRunning = false;
    const containerStatuses = status.containerStatuses ?? [];
    // Upstream walks the containers from last to first, so the first container's state wins.
    for (const container of [...containerStatuses].reverse()) {
      restarts.add(container);
      const { waiting, terminated, running } = container.state ?? {};
      if (waiting?.reason) reason = waiting.reason;
      else if (terminated?.reason) reason = terminated.reason;
      else if (terminated) reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode}`;
      else if (container.ready && running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === "Completed" && hasRunning) {
      reason = conditionIsTrue(status.conditions, "Ready") ? "Running" : "NotReady";
    }
  }

  if (pod.metadata?.deletionTimestamp) {
    const terminal = status.phase === "Succeeded" || status.phase === "Failed";
    if (status.reason === NODE_LOST) reason = "Unknown";
    else if (!terminal) reason = "Terminating";
  }
  return { reason, ready, total, restarts };
}

function restartsCell(restarts: RestartTally, now: Date): string {
  if (restarts.count === 0 || !restarts.last) return String(restarts.count);
  return `${restarts.count} (${humanDuration(now.getTime() - restarts.last.getTime())} ago)`;
}

function readinessGatesCell(pod: Pod): string {
  const gates = pod.spec?.readinessGates ?? [];
  if (gates.length === 0) return "<none>";
  const met = gates.filter((gate) => conditionIsTrue(pod.status?.conditions, gate.conditionType)).length;
  return `${met}/${gates.length}`;
}

function rowConditions(pod: Pod): TableRowCondition[] | undefined {
  switch (pod.status?.phase) {
    case "Succeeded":
      return [{ type: "Completed", status: "True", reason: "Succeeded", message: "The pod has completed successfully." }];
    case "Failed":
      return [{ type: "Completed", status: "True", reason: "Failed", message: "The pod failed." }];
    default:
      return undefined;
  }
}

export const podPrinter = definePrinter<Pod>(
  columns,
  (pod, now) => {
    const { reason, ready, total, restarts } = summarize(pod);
    const ip = pod.status?.podIPs?.[0]?.ip || pod.status?.podIP;
    return [
      pod.metadata?.name ?? "",
      `${ready}/${total}`,
      reason,
      restartsCell(restarts, now),
      since(pod.metadata?.creationTimestamp, now),
      ip || "<none>",
      pod.spec?.nodeName || "<none>",
      pod.status?.nominatedNodeName || "<none>",
      readinessGatesCell(pod),
    ];
  },
  rowConditions,
);
