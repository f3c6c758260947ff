import type { MessageTable } from "../message-schema.ts";

/** The batch/v1 messages Skiff reads and writes as protobuf. */
export const batchV1Messages: MessageTable = {
  "batch.v1.CronJob": [
    { number: 1, jsonName: "metadata", type: "meta.v1.ObjectMeta", omitEmpty: true },
    { number: 2, jsonName: "spec", type: "batch.v1.CronJobSpec", omitEmpty: true },
    { number: 3, jsonName: "status", type: "batch.v1.CronJobStatus", omitEmpty: true },
  ],
  "batch.v1.CronJobList": [
    { number: 1, jsonName: "metadata", type: "meta.v1.ListMeta", omitEmpty: true },
    { number: 2, jsonName: "items", type: "batch.v1.CronJob", repeated: true },
  ],
  "batch.v1.CronJobSpec": [
    { number: 1, jsonName: "schedule", type: "string" },
    { number: 8, jsonName: "timeZone", type: "string", pointer: true, omitEmpty: true },
    { number: 2, jsonName: "startingDeadlineSeconds", type: "int64", pointer: true, omitEmpty: true },
    { number: 3, jsonName: "concurrencyPolicy", type: "string", omitEmpty: true },
    { number: 4, jsonName: "suspend", type: "bool", pointer: true, omitEmpty: true },
    { number: 5, jsonName: "jobTemplate", type: "batch.v1.JobTemplateSpec" },
    { number: 6, jsonName: "successfulJobsHistoryLimit", type: "int32", pointer: true, omitEmpty: true },
    { number: 7, jsonName: "failedJobsHistoryLimit", type: "int32", pointer: true, omitEmpty: true },
  ],
  "batch.v1.CronJobStatus": [
    { number: 1, jsonName: "active", type: "core.v1.ObjectReference", repeated: true, omitEmpty: true },
    { number: 4, jsonName: "lastScheduleTime", type: "time", pointer: true, omitEmpty: true },
    { number: 5, jsonName: "lastSuccessfulTime", type: "time", pointer: true, omitEmpty: true },
  ],
  "batch.v1.Job": [
    { number: 1, jsonName: "metadata", type: "meta.v1.ObjectMeta", omitEmpty: true },
    { number: 2, jsonName: "spec", type: "batch.v1.JobSpec", omitEmpty: true },
    { number: 3, jsonName: "status", type: "batch.v1.JobStatus", omitEmpty: true },
  ],
  "batch.v1.JobCondition": [
    { number: 1, jsonName: "type", type: "string" },
    { number: 2, jsonName: "status", type: "string" },
    { number: 3, jsonName: "lastProbeTime", type: "time", omitEmpty: true },
    { number: 4, jsonName: "lastTransitionTime", type: "time", omitEmpty: true },
    { number: 5, jsonName: "reason", type: "string", omitEmpty: true },
    { number: 6, jsonName: "message", type: "string", omitEmpty: true },
  ],
  "batch.v1.JobList": [
    { number: 1, jsonName: "metadata", type: "meta.v1.ListMeta", omitEmpty: true },
    { number: 2, jsonName: "items", type: "batch.v1.Job", repeated: true },
  ],
  "batch.v1.JobSpec": [
    { number: 1, jsonName: "parallelism", type: "int32", pointer: true, omitEmpty: true },
    { number: 2, jsonName: "completions", type: "int32", pointer: true, omitEmpty: true },
    { number: 3, jsonName: "activeDeadlineSeconds", type: "int64", pointer: true, omitEmpty: true },
    { number: 11, jsonName: "podFailurePolicy", type: "batch.v1.PodFailurePolicy", pointer: true, omitEmpty: true },
    { number: 16, jsonName: "successPolicy", type: "batch.v1.SuccessPolicy", pointer: true, omitEmpty: true },
    { number: 7, jsonName: "backoffLimit", type: "int32", pointer: true, omitEmpty: true },
    { number: 12, jsonName: "backoffLimitPerIndex", type: "int32", pointer: true, omitEmpty: true },
    { number: 13, jsonName: "maxFailedIndexes", type: "int32", pointer: true, omitEmpty: true },
    { number: 4, jsonName: "selector", type: "meta.v1.LabelSelector", pointer: true, omitEmpty: true },
    { number: 5, jsonName: "manualSelector", type: "bool", pointer: true, omitEmpty: true },
    { number: 6, jsonName: "template", type: "core.v1.PodTemplateSpec" },
    { number: 8, jsonName: "ttlSecondsAfterFinished", type: "int32", pointer: true, omitEmpty: true },
    { number: 9, jsonName: "completionMode", type: "string", pointer: true, omitEmpty: true },
    { number: 10, jsonName: "suspend", type: "bool", pointer: true, omitEmpty: true },
    { number: 14, jsonName: "podReplacementPolicy", type: "string", pointer: true, omitEmpty: true },
    { number: 15, jsonName: "managedBy", type: "string", pointer: true, omitEmpty: true },
  ],
  "batch.v1.JobStatus": [
    { number: 1, jsonName: "conditions", type: "batch.v1.JobCondition", repeated: true, omitEmpty: true },
    { number: 2, jsonName: "startTime", type: "time", pointer: true, omitEmpty: true },
    { number: 3, jsonName: "completionTime", type: "time", pointer: true, omitEmpty: true },
    { number: 4, jsonName: "active", type: "int32", omitEmpty: true },
    { number: 5, jsonName: "succeeded", type: "int32", omitEmpty: true },
    { number: 6, jsonName: "failed", type: "int32", omitEmpty: true },
    { number: 11, jsonName: "terminating", type: "int32", pointer: true, omitEmpty: true },
    { number: 7, jsonName: "completedIndexes", type: "string", omitEmpty: true },
    { number: 10, jsonName: "failedIndexes", type: "string", pointer: true, omitEmpty: true },
    { number: 8, jsonName: "uncountedTerminatedPods", type: "batch.v1.UncountedTerminatedPods", pointer: true, omitEmpty: true },
    { number: 9, jsonName: "ready", type: "int32", pointer: true, omitEmpty: true },
  ],
  "batch.v1.JobTemplateSpec": [
    { number: 1, jsonName: "metadata", type: "meta.v1.ObjectMeta", omitEmpty: true },
    { number: 2, jsonName: "spec", type: "batch.v1.JobSpec", omitEmpty: true },
  ],
  "batch.v1.PodFailurePolicy": [
    { number: 1, jsonName: "rules", type: "batch.v1.PodFailurePolicyRule", repeated: true },
  ],
  "batch.v1.PodFailurePolicyOnExitCodesRequirement": [
    { number: 1, jsonName: "containerName", type: "string", pointer: true, omitEmpty: true },
    { number: 2, jsonName: "operator", type: "string" },
    { number: 3, jsonName: "values", type: "int32", repeated: true },
  ],
  "batch.v1.PodFailurePolicyOnPodConditionsPattern": [
    { number: 1, jsonName: "type", type: "string" },
    { number: 2, jsonName: "status", type: "string" },
  ],
  "batch.v1.PodFailurePolicyRule": [
    { number: 1, jsonName: "action", type: "string" },
    { number: 2, jsonName: "onExitCodes", type: "batch.v1.PodFailurePolicyOnExitCodesRequirement", pointer: true, omitEmpty: true },
    { number: 3, jsonName: "onPodConditions", type: "batch.v1.PodFailurePolicyOnPodConditionsPattern", repeated: true, omitEmpty: true },
  ],
  "batch.v1.SuccessPolicy": [
    { number: 1, jsonName: "rules", type: "batch.v1.SuccessPolicyRule", repeated: true },
  ],
  "batch.v1.SuccessPolicyRule": [
    { number: 1, jsonName: "succeededIndexes", type: "string", pointer: true, omitEmpty: true },
    { number: 2, jsonName: "succeededCount", type: "int32", pointer: true, omitEmpty: true },
  ],
  "batch.v1.UncountedTerminatedPods": [
    { number: 1, jsonName: "succeeded", type: "string", repeated: true, omitEmpty: true },
    { number: 2, jsonName: "failed", type: "string", repeated: true, omitEmpty: true },
  ],
};
