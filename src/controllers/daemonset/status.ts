// A DaemonSet's status as upstream counts it: per fitting node, whether its
// oldest daemon pod exists, is ready, is available and is of the current
// revision; per non-fitting node, whether a pod is there anyway.
import type { DaemonSet, DaemonSetStatus } from "kubernetes-types/apps/v1";
import type { Pod } from "kubernetes-types/core/v1";
import { isPodAvailable, isPodReady, msUntilAvailable } from "../pod-ranking.ts";
import type { NodeFit } from "./node-fit.ts";
import { revisionHashLabel } from "../statefulset/controller-history.ts";
import { oldestFirst } from "./node-plan.ts";

export const templateGenerationLabel = "pod-template-generation";
/** Where the API server of apps/v1 keeps the deprecated spec.templateGeneration. */
export const templateGenerationAnnotation = "deprecated.daemonset.template.generation";

/** The template generation pods are labelled with: the annotation when the server sets it, otherwise the object's generation. */
export function templateGeneration(ds: DaemonSet): string | undefined {
  const annotated = ds.metadata?.annotations?.[templateGenerationAnnotation];
  if (annotated !== undefined) return annotated;
  return ds.metadata?.generation === undefined ? undefined : String(ds.metadata.generation);
}

/** A pod of the current template: its hash label matches, or (older pods) its template generation does. */
export function isPodUpdated(pod: Pod, hash: string, generation: string | undefined): boolean {
  const labels = pod.metadata?.labels ?? {};
  return (hash !== "" && labels[revisionHashLabel] === hash) || (generation !== undefined && labels[templateGenerationLabel] === generation);
}

export interface DaemonStatusInput {
  ds: DaemonSet;
  fits: ReadonlyMap<string, NodeFit>;
  podsByNode: ReadonlyMap<string, readonly Pod[]>;
  hash: string;
  nowMs: number;
}

export function daemonSetStatus(input: DaemonStatusInput): DaemonSetStatus {
  const { ds, hash, nowMs } = input;
  const minReadySeconds = ds.spec?.minReadySeconds ?? 0;
  const generation = templateGeneration(ds);
  const status: DaemonSetStatus = {
    currentNumberScheduled: 0,
    desiredNumberScheduled: 0,
    numberMisscheduled: 0,
    numberReady: 0,
    numberAvailable: 0,
    numberUnavailable: 0,
    updatedNumberScheduled: 0,
    ...(ds.metadata?.generation === undefined ? {} : { observedGeneration: ds.metadata.generation }),
    ...(ds.status?.collisionCount === undefined ? {} : { collisionCount: ds.status.collisionCount }),
    ...(ds.status?.conditions === undefined ? {} : { conditions: ds.status.conditions }),
  };
  for (const [node, fit] of input.fits) {
    const pods = [...(input.podsByNode.get(node) ?? [])].sort(oldestFirst);
    const [oldest] = pods;
    if (!fit.shouldRun) {
      if (oldest !== undefined) status.numberMisscheduled++;
      continue;
    }
    status.desiredNumberScheduled++;
    if (oldest === undefined) continue;
    status.currentNumberScheduled++;
    if (isPodReady(oldest)) {
      status.numberReady = (status.numberReady ?? 0) + 1;
      if (isPodAvailable(oldest, minReadySeconds, nowMs)) status.numberAvailable = (status.numberAvailable ?? 0) + 1;
    }
    if (isPodUpdated(oldest, hash, generation)) status.updatedNumberScheduled = (status.updatedNumberScheduled ?? 0) + 1;
  }
  status.numberUnavailable = status.desiredNumberScheduled - (status.numberAvailable ?? 0);
  return status;
}

/** Milliseconds until the next ready daemon pod becomes available, when minReadySeconds holds one back. */
export function msUntilNextAvailable(ds: DaemonSet, podsByNode: ReadonlyMap<string, readonly Pod[]>, nowMs: number): number | undefined {
  const minReadySeconds = ds.spec?.minReadySeconds ?? 0;
  let soonest: number | undefined;
  for (const pods of podsByNode.values()) {
    for (const pod of pods) {
      const wait = msUntilAvailable(pod, minReadySeconds, nowMs);
      if (wait !== undefined && (soonest === undefined || wait < soonest)) soonest = wait;
    }
  }
  return soonest;
}
