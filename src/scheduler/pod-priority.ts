// A pod's priority as the scheduler orders and preempts by it. The Priority
// admission step of upstream's API server fills spec.priority from
// priorityClassName; where that has not happened, the scheduler resolves the
// class itself from its PriorityClass cache, so the pod's object never needs
// a write for it.
import type { Pod } from "kubernetes-types/core/v1";
import type { PriorityClass } from "kubernetes-types/scheduling/v1";

export interface PriorityClasses {
  get(name: string): PriorityClass | undefined;
  list(): readonly PriorityClass[];
}

/** The pod itself when spec.priority is set, otherwise a shallow copy with the resolved priority. */
export function withResolvedPriority(pod: Pod, classes: PriorityClasses): Pod {
  const spec = pod.spec;
  if (spec === undefined || spec.priority !== undefined) return pod;
  const className = spec.priorityClassName;
  let priority: number | undefined;
  if (className) {
    priority = classes.get(className)?.value;
  } else {
    priority = globalDefault(classes.list())?.value;
  }
  return priority === undefined ? pod : { ...pod, spec: { ...spec, priority } };
}

/** Upstream picks the lowest value when more than one class claims to be the default. */
function globalDefault(classes: readonly PriorityClass[]): PriorityClass | undefined {
  let chosen: PriorityClass | undefined;
  for (const candidate of classes) {
    if (candidate.globalDefault !== true) continue;
    if (chosen === undefined || candidate.value < chosen.value) chosen = candidate;
  }
  return chosen;
}
