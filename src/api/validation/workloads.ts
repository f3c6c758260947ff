// Replicated workloads: Deployment, ReplicaSet, StatefulSet, DaemonSet
// (apps/v1) and ReplicationController (core/v1).
import { forbidden, invalid, notSupported, required, FieldPath, type FieldError } from "./field-error.ts";
import { goIntOrString, goLabelSelector, goStringMap } from "./go-value.ts";
import { integer, isObject, jsonEqual, list, obj, str, text, type JsonObject } from "./json.ts";
import { isEmptySelector, selectorMatches, toSelector, validateLabelSelector, type Selector } from "./label-selector.ts";
import { isDNS1123Label, isValidPercent, nameIsDNSLabel, nameIsDNSSubdomain } from "./names.ts";
import { validateImmutable, validateNonnegative, validateObjectMeta, validateObjectMetaUpdate } from "./object-meta.ts";
import { validatePodTemplateSpec } from "./pod-spec.ts";
import { validatePersistentVolumeClaimSpec } from "./persistent-volume-claim.ts";

const specPath = FieldPath.of("spec");
const templateMismatch = "`selector` does not match template `labels`";

/** The controller's template must carry labels its selector selects. */
function validateTemplateLabels(selector: Selector, template: JsonObject, templatePath: FieldPath, skipEmpty: boolean): FieldError[] {
  const labels = obj(template.metadata).labels;
  if (skipEmpty && isEmptySelector(selector)) return [];
  if (selectorMatches(selector, labels)) return [];
  return [invalid(templatePath.child("metadata", "labels"), goStringMap(labels), templateMismatch)];
}

function validateRestartAlways(template: JsonObject, templatePath: FieldPath, kindName: string, errs: FieldError[]): void {
  const spec = obj(template.spec);
  const restartPolicy = text(spec.restartPolicy) || "Always";
  if (restartPolicy !== "Always") errs.push(notSupported(templatePath.child("spec", "restartPolicy"), restartPolicy, ["Always"]));
  if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds !== null) {
    errs.push(forbidden(templatePath.child("spec", "activeDeadlineSeconds"), `activeDeadlineSeconds in ${kindName} is not Supported`));
  }
}

/** The strict selector of apps/v1 kinds: required, valid, not empty. */
function validateWorkloadSelector(selectorValue: unknown, kindWord: string, errs: FieldError[]): Selector | undefined {
  const path = specPath.child("selector");
  if (!isObject(selectorValue)) {
    errs.push(required(path));
  } else {
    errs.push(...validateLabelSelector(selectorValue, path));
    if (Object.keys(obj(selectorValue.matchLabels)).length + list(selectorValue.matchExpressions).length === 0) {
      errs.push(invalid(path, goLabelSelector(selectorValue), `empty selector is invalid for ${kindWord}`));
    }
  }
  return toSelector(selectorValue);
}

/** ReplicaSets and Deployments share their template rules. */
function validateReplicaSetLikeSpec(spec: JsonObject, kindName: "ReplicaSet" | "Deployment", errs: FieldError[]): void {
  validateNonnegative(spec.replicas, specPath.child("replicas"), errs);
  if (kindName === "ReplicaSet") validateNonnegative(spec.minReadySeconds, specPath.child("minReadySeconds"), errs);
  const selector = validateWorkloadSelector(spec.selector, "deployment", errs);
  const templatePath = specPath.child("template");
  if (selector === undefined) {
    errs.push(invalid(specPath.child("selector"), goLabelSelector(spec.selector), "invalid label selector"));
    return;
  }
  const template = obj(spec.template);
  errs.push(...validateTemplateLabels(selector, template, templatePath, true));
  errs.push(...validatePodTemplateSpec(template, templatePath));
  validateRestartAlways(template, templatePath, "ReplicaSet", errs);
}

function percentValue(value: unknown): number | undefined {
  if (typeof value !== "string" || isValidPercent(value).length > 0) return undefined;
  return Number(value.slice(0, -1));
}

