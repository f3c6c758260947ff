// Jobs and CronJobs (batch/v1). The registry generates a Job's selector and
// template labels before validation; here the selector is only checked.
import { cronScheduleError, timeZoneError } from "./cron-schedule.ts";
import { duplicate, invalid, notSupported, required, tooLong, tooMany, FieldPath, type FieldError } from "./field-error.ts";
import { goLabelSelector, goStringMap, omittedValue } from "./go-value.ts";
import { integer, isObject, jsonEqual, list, obj, str, text, type JsonObject } from "./json.ts";
import { selectorMatches, toSelector, validateLabelSelector } from "./label-selector.ts";
import { byteLength, domainPrefixedPathErrors, isDNS1123Label, isQualifiedName, nameIsDNSSubdomain } from "./names.ts";
import { fieldImmutableMessage, validateImmutable, validateNonnegative, validateObjectMeta, validateObjectMetaUpdate } from "./object-meta.ts";
import { validatePodTemplateSpec } from "./pod-spec.ts";

const specPath = FieldPath.of("spec");
const completionModes = ["NonIndexed", "Indexed"];
const podFailureActions = ["Count", "FailIndex", "FailJob", "Ignore"];
const exitCodeOperators = ["In", "NotIn"];
const conditionStatuses = ["False", "True", "Unknown"];
const podReplacementPolicies = ["Failed", "TerminatingOrFailed"];
const concurrencyPolicies = ["Allow", "Forbid", "Replace"];
const maxParallelismForIndexedJob = 100000;
const maxFailedIndexesForIndexedJob = 100000;
const maxManagedByLength = 63;
const maxPodFailurePolicyRules = 20;
const maxExitCodeValues = 255;
const maxConditionPatterns = 20;
const maxSuccessPolicyRules = 20;
const cronJobNameMaxLength = 52;

function validatePodFailurePolicy(spec: JsonObject, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const rules = list(obj(spec.podFailurePolicy).rules).map(obj);
  const rulesPath = path.child("rules");
  if (rules.length > maxPodFailurePolicyRules) errs.push(tooMany(rulesPath, rules.length, maxPodFailurePolicyRules));
  const template = obj(obj(spec.template).spec);
  const containerNames = new Set([...list(template.containers), ...list(template.initContainers)].map((c) => text(obj(c).name)));
  rules.forEach((rule, i) => {
    const at = rulesPath.index(i);
    const action = text(rule.action);
    if (action === "") errs.push(required(at.child("action"), `valid values: [${podFailureActions.map((a) => JSON.stringify(a)).join(" ")}]`));
    else if (action === "FailIndex") {
      if (spec.backoffLimitPerIndex === undefined || spec.backoffLimitPerIndex === null) {
        errs.push(invalid(at.child("action"), action, "requires the backoffLimitPerIndex to be set"));
      }
    } else if (!podFailureActions.includes(action)) errs.push(notSupported(at.child("action"), action, podFailureActions));
    const onExitCodes = rule.onExitCodes;
    if (isObject(onExitCodes)) {
      const exitPath = at.child("onExitCodes");
      const operator = text(onExitCodes.operator);
      if (operator === "") errs.push(required(exitPath.child("operator"), `valid values: [${exitCodeOperators.map((a) => JSON.stringify(a)).join(" ")}]`));
      else if (!exitCodeOperators.includes(operator)) errs.push(notSupported(exitPath.child("operator"), operator, exitCodeOperators));
      const containerName = str(onExitCodes.containerName);
      if (containerName !== undefined && !containerNames.has(containerName)) {
        errs.push(invalid(exitPath.child("containerName"), containerName, "must be one of the container or initContainer names in the pod template"));
      }
      const values = list(onExitCodes.values).map((v) => (typeof v === "number" ? v : 0));
      const valuesPath = exitPath.child("values");
      if (values.length === 0) errs.push(invalid(valuesPath, values, "at least one value is required"));
      else if (values.length > maxExitCodeValues) errs.push(tooMany(valuesPath, values.length, maxExitCodeValues));
      const seen = new Set<number>();
      values.forEach((v, j) => {
        if (operator === "In" && v === 0) errs.push(invalid(valuesPath.index(j), v, "must not be 0 for the In operator"));
        if (seen.has(v)) errs.push(duplicate(valuesPath.index(j), v));
        seen.add(v);
      });
      if (values.some((v, j) => j > 0 && (values[j - 1] ?? 0) > v)) errs.push(invalid(valuesPath, values, "must be ordered"));
    }
    const patterns = list(rule.onPodConditions).map(obj);
    if (patterns.length > 0) {
      const conditionsPath = at.child("onPodConditions");
      if (patterns.length > maxConditionPatterns) errs.push(tooMany(conditionsPath, patterns.length, maxConditionPatterns));
      patterns.forEach((p, j) => {
        const type = text(p.type);
        errs.push(...isQualifiedName(type).map((m) => invalid(conditionsPath.index(j).child("type"), type, m)));
        const status = text(p.status);
        const statusPath = conditionsPath.index(j).child("status");
        if (status === "") errs.push(required(statusPath, `valid values: [${conditionStatuses.map((a) => JSON.stringify(a)).join(" ")}]`));
        else if (!conditionStatuses.includes(status)) errs.push(notSupported(statusPath, status, conditionStatuses));
      });
    }
    if (isObject(onExitCodes) && patterns.length > 0) errs.push(invalid(at, omittedValue, "specifying both OnExitCodes and OnPodConditions is not supported"));
    if (!isObject(onExitCodes) && patterns.length === 0) errs.push(invalid(at, omittedValue, "specifying one of OnExitCodes and OnPodConditions is required"));
  });
  return errs;
}

