// Defaults of scheduling.k8s.io/v1 PriorityClasses.
import { fillUnset } from "./fields.ts";
import type { Defaulter } from "./fields.ts";

export const schedulingV1Defaulters: Record<string, Defaulter> = {
  PriorityClass: (priorityClass) => fillUnset(priorityClass, "preemptionPolicy", "PreemptLowerPriority"),
};
