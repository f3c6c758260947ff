// Defaults of apps/v1 workloads; their pod templates get the pod spec defaults.
import { ensureObject, fillEmpty, fillUnset, isEmpty, objectAt, objectsAt } from "./fields.ts";
import type { Defaulter, JsonObject } from "./fields.ts";
import { defaultPersistentVolumeClaim } from "./core.ts";
import { defaultPodTemplateSpec } from "./pod-spec.ts";

const REVISION_HISTORY_LIMIT = 10;
const PROGRESS_DEADLINE_SECONDS = 600;

function defaultTemplateOf(spec: JsonObject): void {
  const template = ensureObject(spec, "template");
  if (template) defaultPodTemplateSpec(template);
}

function defaultDeployment(deployment: JsonObject): void {
  const spec = ensureObject(deployment, "spec");
  if (!spec) return;
  fillUnset(spec, "replicas", 1);
  const strategy = ensureObject(spec, "strategy");
  if (strategy) {
    fillEmpty(strategy, "type", "RollingUpdate");
    const rollingUpdate = strategy.type === "RollingUpdate" ? ensureObject(strategy, "rollingUpdate") : undefined;
    if (rollingUpdate) {
      fillUnset(rollingUpdate, "maxUnavailable", "25%");
      fillUnset(rollingUpdate, "maxSurge", "25%");
    }
  }
  fillUnset(spec, "revisionHistoryLimit", REVISION_HISTORY_LIMIT);
  fillUnset(spec, "progressDeadlineSeconds", PROGRESS_DEADLINE_SECONDS);
  defaultTemplateOf(spec);
}

function defaultReplicaSet(replicaSet: JsonObject): void {
  const spec = ensureObject(replicaSet, "spec");
  if (!spec) return;
  fillUnset(spec, "replicas", 1);
  defaultTemplateOf(spec);
}

function defaultStatefulSet(statefulSet: JsonObject): void {
  const spec = ensureObject(statefulSet, "spec");
  if (!spec) return;
  fillEmpty(spec, "podManagementPolicy", "OrderedReady");
  const updateStrategy = ensureObject(spec, "updateStrategy");
  if (updateStrategy) {
    // Only a strategy that names no type gets a rollingUpdate block created;
    // an explicit RollingUpdate without one keeps none.
    if (isEmpty(updateStrategy.type)) {
      updateStrategy.type = "RollingUpdate";
      fillUnset(updateStrategy, "rollingUpdate", {});
    }
    const rollingUpdate = objectAt(updateStrategy, "rollingUpdate");
    if (updateStrategy.type === "RollingUpdate" && rollingUpdate) fillUnset(rollingUpdate, "partition", 0);
  }
  const retention = ensureObject(spec, "persistentVolumeClaimRetentionPolicy");
  if (retention) {
    fillEmpty(retention, "whenDeleted", "Retain");
    fillEmpty(retention, "whenScaled", "Retain");
  }
  fillUnset(spec, "replicas", 1);
  fillUnset(spec, "revisionHistoryLimit", REVISION_HISTORY_LIMIT);
  defaultTemplateOf(spec);
  for (const claim of objectsAt(spec, "volumeClaimTemplates")) defaultPersistentVolumeClaim(claim);
}

function defaultDaemonSet(daemonSet: JsonObject): void {
  const spec = ensureObject(daemonSet, "spec");
  if (!spec) return;
  const updateStrategy = ensureObject(spec, "updateStrategy");
  if (updateStrategy) {
    fillEmpty(updateStrategy, "type", "RollingUpdate");
    const rollingUpdate = updateStrategy.type === "RollingUpdate" ? ensureObject(updateStrategy, "rollingUpdate") : undefined;
    if (rollingUpdate) {
      fillUnset(rollingUpdate, "maxUnavailable", 1);
      fillUnset(rollingUpdate, "maxSurge", 0);
    }
  }
  fillUnset(spec, "revisionHistoryLimit", REVISION_HISTORY_LIMIT);
  defaultTemplateOf(spec);
}

export const appsV1Defaulters: Record<string, Defaulter> = {
  DaemonSet: defaultDaemonSet,
  Deployment: defaultDeployment,
  ReplicaSet: defaultReplicaSet,
  StatefulSet: defaultStatefulSet,
};