function validateSuccessPolicy(spec: JsonObject, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const rules = list(obj(spec.successPolicy).rules).map(obj);
  const rulesPath = path.child("rules");
  if (rules.length === 0) errs.push(required(rulesPath, "at least one rules must be specified when the successPolicy is specified"));
  if (rules.length > maxSuccessPolicyRules) errs.push(tooMany(rulesPath, rules.length, maxSuccessPolicyRules));
  const completions = typeof spec.completions === "number" ? spec.completions : 0;
  rules.forEach((rule, i) => {
    const at = rulesPath.index(i);
    if (rule.succeededCount === undefined && rule.succeededIndexes === undefined) {
      errs.push(required(at, "at least one of succeededCount or succeededIndexes must be specified"));
    }
    const count = integer(rule.succeededCount, at.child("succeededCount"), errs);
    if (count !== undefined) {
      if (count < 0) errs.push(invalid(at.child("succeededCount"), count, "must be greater than or equal to 0"));
      if (count > completions) {
        errs.push(invalid(at.child("succeededCount"), count, `must be less than or equal to ${completions} (the number of specified completions)`));
      }
    }
  });
  return errs;
}

/** JobSpec rules shared by Jobs and CronJob job templates (selector aside). */
function validateJobSpecCore(spec: JsonObject, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const field of ["parallelism", "completions", "activeDeadlineSeconds", "backoffLimit", "ttlSecondsAfterFinished", "backoffLimitPerIndex"]) {
    validateNonnegative(spec[field], path.child(field), errs);
  }
  const maxFailed = integer(spec.maxFailedIndexes, path.child("maxFailedIndexes"), errs);
  const perIndex = spec.backoffLimitPerIndex !== undefined && spec.backoffLimitPerIndex !== null;
  if (maxFailed !== undefined) {
    if (maxFailed < 0) errs.push(invalid(path.child("maxFailedIndexes"), maxFailed, "must be greater than or equal to 0"));
    if (!perIndex) errs.push(required(path.child("backoffLimitPerIndex"), "when maxFailedIndexes is specified"));
  }
  const managedBy = str(spec.managedBy);
  if (managedBy !== undefined) {
    errs.push(...domainPrefixedPathErrors(managedBy).map((e) => invalid(path.child("managedBy"), e.value, e.message)));
    if (byteLength(managedBy) > maxManagedByLength) errs.push(tooLong(path.child("managedBy"), maxManagedByLength));
  }
  const mode = str(spec.completionMode);
  const completions = typeof spec.completions === "number" ? spec.completions : undefined;
  const parallelism = typeof spec.parallelism === "number" ? spec.parallelism : undefined;
  if (mode !== undefined) {
    if (!completionModes.includes(mode)) errs.push(notSupported(path.child("completionMode"), mode, completionModes));
    if (mode === "Indexed") {
      if (completions === undefined) errs.push(required(path.child("completions"), "when completion mode is Indexed"));
      if (parallelism !== undefined && parallelism > maxParallelismForIndexedJob) {
        errs.push(invalid(path.child("parallelism"), parallelism, `must be less than or equal to ${maxParallelismForIndexedJob} when completion mode is Indexed`));
      }
      if (completions !== undefined && maxFailed !== undefined && maxFailed > completions) {
        errs.push(invalid(path.child("maxFailedIndexes"), maxFailed, "must be less than or equal to completions"));
      }
      if (maxFailed !== undefined && maxFailed > maxFailedIndexesForIndexedJob) {
        errs.push(invalid(path.child("maxFailedIndexes"), maxFailed, `must be less than or equal to ${maxFailedIndexesForIndexedJob}`));
      }
    }
  }
  if (mode === undefined || mode === "NonIndexed") {
    if (perIndex) errs.push(invalid(path.child("backoffLimitPerIndex"), spec.backoffLimitPerIndex, "requires indexed completion mode"));
    if (maxFailed !== undefined) errs.push(invalid(path.child("maxFailedIndexes"), maxFailed, "requires indexed completion mode"));
  }
  if (isObject(spec.podFailurePolicy)) errs.push(...validatePodFailurePolicy(spec, path.child("podFailurePolicy")));
  if (isObject(spec.successPolicy)) {
    if (mode !== "Indexed") errs.push(invalid(path.child("successPolicy"), spec.successPolicy, "requires indexed completion mode"));
    else errs.push(...validateSuccessPolicy(spec, path.child("successPolicy")));
  }
  const replacement = str(spec.podReplacementPolicy);
  if (replacement !== undefined) {
    if (isObject(spec.podFailurePolicy)) {
      if (replacement !== "Failed") errs.push(notSupported(path.child("podReplacementPolicy"), replacement, ["Failed"]));
    } else if (!podReplacementPolicies.includes(replacement)) {
      errs.push(notSupported(path.child("podReplacementPolicy"), replacement, podReplacementPolicies));
    }
  }
  const templatePath = path.child("template");
  errs.push(...validatePodTemplateSpec(spec.template, templatePath));
  // Defaulting would have made an unset restartPolicy Always.
  const restartPolicy = text(obj(obj(spec.template).spec).restartPolicy);
  const restartPath = templatePath.child("spec", "restartPolicy");
  if (restartPolicy === "Always" || restartPolicy === "") {
    errs.push(required(restartPath, 'valid values: "OnFailure", "Never"'));
  } else if (restartPolicy !== "OnFailure" && restartPolicy !== "Never") {
    errs.push(notSupported(restartPath, restartPolicy, ["OnFailure", "Never"]));
  } else if (isObject(spec.podFailurePolicy) && restartPolicy !== "Never") {
    errs.push(invalid(restartPath, restartPolicy, 'only "Never" is supported when podFailurePolicy is specified'));
  }
  return errs;
}

