// The status write after a failed attempt: PodScheduled False with the
// reason and message a user reads in `kubectl describe`, and the node that
// preemption nominated. Skipped when the pod already says exactly that, so a
// pod retried many times is not rewritten each time.
import type { Pod, PodCondition } from "kubernetes-types/core/v1";

export type UnscheduledReason = "Unschedulable" | "SchedulerError";

export interface PodStatusPatch {
  status: { conditions: PodCondition[]; nominatedNodeName?: string };
}

export function unscheduledStatusPatch(
  pod: Pod,
  reason: UnscheduledReason,
  message: string,
  nominatedNodeName: string | undefined,
  now: Date,
): PodStatusPatch | undefined {
  const current = pod.status?.conditions?.find((condition) => condition.type === "PodScheduled");
  const conditionUnchanged = current?.status === "False" && current.reason === reason && current.message === message;
  const nominationUnchanged = nominatedNodeName === undefined || pod.status?.nominatedNodeName === nominatedNodeName;
  if (conditionUnchanged && nominationUnchanged) return undefined;
  const lastTransitionTime = current?.status === "False" && current.lastTransitionTime ? current.lastTransitionTime : formatTime(now);
  const condition: PodCondition = { type: "PodScheduled", status: "False", reason, message, lastProbeTime: null as unknown as string, lastTransitionTime };
  return nominatedNodeName === undefined
    ? { status: { conditions: [condition] } }
    : { status: { conditions: [condition], nominatedNodeName } };
}

/** Kubernetes times have whole seconds. */
function formatTime(time: Date): string {
  return time.toISOString().replace(/\.\d+Z$/, "Z");
}
