// Defaults of the core group (v1) other than the pod spec's.
//
// Not here, because upstream sets them elsewhere:
// - Service spec.ipFamilyPolicy, spec.ipFamilies, spec.clusterIP(s): set when
//   the service registry allocates addresses (SingleStack and the cluster's
//   primary family on create; RequireDualStack for headless services without
//   a selector), not by defaulting; dry-run requests see them too.
// - Namespace spec.finalizers ["kubernetes"]: the namespace strategy adds it
//   on create only, because an owner may remove it later; status.phase Active
//   is both a default and the strategy's create-time value.
// - Pod spec.serviceAccountName and spec.priority: admission plugins.
import { ensureObject, fillEmpty, fillUnset, hasEntries, isEmpty, isObject, isUnset, objectAt, objectsAt } from "./fields.ts";
import type { Defaulter, JsonObject } from "./fields.ts";
import { defaultPod, defaultPodTemplate, defaultPodTemplateSpec } from "./pod-spec.ts";
import { defaultPersistentVolumeClaimSpec, defaultPersistentVolumeSource } from "./volume-sources.ts";

/** Seconds a ClientIP session sticks to one endpoint when not given: three hours. */
const CLIENT_IP_AFFINITY_SECONDS = 10800;
const METADATA_NAME_LABEL = "kubernetes.io/metadata.name";

/** Copies the entries of `source` whose names `target` lacks. */
function addMissing(target: JsonObject, source: unknown): void {
  for (const [name, quantity] of Object.entries(isObject(source) ? source : {})) {
    if (!(name in target)) target[name] = quantity;
  }
}

function isExternallyAccessible(spec: JsonObject): boolean {
  const externalIPs = spec.externalIPs;
  return (
    spec.type === "LoadBalancer" ||
    spec.type === "NodePort" ||
    (spec.type === "ClusterIP" && Array.isArray(externalIPs) && externalIPs.length > 0)
  );
}

function defaultService(service: JsonObject): void {
  const spec = ensureObject(service, "spec");
  if (!spec) return;
  fillEmpty(spec, "sessionAffinity", "None");
  if (spec.sessionAffinity === "None") delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === "ClientIP") {
    const clientIP = objectAt(objectAt(spec, "sessionAffinityConfig") ?? {}, "clientIP");
    if (!clientIP || isEmpty(clientIP.timeoutSeconds)) {
      spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: CLIENT_IP_AFFINITY_SECONDS } };
    }
  }
  fillEmpty(spec, "type", "ClusterIP");
  for (const port of objectsAt(spec, "ports")) {
    fillEmpty(port, "protocol", "TCP");
    if (isEmpty(port.targetPort) && typeof port.port === "number") port.targetPort = port.port;
  }
  if (isExternallyAccessible(spec)) fillEmpty(spec, "externalTrafficPolicy", "Cluster");
  if (spec.type === "ClusterIP" || spec.type === "NodePort" || spec.type === "LoadBalancer") {
    fillUnset(spec, "internalTrafficPolicy", "Cluster");
  }
  if (spec.type === "LoadBalancer") {
    fillUnset(spec, "allocateLoadBalancerNodePorts", true);
    const loadBalancer = objectAt(objectAt(service, "status") ?? {}, "loadBalancer");
    for (const ingress of loadBalancer ? objectsAt(loadBalancer, "ingress") : []) {
      if (!isEmpty(ingress.ip)) fillUnset(ingress, "ipMode", "VIP");
    }
  }
}

function defaultEndpoints(endpoints: JsonObject): void {
  for (const subset of objectsAt(endpoints, "subsets")) {
    for (const port of objectsAt(subset, "ports")) fillEmpty(port, "protocol", "TCP");
  }
}