function validateJobSpec(specValue: unknown): FieldError[] {
  const spec = obj(specValue);
  const errs = validateJobSpecCore(spec, specPath);
  if (!isObject(spec.selector)) errs.push(required(specPath.child("selector")));
  else errs.push(...validateLabelSelector(spec.selector, specPath.child("selector")));
  const selector = toSelector(spec.selector);
  const labels = obj(obj(spec.template).metadata).labels;
  if (selector !== undefined && !selectorMatches(selector, labels)) {
    errs.push(invalid(specPath.child("template", "metadata", "labels"), goStringMap(labels), "`selector` does not match template `labels`"));
  }
  return errs;
}

export function validateJob(job: JsonObject): FieldError[] {
  const errs = [...validateObjectMeta(job.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain }), ...validateJobSpec(job.spec)];
  const spec = obj(job.spec);
  if (spec.completionMode === "Indexed" && typeof spec.completions === "number" && spec.completions > 0) {
    const name = text(obj(job.metadata).name);
    const longestHostname = `${name}-${spec.completions - 1}`;
    if (isDNS1123Label(longestHostname).length > 0) {
      errs.push(invalid(FieldPath.of("metadata", "name"), name, `will not able to create pod with invalid DNS label: ${longestHostname}`));
    }
  }
  return errs;
}

// A suspended job that never started may still be rescheduled elsewhere.
function withoutSchedulingDirectives(template: unknown): JsonObject {
  const copy = structuredClone(obj(template));
  const meta = obj(copy.metadata);
  delete meta.labels;
  delete meta.annotations;
  const spec = obj(copy.spec);
  delete spec.nodeSelector;
  delete spec.tolerations;
  delete spec.schedulingGates;
  if (isObject(spec.affinity)) delete spec.affinity.nodeAffinity;
  return copy;
}

export function validateJobUpdate(job: JsonObject, old: JsonObject): FieldError[] {
  const spec = obj(job.spec);
  const oldSpec = obj(old.spec);
  const errs = [...validateObjectMetaUpdate(job.metadata, old.metadata), ...validateJobSpec(spec)];
  const completionsPath = specPath.child("completions");
  if (spec.completionMode !== "Indexed") {
    errs.push(...validateImmutable(spec.completions ?? null, oldSpec.completions ?? null, completionsPath));
  } else if (!jsonEqual(spec.completions, oldSpec.completions) && typeof spec.completions === "number" && spec.completions !== spec.parallelism) {
    errs.push(invalid(completionsPath, spec.completions, "can only be modified in tandem with spec.parallelism"));
  }
  errs.push(...validateImmutable(spec.selector, oldSpec.selector, specPath.child("selector"), goLabelSelector(spec.selector)));
  const mutableDirectives = oldSpec.suspend === true && str(obj(old.status).startTime) === undefined;
  const template = mutableDirectives ? withoutSchedulingDirectives(spec.template) : spec.template;
  const oldTemplate = mutableDirectives ? withoutSchedulingDirectives(oldSpec.template) : oldSpec.template;
  if (!jsonEqual(template, oldTemplate)) errs.push(invalid(specPath.child("template"), spec.template, fieldImmutableMessage));
  for (const field of ["completionMode", "podFailurePolicy", "backoffLimitPerIndex", "managedBy", "successPolicy"]) {
    errs.push(...validateImmutable(spec[field] ?? null, oldSpec[field] ?? null, specPath.child(field)));
  }
  return errs;
}