function intOrPercentValue(value: unknown): number {
  return percentValue(value) ?? (typeof value === "number" ? value : 0);
}

function validateIntOrPercent(value: unknown, path: FieldPath): FieldError[] {
  if (value === undefined || value === null) return [];
  if (typeof value === "string") return isValidPercent(value).map((m) => invalid(path, goIntOrString(value), m));
  if (typeof value === "number") return value < 0 ? [invalid(path, value, "must be greater than or equal to 0")] : [];
  return [invalid(path, value, "must be an integer or percentage (e.g '5%%')")];
}

function notMoreThan100Percent(value: unknown, path: FieldPath): FieldError[] {
  const percent = percentValue(value);
  return percent !== undefined && percent > 100 ? [invalid(path, goIntOrString(value), "must not be greater than 100%")] : [];
}

function validateDeploymentStrategy(strategyValue: unknown, errs: FieldError[]): void {
  const strategy = obj(strategyValue);
  const path = specPath.child("strategy");
  const type = text(strategy.type) || "RollingUpdate";
  if (type === "Recreate") {
    if (isObject(strategy.rollingUpdate)) errs.push(forbidden(path.child("rollingUpdate"), "may not be specified when strategy `type` is 'Recreate'"));
  } else if (type === "RollingUpdate") {
    // An absent rollingUpdate is defaulted to 25%/25%.
    if (!isObject(strategy.rollingUpdate)) return;
    const rolling = strategy.rollingUpdate;
    const at = path.child("rollingUpdate");
    errs.push(...validateIntOrPercent(rolling.maxUnavailable, at.child("maxUnavailable")));
    errs.push(...validateIntOrPercent(rolling.maxSurge, at.child("maxSurge")));
    const unavailable = rolling.maxUnavailable ?? "25%";
    const surge = rolling.maxSurge ?? "25%";
    if (intOrPercentValue(unavailable) === 0 && intOrPercentValue(surge) === 0) {
      errs.push(invalid(at.child("maxUnavailable"), goIntOrString(unavailable), "may not be 0 when `maxSurge` is 0"));
    }
    errs.push(...notMoreThan100Percent(rolling.maxUnavailable, at.child("maxUnavailable")));
  } else {
    errs.push(notSupported(path, strategy, ["Recreate", "RollingUpdate"]));
  }
}

function validateDeploymentSpec(specValue: unknown): FieldError[] {
  const spec = obj(specValue);
  const errs: FieldError[] = [];
  validateReplicaSetLikeSpec(spec, "Deployment", errs);
  validateDeploymentStrategy(spec.strategy, errs);
  validateNonnegative(spec.minReadySeconds, specPath.child("minReadySeconds"), errs);
  validateNonnegative(spec.revisionHistoryLimit, specPath.child("revisionHistoryLimit"), errs);
  if (isObject(spec.rollbackTo)) validateNonnegative(spec.rollbackTo.revision, specPath.child("rollback", "version"), errs);
  const deadline = integer(spec.progressDeadlineSeconds, specPath.child("progressDeadlineSeconds"), errs);
  if (deadline !== undefined) {
    if (deadline < 0) errs.push(invalid(specPath.child("progressDeadlineSeconds"), deadline, "must be greater than or equal to 0"));
    const minReady = typeof spec.minReadySeconds === "number" ? spec.minReadySeconds : 0;
    if (deadline <= minReady) errs.push(invalid(specPath.child("progressDeadlineSeconds"), deadline, "must be greater than minReadySeconds"));
  }
  return errs;
}

const selectorImmutable = (obj: JsonObject, old: JsonObject): FieldError[] =>
  validateImmutable(obj.selector, old.selector, specPath.child("selector"), goLabelSelector(obj.selector));

export function validateDeployment(deployment: JsonObject): FieldError[] {
  return [...validateObjectMeta(deployment.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain }), ...validateDeploymentSpec(deployment.spec)];
}

