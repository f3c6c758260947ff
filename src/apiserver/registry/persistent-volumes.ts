// PersistentVolumes: whatever status a client sends on create is replaced by
// phase Pending stamped with the time of that transition, as upstream does
// since lastPhaseTransitionTime became GA.
import type { ResourceInfo } from "../../api/registry.ts";
import { genericStrategy, type Strategy } from "./strategy.ts";

/** metav1.Time's wire form: RFC 3339 in whole seconds. */
function secondsTimestamp(now: Date): string {
  return now.toISOString().replace(/\.\d+Z$/, "Z");
}

export function persistentVolumeStrategy(info: ResourceInfo, now: () => Date = () => new Date()): Strategy {
  return genericStrategy(info, {
    prepareForCreate(obj) {
      obj.status = { phase: "Pending", lastPhaseTransitionTime: secondsTimestamp(now()) };
    },
  });
}
