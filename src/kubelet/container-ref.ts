// Where a container sits in its pod's spec, as events about it name it
// (involvedObject.fieldPath "spec.containers{web}"), so `kubectl describe pod`
// shows which container an event is about.
import type { Pod } from "kubernetes-types/core/v1";

/** The fieldPath of the named container, or undefined when the pod has no container of that name. */
export function containerFieldPath(pod: Pod, name: string): string | undefined {
  const spec = pod.spec;
  if (spec?.containers?.some((c) => c.name === name)) return `spec.containers{${name}}`;
  if (spec?.initContainers?.some((c) => c.name === name)) return `spec.initContainers{${name}}`;
  if (spec?.ephemeralContainers?.some((c) => c.name === name)) return `spec.ephemeralContainers{${name}}`;
  return undefined;
}
