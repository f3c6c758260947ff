// Defaults of pods and of the pod templates every workload embeds.
//
// Upstream splits these in two, and clients can see the split: defaults of
// the pod spec (restart and DNS policy, grace period, scheduler, containers,
// volumes, probes) land in every template, while a few (enableServiceLinks,
// requests copied from limits, host ports under hostNetwork) land only in
// Pod objects, so that adding one never changes existing workload templates.
import { defaultImagePullPolicy } from "./image-reference.ts";
import { ensureObject, fillEmpty, fillUnset, isEmpty, objectAt, objectsAt } from "./fields.ts";
import type { JsonObject } from "./fields.ts";
import { defaultObjectFieldSelector, defaultVolume } from "./volume-sources.ts";

const TERMINATION_GRACE_PERIOD_SECONDS = 30;
const CONTAINER_LISTS = ["initContainers", "containers", "ephemeralContainers"] as const;
const PROBES = ["livenessProbe", "readinessProbe", "startupProbe"] as const;

/** The handler part of a probe or lifecycle hook. */
function defaultHandler(handler: JsonObject): void {
  const httpGet = objectAt(handler, "httpGet");
  if (httpGet) {
    fillEmpty(httpGet, "path", "/");
    fillEmpty(httpGet, "scheme", "HTTP");
  }
  const grpc = objectAt(handler, "grpc");
  if (grpc) fillUnset(grpc, "service", "");
}

function defaultProbe(probe: JsonObject): void {
  fillEmpty(probe, "timeoutSeconds", 1);
  fillEmpty(probe, "periodSeconds", 10);
  fillEmpty(probe, "successThreshold", 1);
  fillEmpty(probe, "failureThreshold", 3);
  defaultHandler(probe);
}

function defaultContainer(container: JsonObject): void {
  if (isEmpty(container.imagePullPolicy)) {
    container.imagePullPolicy = defaultImagePullPolicy(typeof container.image === "string" ? container.image : "");
  }
  fillEmpty(container, "terminationMessagePath", "/dev/termination-log");
  fillEmpty(container, "terminationMessagePolicy", "File");
  // A Go struct field: always serialised, so clients always see it.
  ensureObject(container, "resources");
  for (const port of objectsAt(container, "ports")) fillEmpty(port, "protocol", "TCP");
  for (const env of objectsAt(container, "env")) {
    const valueFrom = objectAt(env, "valueFrom");
    if (valueFrom) defaultObjectFieldSelector(valueFrom);
  }
  for (const name of PROBES) {
    const probe = objectAt(container, name);
    if (probe) defaultProbe(probe);
  }
  const lifecycle = objectAt(container, "lifecycle");
  for (const hook of ["postStart", "preStop"]) {
    const handler = lifecycle && objectAt(lifecycle, hook);
    if (handler) defaultHandler(handler);
  }
}

/** Defaults every pod spec gets, in Pods and in templates alike. */
export function defaultPodSpec(spec: JsonObject): void {
  fillEmpty(spec, "dnsPolicy", "ClusterFirst");
  fillEmpty(spec, "restartPolicy", "Always");
  fillUnset(spec, "securityContext", {});
  fillUnset(spec, "terminationGracePeriodSeconds", TERMINATION_GRACE_PERIOD_SECONDS);
  fillEmpty(spec, "schedulerName", "default-scheduler");
  for (const list of CONTAINER_LISTS) {
    for (const container of objectsAt(spec, list)) defaultContainer(container);
  }
  for (const volume of objectsAt(spec, "volumes")) defaultVolume(volume);
}

/** A PodTemplateSpec as embedded in workloads; its spec always exists. */
export function defaultPodTemplateSpec(template: JsonObject): void {
  const spec = ensureObject(template, "spec");
  if (spec) defaultPodSpec(spec);
}

/** Requests a container leaves out are taken from its limits. */
function copyLimitsToRequests(container: JsonObject): void {
  const resources = objectAt(container, "resources");
  const limits = resources && objectAt(resources, "limits");
  if (!resources || !limits || Object.keys(limits).length === 0) return;
  const requests = ensureObject(resources, "requests");
  if (!requests) return;
  for (const [name, quantity] of Object.entries(limits)) {
    if (!(name in requests)) requests[name] = quantity;
  }
}

/** Under host networking a port's hostPort defaults to its containerPort. */
function copyContainerPortsToHostPorts(container: JsonObject): void {
  for (const port of objectsAt(container, "ports")) {
    if (isEmpty(port.hostPort) && typeof port.containerPort === "number") port.hostPort = port.containerPort;
  }
}

/** A Pod object: the spec defaults plus those only Pods get. */
export function defaultPod(pod: JsonObject): void {
  const spec = ensureObject(pod, "spec");
  if (!spec) return;
  for (const list of ["containers", "initContainers"]) {
    for (const container of objectsAt(spec, list)) {
      copyLimitsToRequests(container);
      if (spec.hostNetwork === true) copyContainerPortsToHostPorts(container);
    }
  }
  fillUnset(spec, "enableServiceLinks", true);
  defaultPodSpec(spec);
}

/** A PodTemplate object (core/v1), whose template always exists. */
export function defaultPodTemplate(podTemplate: JsonObject): void {
  const template = ensureObject(podTemplate, "template");
  if (template) defaultPodTemplateSpec(template);
}
