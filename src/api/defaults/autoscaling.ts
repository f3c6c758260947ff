// Defaults of HorizontalPodAutoscalers in autoscaling/v1 and v2.
import { ensureObject, fillUnset, isEmptyList, isObject, isUnset, objectAt } from "./fields.ts";
import type { Defaulter, JsonObject } from "./fields.ts";

/** The CPU utilisation an autoscaler without metrics aims for, in percent. */
const DEFAULT_CPU_UTILIZATION = 80;

const SCALE_UP_RULES = {
  stabilizationWindowSeconds: 0,
  selectPolicy: "Max",
  policies: [
    { type: "Pods", value: 4, periodSeconds: 15 },
    { type: "Percent", value: 100, periodSeconds: 15 },
  ],
};

// Scale-down has no default stabilization window: the controller's flag supplies it.
const SCALE_DOWN_RULES = {
  selectPolicy: "Max",
  policies: [{ type: "Percent", value: 100, periodSeconds: 15 }],
};

function defaultMinReplicas(hpa: JsonObject): JsonObject | undefined {
  const spec = ensureObject(hpa, "spec");
  if (spec) fillUnset(spec, "minReplicas", 1);
  return spec;
}

/** Rules given in part keep what they give; the rest comes from the defaults. */
function completeRules(given: unknown, defaults: JsonObject): JsonObject {
  const rules = structuredClone(defaults);
  if (!isObject(given)) return rules;
  for (const field of ["selectPolicy", "stabilizationWindowSeconds", "policies"]) {
    if (!isUnset(given[field])) rules[field] = given[field];
  }
  return rules;
}

function defaultAutoscalerV2(hpa: JsonObject): void {
  const spec = defaultMinReplicas(hpa);
  if (!spec) return;
  if (isEmptyList(spec.metrics)) {
    spec.metrics = [
      { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: DEFAULT_CPU_UTILIZATION } } },
    ];
  }
  const behavior = objectAt(spec, "behavior");
  if (behavior) {
    behavior.scaleUp = completeRules(behavior.scaleUp, SCALE_UP_RULES);
    behavior.scaleDown = completeRules(behavior.scaleDown, SCALE_DOWN_RULES);
  }
}

export const autoscalingV1Defaulters: Record<string, Defaulter> = {
  HorizontalPodAutoscaler: (hpa) => void defaultMinReplicas(hpa),
};

export const autoscalingV2Defaulters: Record<string, Defaulter> = {
  HorizontalPodAutoscaler: defaultAutoscalerV2,
};
