// Defaults of batch/v1 Jobs and CronJobs.
//
// Not here: a Job's spec.selector and the controller-uid and job-name labels
// on its template come from the job strategy on create, not from defaulting.
import { ensureObject, fillEmpty, fillUnset, hasEntries, isUnset, objectAt, objectsAt } from "./fields.ts";
import type { Defaulter, JsonObject } from "./fields.ts";
import { defaultPodTemplateSpec } from "./pod-spec.ts";

const BACKOFF_LIMIT = 6;
/** With a per-index limit the Job-wide limit is effectively off: the int32 maximum. */
const UNLIMITED_BACKOFF = 2147483647;

function defaultJob(job: JsonObject): void {
  const spec = ensureObject(job, "spec");
  if (!spec) return;
  // A Job naming neither is one pod run to completion once.
  if (isUnset(spec.completions) && isUnset(spec.parallelism)) spec.completions = 1;
  fillUnset(spec, "parallelism", 1);
  fillUnset(spec, "backoffLimit", isUnset(spec.backoffLimitPerIndex) ? BACKOFF_LIMIT : UNLIMITED_BACKOFF);
  const template = ensureObject(spec, "template");
  const templateLabels = objectAt(objectAt(template ?? {}, "metadata") ?? {}, "labels");
  const metadata = ensureObject(job, "metadata");
  if (templateLabels && metadata && !hasEntries(metadata.labels)) metadata.labels = structuredClone(templateLabels);
  fillUnset(spec, "completionMode", "NonIndexed");
  fillUnset(spec, "suspend", false);
  const failurePolicy = objectAt(spec, "podFailurePolicy");
  for (const rule of failurePolicy ? objectsAt(failurePolicy, "rules") : []) {
    for (const pattern of objectsAt(rule, "onPodConditions")) fillEmpty(pattern, "status", "True");
  }
  fillUnset(spec, "podReplacementPolicy", failurePolicy ? "Failed" : "TerminatingOrFailed");
  fillUnset(spec, "manualSelector", false);
  if (template) defaultPodTemplateSpec(template);
}

/** The job template inside a CronJob gets pod template defaults, not Job defaults. */
function defaultCronJob(cronJob: JsonObject): void {
  const spec = ensureObject(cronJob, "spec");
  if (!spec) return;
  fillEmpty(spec, "concurrencyPolicy", "Allow");
  fillUnset(spec, "suspend", false);
  fillUnset(spec, "successfulJobsHistoryLimit", 3);
  fillUnset(spec, "failedJobsHistoryLimit", 1);
  const jobTemplate = ensureObject(spec, "jobTemplate");
  const jobSpec = jobTemplate && ensureObject(jobTemplate, "spec");
  const template = jobSpec && ensureObject(jobSpec, "template");
  if (template) defaultPodTemplateSpec(template);
}

export const batchV1Defaulters: Record<string, Defaulter> = {
  CronJob: defaultCronJob,
  Job: defaultJob,
};