export function validateDeploymentUpdate(deployment: JsonObject, old: JsonObject): FieldError[] {
  return [
    ...validateObjectMetaUpdate(deployment.metadata, old.metadata),
    ...validateDeploymentSpec(deployment.spec),
    ...selectorImmutable(obj(deployment.spec), obj(old.spec)),
  ];
}

function validateReplicaSetSpec(specValue: unknown): FieldError[] {
  const errs: FieldError[] = [];
  validateReplicaSetLikeSpec(obj(specValue), "ReplicaSet", errs);
  return errs;
}

export function validateReplicaSet(replicaSet: JsonObject): FieldError[] {
  return [...validateObjectMeta(replicaSet.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain }), ...validateReplicaSetSpec(replicaSet.spec)];
}

export function validateReplicaSetUpdate(replicaSet: JsonObject, old: JsonObject): FieldError[] {
  return [
    ...validateObjectMetaUpdate(replicaSet.metadata, old.metadata),
    ...validateReplicaSetSpec(replicaSet.spec),
    ...selectorImmutable(obj(replicaSet.spec), obj(old.spec)),
  ];
}

const podManagementPolicies = ["OrderedReady", "Parallel"];
const retentionPolicyTypes = ["Retain", "Delete"];

/** StatefulSet pods get volumes for their claim templates; validate the template with them. */
function templateWithClaimVolumes(spec: JsonObject): JsonObject {
  const template = structuredClone(obj(spec.template));
  const claims = list(spec.volumeClaimTemplates).map((c) => text(obj(obj(c).metadata).name));
  const podSpec = obj(template.spec);
  if (isObject(template.spec)) {
    delete podSpec.hostname;
    delete podSpec.subdomain;
    if (claims.length > 0) {
      const fromClaims = claims.map((name) => ({ name, persistentVolumeClaim: { claimName: name } }));
      podSpec.volumes = [...fromClaims, ...list(podSpec.volumes).filter((v) => !claims.includes(text(obj(v).name)))];
    }
  }
  return template;
}

function validateStatefulSetSpec(specValue: unknown, onUpdate: boolean): FieldError[] {
  const spec = obj(specValue);
  const errs: FieldError[] = [];
  const policy = str(spec.podManagementPolicy);
  if (policy !== undefined && policy !== "" && !podManagementPolicies.includes(policy)) {
    errs.push(invalid(specPath.child("podManagementPolicy"), policy, "must be 'OrderedReady' or 'Parallel'"));
  }
  const strategy = obj(spec.updateStrategy);
  const strategyType = text(strategy.type) || "RollingUpdate";
  const strategyPath = specPath.child("updateStrategy");
  if (strategyType === "OnDelete") {
    if (isObject(strategy.rollingUpdate)) {
      errs.push(invalid(strategyPath.child("rollingUpdate"), strategy.rollingUpdate, "only allowed for updateStrategy 'RollingUpdate'"));
    }
  } else if (strategyType === "RollingUpdate") {
    if (isObject(strategy.rollingUpdate)) {
      const rolling = strategy.rollingUpdate;
      const at = strategyPath.child("rollingUpdate");
      validateNonnegative(rolling.partition, at.child("partition"), errs);
      if (rolling.maxUnavailable !== undefined && rolling.maxUnavailable !== null) {
        errs.push(...validateIntOrPercent(rolling.maxUnavailable, at.child("maxUnavailable")));
        if (intOrPercentValue(rolling.maxUnavailable) === 0) errs.push(invalid(at.child("maxUnavailable"), goIntOrString(rolling.maxUnavailable), "cannot be 0"));
        errs.push(...notMoreThan100Percent(rolling.maxUnavailable, at.child("maxUnavailable")));
      }
    }
  } else {
    errs.push(invalid(strategyPath, strategy, "must be 'RollingUpdate' or 'OnDelete'"));
  }
  const retention = obj(spec.persistentVolumeClaimRetentionPolicy);
  for (const field of ["whenDeleted", "whenScaled"]) {
    const value = str(retention[field]);
    if (value !== undefined && !retentionPolicyTypes.includes(value)) {
      errs.push(notSupported(specPath.child("persistentVolumeClaimRetentionPolicy", field), value, retentionPolicyTypes));
    }
  }
  if (!onUpdate) {
    list(spec.volumeClaimTemplates).forEach((c, i) => errs.push(...validatePersistentVolumeClaimSpec(obj(c).spec, specPath.child("volumeClaimTemplates").index(i).child("spec"))));
  }
  validateNonnegative(spec.replicas, specPath.child("replicas"), errs);
  validateNonnegative(spec.minReadySeconds, specPath.child("minReadySeconds"), errs);
  if (isObject(spec.ordinals)) validateNonnegative(spec.ordinals.start, specPath.child("ordinals.start"), errs);
  const serviceName = text(spec.serviceName);
  if (!onUpdate && serviceName !== "") errs.push(...isDNS1123Label(serviceName).map((m) => invalid(specPath.child("serviceName"), serviceName, m)));
  const selector = validateWorkloadSelector(spec.selector, "statefulset", errs);
  const templatePath = specPath.child("template");
  if (selector === undefined) {
    errs.push(invalid(specPath.child("selector"), goLabelSelector(spec.selector), ""));
  } else {
    const template = templateWithClaimVolumes(spec);
    errs.push(...validateTemplateLabels(selector, template, templatePath, true));
    errs.push(...validatePodTemplateSpec(template, templatePath));
  }
  validateRestartAlways(obj(spec.template), templatePath, "StatefulSet", errs);
  return errs;
}