const timeZonePartPattern = /^[A-Za-z.\-_0-9+]{1,14}$/;

function validateTimeZone(value: unknown, path: FieldPath): FieldError[] {
  const zone = str(value);
  if (zone === undefined) return [];
  if (zone === "") return [invalid(path, zone, "timeZone must be nil or non-empty string")];
  for (const part of zone.split("/")) {
    if (part === "." || part === ".." || part.startsWith("-") || !timeZonePartPattern.test(part)) return [invalid(path, zone, `unknown time zone ${zone}`)];
  }
  const errs: FieldError[] = [];
  if (zone.toLowerCase() === "local") errs.push(invalid(path, zone, "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"));
  const problem = timeZoneError(zone);
  if (problem !== undefined) errs.push(invalid(path, zone, problem));
  return errs;
}

function validateCronJobSpec(specValue: unknown, oldSpecValue: unknown): FieldError[] {
  const spec = obj(specValue);
  const oldSpec = isObject(oldSpecValue) ? oldSpecValue : undefined;
  const errs: FieldError[] = [];
  const schedule = text(spec.schedule);
  const schedulePath = specPath.child("schedule");
  if (schedule === "") {
    errs.push(required(schedulePath));
  } else {
    const problem = cronScheduleError(schedule);
    if (problem !== undefined) errs.push(invalid(schedulePath, schedule, problem));
    const tzAllowed = oldSpec !== undefined && text(oldSpec.schedule).includes("TZ");
    if (tzAllowed && schedule.includes("TZ") && str(spec.timeZone) !== undefined) {
      errs.push(invalid(schedulePath, schedule, "cannot use both timeZone field and TZ or CRON_TZ in schedule"));
    } else if (!tzAllowed && schedule.includes("TZ")) {
      errs.push(invalid(schedulePath, schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"));
    }
  }
  validateNonnegative(spec.startingDeadlineSeconds, specPath.child("startingDeadlineSeconds"), errs);
  if (oldSpec === undefined || !jsonEqual(oldSpec.timeZone, spec.timeZone)) errs.push(...validateTimeZone(spec.timeZone, specPath.child("timeZone")));
  const concurrency = str(spec.concurrencyPolicy);
  if (concurrency !== undefined && concurrency !== "" && !concurrencyPolicies.includes(concurrency)) {
    errs.push(notSupported(specPath.child("concurrencyPolicy"), concurrency, concurrencyPolicies));
  }
  const templateSpecPath = specPath.child("jobTemplate", "spec");
  const jobSpec = obj(obj(spec.jobTemplate).spec);
  errs.push(...validateJobSpecCore(jobSpec, templateSpecPath));
  if (isObject(jobSpec.selector)) errs.push(invalid(templateSpecPath.child("selector"), goLabelSelector(jobSpec.selector), "`selector` will be auto-generated"));
  if (jobSpec.manualSelector === true) errs.push(notSupported(templateSpecPath.child("manualSelector"), true, ["nil", "false"]));
  validateNonnegative(spec.successfulJobsHistoryLimit, specPath.child("successfulJobsHistoryLimit"), errs);
  validateNonnegative(spec.failedJobsHistoryLimit, specPath.child("failedJobsHistoryLimit"), errs);
  return errs;
}

export function validateCronJob(cronJob: JsonObject): FieldError[] {
  const errs = [...validateObjectMeta(cronJob.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain }), ...validateCronJobSpec(cronJob.spec, undefined)];
  const name = text(obj(cronJob.metadata).name);
  // Jobs get an 11-character suffix and must stay a 63-character label.
  if (byteLength(name) > cronJobNameMaxLength) errs.push(invalid(FieldPath.of("metadata", "name"), name, "must be no more than 52 characters"));
  return errs;
}

export function validateCronJobUpdate(cronJob: JsonObject, old: JsonObject): FieldError[] {
  return [...validateObjectMetaUpdate(cronJob.metadata, old.metadata), ...validateCronJobSpec(cronJob.spec, obj(old.spec))];
}
