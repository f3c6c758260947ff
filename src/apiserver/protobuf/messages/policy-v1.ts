import type { MessageTable } from "../message-schema.ts";

/** The policy/v1 messages Skiff reads and writes as protobuf. */
export const policyV1Messages: MessageTable = {
  "policy.v1.Eviction": [
    { number: 1, jsonName: "metadata", type: "meta.v1.ObjectMeta", omitEmpty: true },
    { number: 2, jsonName: "deleteOptions", type: "meta.v1.DeleteOptions", pointer: true, omitEmpty: true },
  ],
  "policy.v1.PodDisruptionBudget": [
    { number: 1, jsonName: "metadata", type: "meta.v1.ObjectMeta", omitEmpty: true },
    { number: 2, jsonName: "spec", type: "policy.v1.PodDisruptionBudgetSpec", omitEmpty: true },
    { number: 3, jsonName: "status", type: "policy.v1.PodDisruptionBudgetStatus", omitEmpty: true },
  ],
  "policy.v1.PodDisruptionBudgetList": [
    { number: 1, jsonName: "metadata", type: "meta.v1.ListMeta", omitEmpty: true },
    { number: 2, jsonName: "items", type: "policy.v1.PodDisruptionBudget", repeated: true },
  ],
  "policy.v1.PodDisruptionBudgetSpec": [
    { number: 1, jsonName: "minAvailable", type: "intOrString", pointer: true, omitEmpty: true },
    { number: 2, jsonName: "selector", type: "meta.v1.LabelSelector", pointer: true, omitEmpty: true },
    { number: 3, jsonName: "maxUnavailable", type: "intOrString", pointer: true, omitEmpty: true },
    { number: 4, jsonName: "unhealthyPodEvictionPolicy", type: "string", pointer: true, omitEmpty: true },
  ],
  "policy.v1.PodDisruptionBudgetStatus": [
    { number: 1, jsonName: "observedGeneration", type: "int64", omitEmpty: true },
    { number: 2, jsonName: "disruptedPods", type: "time", map: true, omitEmpty: true },
    { number: 3, jsonName: "disruptionsAllowed", type: "int32" },
    { number: 4, jsonName: "currentHealthy", type: "int32" },
    { number: 5, jsonName: "desiredHealthy", type: "int32" },
    { number: 6, jsonName: "expectedPods", type: "int32" },
    { number: 7, jsonName: "conditions", type: "meta.v1.Condition", repeated: true, omitEmpty: true },
  ],
};