export function validateStatefulSet(statefulSet: JsonObject): FieldError[] {
  return [
    ...validateObjectMeta(statefulSet.metadata, { namespaced: true, nameValidator: nameIsDNSLabel }),
    ...validateStatefulSetSpec(statefulSet.spec, false),
  ];
}

// Fields of a StatefulSet spec that an update may change.
const statefulSetMutable = ["replicas", "ordinals", "template", "updateStrategy", "revisionHistoryLimit", "persistentVolumeClaimRetentionPolicy", "minReadySeconds"];

export function validateStatefulSetUpdate(statefulSet: JsonObject, old: JsonObject): FieldError[] {
  const errs = [...validateObjectMetaUpdate(statefulSet.metadata, old.metadata), ...validateStatefulSetSpec(statefulSet.spec, true)];
  const next = { ...obj(statefulSet.spec) };
  const prev = { ...obj(old.spec) };
  for (const field of statefulSetMutable) {
    delete next[field];
    delete prev[field];
  }
  if (!jsonEqual(next, prev)) {
    errs.push(
      forbidden(
        specPath,
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ),
    );
  }
  return errs;
}

function validateDaemonSetSpec(specValue: unknown): FieldError[] {
  const spec = obj(specValue);
  const errs = validateLabelSelector(spec.selector, specPath.child("selector"));
  const selector = toSelector(spec.selector);
  const template = obj(spec.template);
  const templatePath = specPath.child("template");
  if (selector !== undefined) errs.push(...validateTemplateLabels(selector, template, templatePath, false));
  if (isObject(spec.selector) && Object.keys(obj(spec.selector.matchLabels)).length + list(spec.selector.matchExpressions).length === 0) {
    errs.push(invalid(specPath.child("selector"), goLabelSelector(spec.selector), "empty selector is invalid for daemonset"));
  }
  errs.push(...validatePodTemplateSpec(template, templatePath));
  validateRestartAlways(template, templatePath, "DaemonSet", errs);
  validateNonnegative(spec.minReadySeconds, specPath.child("minReadySeconds"), errs);
  validateNonnegative(spec.templateGeneration, specPath.child("templateGeneration"), errs);
  const strategy = obj(spec.updateStrategy);
  const strategyPath = specPath.child("updateStrategy");
  const type = text(strategy.type) || "RollingUpdate";
  if (type === "RollingUpdate") {
    if (isObject(strategy.rollingUpdate)) {
      const rolling = strategy.rollingUpdate;
      const at = strategyPath.child("rollingUpdate");
      errs.push(...validateIntOrPercent(rolling.maxUnavailable, at.child("maxUnavailable")));
      errs.push(...validateIntOrPercent(rolling.maxSurge, at.child("maxSurge")));
      errs.push(...notMoreThan100Percent(rolling.maxUnavailable, at.child("maxUnavailable")));
      errs.push(...notMoreThan100Percent(rolling.maxSurge, at.child("maxSurge")));
      const unavailable = rolling.maxUnavailable ?? 1;
      const surge = rolling.maxSurge ?? 0;
      const hasUnavailable = intOrPercentValue(unavailable) !== 0;
      const hasSurge = intOrPercentValue(surge) !== 0;
      if (hasUnavailable && hasSurge) errs.push(invalid(at.child("maxSurge"), goIntOrString(surge), "may not be set when maxUnavailable is non-zero"));
      if (!hasUnavailable && !hasSurge) errs.push(required(at.child("maxUnavailable"), "cannot be 0 when maxSurge is 0"));
    }
  } else if (type !== "OnDelete") {
    errs.push(notSupported(strategyPath, strategy, ["RollingUpdate", "OnDelete"]));
  }
  validateNonnegative(spec.revisionHistoryLimit, specPath.child("revisionHistoryLimit"), errs);
  return errs;
}

