// A StatefulSet's status as upstream counts it, over every owned pod:
// created, Running and Ready, available, at the current and at the update
// revision. A RollingUpdate whose pods are all updated and ready makes the
// update revision current.
import type { StatefulSet, StatefulSetStatus } from "kubernetes-types/apps/v1";
import type { Pod } from "kubernetes-types/core/v1";
import { isPodAvailable, isPodReady, msUntilAvailable } from "../pod-ranking.ts";
import { revisionOfPod } from "./identity.ts";

export interface StatusInput {
  set: StatefulSet;
  pods: readonly Pod[];
  currentRevision: string;
  updateRevision: string;
  collisionCount: number | undefined;
  nowMs: number;
}

export function statefulSetStatus(input: StatusInput): StatefulSetStatus {
  const { set, nowMs } = input;
  const minReadySeconds = set.spec?.minReadySeconds ?? 0;
  let replicas = 0;
  let readyReplicas = 0;
  let availableReplicas = 0;
  let currentReplicas = 0;
  let updatedReplicas = 0;
  for (const pod of input.pods) {
    replicas++;
    if (pod.status?.phase === "Running" && isPodReady(pod)) {
      readyReplicas++;
      if (isPodAvailable(pod, minReadySeconds, nowMs)) availableReplicas++;
    }
    if (pod.metadata?.deletionTimestamp != null) continue;
    const revision = revisionOfPod(pod);
    if (revision === input.currentRevision) currentReplicas++;
    if (revision === input.updateRevision) updatedReplicas++;
  }
  const status: StatefulSetStatus = {
    ...(set.metadata?.generation === undefined ? {} : { observedGeneration: set.metadata.generation }),
    replicas,
    readyReplicas,
    currentReplicas,
    updatedReplicas,
    availableReplicas,
    currentRevision: input.currentRevision,
    updateRevision: input.updateRevision,
    collisionCount: input.collisionCount ?? 0,
    ...(set.status?.conditions === undefined ? {} : { conditions: set.status.conditions }),
  };
  const rolling = (set.spec?.updateStrategy?.type ?? "RollingUpdate") === "RollingUpdate";
  if (rolling && updatedReplicas === replicas && readyReplicas === replicas) {
    status.currentReplicas = updatedReplicas;
    status.currentRevision = input.updateRevision;
  }
  return status;
}

/** Milliseconds until the next ready member becomes available under minReadySeconds. */
export function msUntilNextAvailable(set: StatefulSet, pods: readonly Pod[], nowMs: number): number | undefined {
  const waits = pods.map((pod) => msUntilAvailable(pod, set.spec?.minReadySeconds ?? 0, nowMs)).filter((wait): wait is number => wait !== undefined);
  return waits.length === 0 ? undefined : Math.min(...waits);
}