/** Also folds stringData into data (base64, overriding equal keys) and drops it, as upstream's decoding does: readers see only data. */
function defaultSecret(secret: JsonObject): void {
  fillEmpty(secret, "type", "Opaque");
  const stringData = objectAt(secret, "stringData");
  // Non-string values are left for validation to reject.
  if (stringData === undefined || !Object.values(stringData).every((value) => typeof value === "string")) return;
  const data: JsonObject = { ...objectAt(secret, "data") };
  for (const [key, value] of Object.entries(stringData)) data[key] = Buffer.from(value as string, "utf8").toString("base64");
  secret.data = data;
  delete secret.stringData;
}

function defaultPersistentVolume(volume: JsonObject): void {
  const spec = ensureObject(volume, "spec");
  if (spec) {
    fillEmpty(spec, "persistentVolumeReclaimPolicy", "Retain");
    fillUnset(spec, "volumeMode", "Filesystem");
    defaultPersistentVolumeSource(spec);
  }
  const status = ensureObject(volume, "status");
  if (status) fillEmpty(status, "phase", "Pending");
}

/** Also the defaults of a StatefulSet's volumeClaimTemplates, status included. */
export function defaultPersistentVolumeClaim(claim: JsonObject): void {
  const spec = ensureObject(claim, "spec");
  if (spec) defaultPersistentVolumeClaimSpec(spec);
  const status = ensureObject(claim, "status");
  if (status) fillEmpty(status, "phase", "Pending");
}

function defaultNamespace(namespace: JsonObject): void {
  const metadata = objectAt(namespace, "metadata");
  // A namespace created with generateName has no name yet to label it with.
  if (metadata && typeof metadata.name === "string" && metadata.name !== "") {
    const labels = ensureObject(metadata, "labels");
    if (labels) labels[METADATA_NAME_LABEL] = metadata.name;
  }
  const status = ensureObject(namespace, "status");
  if (status) fillEmpty(status, "phase", "Active");
}

function defaultNode(node: JsonObject): void {
  const status = objectAt(node, "status");
  if (status && isObject(status.capacity)) fillUnset(status, "allocatable", status.capacity);
}

function defaultReplicationController(controller: JsonObject): void {
  const spec = ensureObject(controller, "spec");
  if (!spec) return;
  const template = objectAt(spec, "template");
  const templateLabels = objectAt(objectAt(template ?? {}, "metadata") ?? {}, "labels");
  if (templateLabels) {
    if (!hasEntries(spec.selector)) spec.selector = structuredClone(templateLabels);
    const metadata = ensureObject(controller, "metadata");
    if (metadata && !hasEntries(metadata.labels)) metadata.labels = structuredClone(templateLabels);
  }
  fillUnset(spec, "replicas", 1);
  if (template) defaultPodTemplateSpec(template);
}

/**
 * A Container limit's missing default limit comes from its max, a missing
 * default request from the default limit, else from its min.
 */
function defaultLimitRange(limitRange: JsonObject): void {
  const spec = objectAt(limitRange, "spec");
  for (const item of spec ? objectsAt(spec, "limits") : []) {
    if (item.type !== "Container") continue;
    if (!isUnset(item.default) && !isObject(item.default)) continue;
    if (!isUnset(item.defaultRequest) && !isObject(item.defaultRequest)) continue;
    const limits = isObject(item.default) ? item.default : {};
    const requests = isObject(item.defaultRequest) ? item.defaultRequest : {};
    addMissing(limits, item.max);
    addMissing(requests, limits);
    addMissing(requests, item.min);
    // Upstream creates empty maps here, but empty maps never reach the wire.
    if (Object.keys(limits).length > 0) item.default = limits;
    if (Object.keys(requests).length > 0) item.defaultRequest = requests;
  }
}

export const coreV1Defaulters: Record<string, Defaulter> = {
  Endpoints: defaultEndpoints,
  LimitRange: defaultLimitRange,
  Namespace: defaultNamespace,
  Node: defaultNode,
  PersistentVolume: defaultPersistentVolume,
  PersistentVolumeClaim: defaultPersistentVolumeClaim,
  Pod: defaultPod,
  PodTemplate: defaultPodTemplate,
  ReplicationController: defaultReplicationController,
  Secret: defaultSecret,
  Service: defaultService,
};