export function validateDaemonSet(daemonSet: JsonObject): FieldError[] {
  return [...validateObjectMeta(daemonSet.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain }), ...validateDaemonSetSpec(daemonSet.spec)];
}

export function validateDaemonSetUpdate(daemonSet: JsonObject, old: JsonObject): FieldError[] {
  const spec = obj(daemonSet.spec);
  const oldSpec = obj(old.spec);
  const errs = validateObjectMetaUpdate(daemonSet.metadata, old.metadata);
  const generation = typeof spec.templateGeneration === "number" ? spec.templateGeneration : 0;
  const oldGeneration = typeof oldSpec.templateGeneration === "number" ? oldSpec.templateGeneration : 0;
  // templateGeneration is the deprecated extensions/v1beta1 counter; apps/v1 clients leave it alone.
  if (spec.templateGeneration !== undefined && generation < oldGeneration) {
    errs.push(invalid(specPath.child("templateGeneration"), generation, "must not be decremented"));
  }
  errs.push(...selectorImmutable(spec, oldSpec));
  errs.push(...validateDaemonSetSpec(spec));
  return errs;
}

function validateReplicationControllerSpec(specValue: unknown): FieldError[] {
  const spec = obj(specValue);
  const errs: FieldError[] = [];
  validateNonnegative(spec.minReadySeconds, specPath.child("minReadySeconds"), errs);
  const selector = obj(spec.selector);
  if (Object.keys(selector).length === 0) errs.push(required(specPath.child("selector")));
  validateNonnegative(spec.replicas, specPath.child("replicas"), errs);
  const templatePath = specPath.child("template");
  if (!isObject(spec.template)) {
    errs.push(required(templatePath));
    return errs;
  }
  const template = spec.template;
  const labels = obj(obj(template.metadata).labels);
  if (Object.keys(selector).length > 0 && Object.entries(selector).some(([k, v]) => labels[k] !== v)) {
    errs.push(invalid(templatePath.child("metadata", "labels"), goStringMap(obj(template.metadata).labels), templateMismatch));
  }
  errs.push(...validatePodTemplateSpec(template, templatePath));
  validateRestartAlways(template, templatePath, "ReplicationController", errs);
  return errs;
}

export function validateReplicationController(controller: JsonObject): FieldError[] {
  return [
    ...validateObjectMeta(controller.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain }),
    ...validateReplicationControllerSpec(controller.spec),
  ];
}

export function validateReplicationControllerUpdate(controller: JsonObject, old: JsonObject): FieldError[] {
  return [...validateObjectMetaUpdate(controller.metadata, old.metadata), ...validateReplicationControllerSpec(controller.spec)];
}
