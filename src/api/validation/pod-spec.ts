// PodSpec and PodTemplateSpec, shared by pods and every workload template.
// Upstream validates after defaulting; fields it always defaults
// (restartPolicy, dnsPolicy, terminationGracePeriodSeconds, ...) are only
// checked here when set, and read with their default when absent.
import {
  validateContainers,
  validateEphemeralContainers,
  validateIDs,
  validateInitContainers,
  validateSeccompProfile,
  type PodContext,
} from "./containers.ts";
import { duplicate, forbidden, invalid, notSupported, required, type FieldError, type FieldPath } from "./field-error.ts";
import { isValidIP } from "./ip.ts";
import { integer, isObject, list, obj, str, text, type JsonObject } from "./json.ts";
import { validateLabelName, validateLabelSelector, validateLabels } from "./label-selector.ts";
import {
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidGroupID,
  isValidLabelValue,
  inclusiveRangeError,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
} from "./names.ts";
import { validateAnnotations } from "./object-meta.ts";
import { validateResourceRequirements } from "./resources.ts";
import { validateVolumes } from "./volumes.ts";

export const restartPolicies = ["Always", "OnFailure", "Never"];
const dnsPolicies = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];
const preemptionPolicies = ["PreemptLowerPriority", "Never"];
const tolerationOperators = ["Equal", "Exists"];
const taintEffects = ["NoSchedule", "PreferNoSchedule", "NoExecute"];
const unsatisfiableActions = ["DoNotSchedule", "ScheduleAnyway"];
const nodeInclusionPolicies = ["Honor", "Ignore"];
const fsGroupChangePolicies = ["Always", "OnRootMismatch"];
const operatingSystems = ["linux", "windows"];
const maxInt32 = 2147483647;
const mirrorPodAnnotation = "kubernetes.io/config.mirror";
const podDeletionCostAnnotation = "controller.kubernetes.io/pod-deletion-cost";
const defaultGracePeriod = 30;

export interface PodSpecOptions {
  /** The pod's name, used to check the claims of ephemeral volumes; "" for templates. */
  podName: string;
}

export function validateTolerations(tolerations: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  list(tolerations).forEach((raw, i) => {
    const t = obj(raw);
    const at = path.index(i);
    const key = text(t.key);
    const operator = text(t.operator);
    const effect = text(t.effect);
    if (key !== "") errs.push(...validateLabelName(key, at.child("key")));
    if (key === "" && operator !== "Exists") {
      errs.push(invalid(at.child("operator"), operator, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && effect !== "NoExecute") {
      errs.push(invalid(at.child("effect"), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    switch (operator) {
      case "Equal":
      case "": {
        const problems = isValidLabelValue(text(t.value));
        if (problems.length > 0) errs.push(invalid(at.child("operator"), text(t.value), problems.join(";")));
        break;
      }
      case "Exists":
        if (text(t.value) !== "") errs.push(invalid(at.child("operator"), text(t.value), "value must be empty when `operator` is 'Exists'"));
        break;
      default:
        errs.push(notSupported(at.child("operator"), operator, tolerationOperators));
    }
    if (effect !== "" && !taintEffects.includes(effect)) errs.push(notSupported(at.child("effect"), effect, taintEffects));
  });
  return errs;
}

export function validateNodeSelectorRequirement(req: JsonObject, path: FieldPath, allowInvalidValues: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const values = list(req.values).map(text);
  switch (req.operator) {
    case "In":
    case "NotIn":
      if (values.length === 0) errs.push(required(path.child("values"), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case "Exists":
    case "DoesNotExist":
      if (values.length > 0) errs.push(forbidden(path.child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case "Gt":
    case "Lt":
      if (values.length !== 1) errs.push(required(path.child("values"), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      errs.push(invalid(path.child("operator"), req.operator ?? "", "not a valid selector operator"));
  }
  errs.push(...validateLabelName(text(req.key), path.child("key")));
  if (!allowInvalidValues) {
    values.forEach((v, i) => errs.push(...isValidLabelValue(v).map((m) => invalid(path.child("values").index(i), v, m))));
  }
  return errs;
}

function validateNodeFieldSelectorRequirement(req: JsonObject, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const values = list(req.values).map(text);
  if (req.operator === "In" || req.operator === "NotIn") {
    if (values.length !== 1) errs.push(required(path.child("values"), "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
  } else {
    errs.push(invalid(path.child("operator"), req.operator ?? "", "not a valid selector operator"));
  }
  if (text(req.key) !== "metadata.name") {
    errs.push(invalid(path.child("key"), text(req.key), "not a valid field selector key"));
  } else {
    values.forEach((v, i) => errs.push(...nameIsDNSSubdomain(v, false).map((m) => invalid(path.child("values").index(i), v, m))));
  }
  return errs;
}

export function validateNodeSelectorTerm(term: JsonObject, path: FieldPath, allowInvalidValues: boolean): FieldError[] {
  return [
    ...list(term.matchExpressions).flatMap((r, j) => validateNodeSelectorRequirement(obj(r), path.child("matchExpressions").index(j), allowInvalidValues)),
    ...list(term.matchFields).flatMap((r, j) => validateNodeFieldSelectorRequirement(obj(r), path.child("matchFields").index(j))),
  ];
}

export function validateNodeSelector(selector: JsonObject, path: FieldPath): FieldError[] {
  const termsPath = path.child("nodeSelectorTerms");
  const terms = list(selector.nodeSelectorTerms);
  if (terms.length === 0) return [required(termsPath, "must have at least one node selector term")];
  return terms.flatMap((t, i) => validateNodeSelectorTerm(obj(t), termsPath.index(i), false));
}

function validateWeight(value: unknown, path: FieldPath, errs: FieldError[]): void {
  const weight = integer(value, path, errs) ?? 0;
  if (weight <= 0 || weight > 100) errs.push(invalid(path, weight, "must be in the range 1-100"));
}

function validatePodAffinityTerm(term: JsonObject, path: FieldPath): FieldError[] {
  const errs = [
    ...validateLabelSelector(term.labelSelector, path.child("labelSelector")),
    ...validateLabelSelector(term.namespaceSelector, path.child("namespaceSelector")),
  ];
  for (const ns of list(term.namespaces).map(text)) errs.push(...nameIsDNSLabel(ns, false).map((m) => invalid(path.child("namespace"), ns, m)));
  for (const field of ["matchLabelKeys", "mismatchLabelKeys"]) {
    const keys = list(term[field]).map(text);
    if (keys.length === 0) continue;
    if (!isObject(term.labelSelector)) errs.push(forbidden(path.child(field), "must not be specified when labelSelector is not set"));
    else keys.forEach((k, i) => errs.push(...validateLabelName(k, path.child(field).index(i))));
  }
  const topologyKey = text(term.topologyKey);
  if (topologyKey === "") errs.push(required(path.child("topologyKey"), "can not be empty"));
  errs.push(...validateLabelName(topologyKey, path.child("topologyKey")));
  return errs;
}

function validatePodAffinityRules(affinity: JsonObject, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const requiredPath = path.child("requiredDuringSchedulingIgnoredDuringExecution");
  list(affinity.requiredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => errs.push(...validatePodAffinityTerm(obj(t), requiredPath.index(i))));
  const preferredPath = path.child("preferredDuringSchedulingIgnoredDuringExecution");
  list(affinity.preferredDuringSchedulingIgnoredDuringExecution).forEach((raw, i) => {
    const weighted = obj(raw);
    validateWeight(weighted.weight, preferredPath.index(i).child("weight"), errs);
    errs.push(...validatePodAffinityTerm(obj(weighted.podAffinityTerm), preferredPath.index(i).child("podAffinityTerm")));
  });
  return errs;
}

function validateAffinity(affinityValue: unknown, path: FieldPath): FieldError[] {
  if (!isObject(affinityValue)) return [];
  const errs: FieldError[] = [];
  const nodeAffinity = affinityValue.nodeAffinity;
  if (isObject(nodeAffinity)) {
    const at = path.child("nodeAffinity");
    if (isObject(nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution)) {
      errs.push(...validateNodeSelector(nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution, at.child("requiredDuringSchedulingIgnoredDuringExecution")));
    }
    const preferredPath = at.child("preferredDuringSchedulingIgnoredDuringExecution");
    list(nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution).forEach((raw, i) => {
      const term = obj(raw);
      validateWeight(term.weight, preferredPath.index(i).child("weight"), errs);
      errs.push(...validateNodeSelectorTerm(obj(term.preference), preferredPath.index(i).child("preference"), true));
    });
  }
  for (const kind of ["podAffinity", "podAntiAffinity"] as const) {
    const rules = affinityValue[kind];
    if (isObject(rules)) errs.push(...validatePodAffinityRules(rules, path.child(kind)));
  }
  return errs;
}

function validateDNSConfig(configValue: unknown, dnsPolicy: string, path: FieldPath): FieldError[] {
  if (dnsPolicy === "None") {
    if (!isObject(configValue)) return [required(path, "must provide `dnsConfig` when `dnsPolicy` is None")];
    if (list(configValue.nameservers).length === 0) {
      return [required(path.child("nameservers"), "must provide at least one DNS nameserver when `dnsPolicy` is None")];
    }
  }
  if (!isObject(configValue)) return [];
  const errs: FieldError[] = [];
  const nameservers = list(configValue.nameservers).map(text);
  if (nameservers.length > 3) errs.push(invalid(path.child("nameservers"), nameservers, "must not have more than 3 nameservers"));
  nameservers.forEach((ns, i) => errs.push(...isValidIP(path.child("nameservers").index(i), ns)));
  const searches = list(configValue.searches).map(text);
  if (searches.length > 32) errs.push(invalid(path.child("searches"), searches, "must not have more than 32 search paths"));
  if (searches.join(" ").length > 2048) {
    errs.push(invalid(path.child("searches"), searches, "must not have more than 2048 characters (including spaces) in the search list"));
  }
  searches.forEach((search, i) => {
    const trimmed = search.endsWith(".") ? search.slice(0, -1) : search;
    errs.push(...isDNS1123Subdomain(trimmed).map((m) => invalid(path.child("searches").index(i), trimmed, m)));
  });
  list(configValue.options).forEach((o, i) => {
    if (text(obj(o).name) === "") errs.push(required(path.child("options").index(i), "must not be empty"));
  });
  return errs;
}

function validateTopologySpreadConstraints(constraintsValue: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const constraints = list(constraintsValue).map(obj);
  constraints.forEach((c, i) => {
    const at = path.index(i);
    const maxSkew = integer(c.maxSkew, at.child("maxSkew"), errs) ?? 0;
    if (maxSkew <= 0) errs.push(invalid(at.child("maxSkew"), maxSkew, "must be greater than zero"));
    const topologyKey = text(c.topologyKey);
    if (topologyKey === "") errs.push(required(at.child("topologyKey"), "can not be empty"));
    const action = text(c.whenUnsatisfiable);
    if (!unsatisfiableActions.includes(action)) errs.push(notSupported(at.child("whenUnsatisfiable"), action, unsatisfiableActions));
    if (constraints.slice(i + 1).some((o) => text(o.topologyKey) === topologyKey && text(o.whenUnsatisfiable) === action)) {
      errs.push(duplicate(at.child("{topologyKey, whenUnsatisfiable}"), `{${topologyKey}, ${action}}`));
    }
    const minDomains = integer(c.minDomains, at.child("minDomains"), errs);
    if (minDomains !== undefined) {
      if (minDomains <= 0) errs.push(invalid(at.child("minDomains"), minDomains, "must be greater than zero"));
      if (action !== "DoNotSchedule") {
        errs.push(invalid(at.child("minDomains"), minDomains, `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${action}`));
      }
    }
    for (const field of ["nodeAffinityPolicy", "nodeTaintsPolicy"]) {
      const policy = str(c[field]);
      if (policy !== undefined && !nodeInclusionPolicies.includes(policy)) errs.push(notSupported(at.child(field), policy, nodeInclusionPolicies));
    }
    const matchLabelKeys = list(c.matchLabelKeys).map(text);
    if (matchLabelKeys.length > 0) {
      const selector = obj(c.labelSelector);
      const selectorKeys = new Set([...Object.keys(obj(selector.matchLabels)), ...list(selector.matchExpressions).map((e) => text(obj(e).key))]);
      if (!isObject(c.labelSelector)) errs.push(forbidden(at.child("matchLabelKeys"), "must not be specified when labelSelector is not set"));
      matchLabelKeys.forEach((k, j) => {
        errs.push(...validateLabelName(k, at.child("matchLabelKeys").index(j)));
        if (selectorKeys.has(k)) errs.push(invalid(at.child("matchLabelKeys").index(j), k, "exists in both matchLabelKeys and labelSelector"));
      });
    }
    errs.push(...validateLabelSelector(c.labelSelector, at.child("labelSelector")));
  });
  return errs;
}

function validatePodSecurityContext(spec: JsonObject, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!isObject(spec.securityContext)) return errs;
  const sc = spec.securityContext;
  const fsGroup = integer(sc.fsGroup, path.child("fsGroup"), errs);
  if (fsGroup !== undefined) errs.push(...isValidGroupID(fsGroup).map((m) => invalid(path.child("fsGroup"), fsGroup, m)));
  validateIDs(sc, path, errs);
  list(sc.supplementalGroups).forEach((g, i) => {
    const gid = integer(g, path.child("supplementalGroups").index(i), errs);
    if (gid !== undefined) errs.push(...isValidGroupID(gid).map((m) => invalid(path.child("supplementalGroups").index(i), gid, m)));
  });
  if (sc.shareProcessNamespace === true && spec.hostPID === true) {
    errs.push(invalid(path.child("shareProcessNamespace"), true, "ShareProcessNamespace and HostPID cannot both be enabled"));
  }
  const seen = new Set<string>();
  list(sc.sysctls).forEach((raw, i) => {
    const name = text(obj(raw).name);
    const at = path.child("sysctls").index(i).child("name");
    if (name === "") errs.push(required(at));
    else if (name.length > 253 || !/^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$/.test(name)) {
      errs.push(invalid(at, name, "must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$"));
    } else if (seen.has(name)) errs.push(duplicate(at, name));
    seen.add(name);
  });
  const changePolicy = str(sc.fsGroupChangePolicy);
  if (changePolicy !== undefined && !fsGroupChangePolicies.includes(changePolicy)) {
    errs.push(notSupported(path.child("fsGroupChangePolicy"), changePolicy, fsGroupChangePolicies));
  }
  errs.push(...validateSeccompProfile(sc.seccompProfile, path.child("seccompProfile")));
  return errs;
}

function validateOS(spec: JsonObject, specPath: FieldPath): FieldError[] {
  if (!isObject(spec.os)) return [];
  const path = specPath.child("os");
  const name = text(spec.os.name);
  if (name === "") return [required(path.child("name"), "cannot be empty")];
  if (!operatingSystems.includes(name)) return [notSupported(path, name, operatingSystems)];
  const errs: FieldError[] = [];
  const containers = [...list(spec.containers), ...list(spec.initContainers), ...list(spec.ephemeralContainers)].map(obj);
  if (name === "linux") {
    if (isObject(obj(spec.securityContext).windowsOptions)) {
      errs.push(forbidden(specPath.child("securityContext", "windowsOptions"), "windows options cannot be set for a linux pod"));
    }
    containers.forEach((c) => {
      if (isObject(obj(c.securityContext).windowsOptions)) {
        errs.push(forbidden(containerPath(spec, c, specPath).child("securityContext", "windowsOptions"), "windows options cannot be set for a linux pod"));
      }
    });
  }
  return errs;
}

function containerPath(spec: JsonObject, container: JsonObject, specPath: FieldPath): FieldPath {
  for (const field of ["initContainers", "containers", "ephemeralContainers"]) {
    const index = list(spec[field]).indexOf(container);
    if (index >= 0) return specPath.child(field).index(index);
  }
  return specPath;
}

/** Annotations with a meaning for pods. */
export function validatePodSpecificAnnotations(annotations: unknown, spec: JsonObject, path: FieldPath): FieldError[] {
  const a = obj(annotations);
  const errs: FieldError[] = [];
  const mirror = str(a[mirrorPodAnnotation]);
  if (mirror !== undefined && text(spec.nodeName) === "") {
    errs.push(invalid(path.key(mirrorPodAnnotation), mirror, "must set spec.nodeName if mirror pod annotation is set"));
  }
  const cost = str(a[podDeletionCostAnnotation]);
  if (cost !== undefined && !isInt32Text(cost)) errs.push(invalid(path.key(podDeletionCostAnnotation), cost, "must be a 32bit integer"));
  return errs;
}

function isInt32Text(value: string): boolean {
  if (!/^[+-]?[0-9]+$/.test(value)) return false;
  const n = Number(value);
  return n >= -2147483648 && n <= maxInt32;
}

export function validatePodSpec(specValue: unknown, path: FieldPath, opts: PodSpecOptions): FieldError[] {
  const spec = obj(specValue);
  const errs: FieldError[] = [];
  const gracePeriod = integer(spec.terminationGracePeriodSeconds, path.child("terminationGracePeriodSeconds"), errs) ?? defaultGracePeriod;
  const hostUsers = spec.hostUsers !== false;
  const { declared, errs: volumeErrs } = validateVolumes(spec.volumes, path.child("volumes"), opts.podName);
  errs.push(...volumeErrs);
  const restartPolicy = text(spec.restartPolicy) || "Always";
  const pod: PodContext = { volumes: declared, gracePeriod, restartPolicy };
  errs.push(...validateContainers(spec.containers, pod, hostUsers, path.child("containers")));
  errs.push(...validateInitContainers(spec.initContainers, spec.containers, pod, hostUsers, path.child("initContainers")));
  errs.push(...validateEphemeralContainers(spec.ephemeralContainers, spec, pod, hostUsers, path.child("ephemeralContainers")));
  if (spec.hostNetwork === true) {
    list(spec.containers).forEach((c, i) => {
      list(obj(c).ports).forEach((raw, j) => {
        const port = obj(raw);
        const hostPort = typeof port.hostPort === "number" ? port.hostPort : 0;
        if (hostPort !== 0 && hostPort !== port.containerPort) {
          errs.push(invalid(path.child("containers").index(i).child("ports").index(j).child("hostPort"), hostPort, "must match `containerPort` when `hostNetwork` is true"));
        }
      });
    });
  }
  const declaredRestart = text(spec.restartPolicy);
  if (declaredRestart !== "" && !restartPolicies.includes(declaredRestart)) errs.push(notSupported(path.child("restartPolicy"), declaredRestart, restartPolicies));
  const dnsPolicy = text(spec.dnsPolicy);
  if (dnsPolicy !== "" && !dnsPolicies.includes(dnsPolicy)) errs.push(notSupported(path.child("dnsPolicy"), dnsPolicy, dnsPolicies));
  errs.push(...validateLabels(spec.nodeSelector, path.child("nodeSelector")));
  errs.push(...validatePodSecurityContext(spec, path.child("securityContext")));
  list(spec.imagePullSecrets).forEach((raw, i) => {
    const ref = obj(raw);
    if (Object.keys(ref).some((k) => k !== "name" && ref[k] !== undefined)) errs.push(invalid(path.child("imagePullSecrets").index(i), ref, "only name may be set"));
  });
  errs.push(...validateAffinity(spec.affinity, path.child("affinity")));
  errs.push(...validateDNSConfig(spec.dnsConfig, dnsPolicy, path.child("dnsConfig")));
  list(spec.readinessGates).forEach((g, i) => {
    const condition = text(obj(g).conditionType);
    errs.push(...isQualifiedName(condition).map((m) => invalid(path.child("readinessGates").index(i).child("conditionType"), condition, m)));
  });
  const gates = new Set<string>();
  list(spec.schedulingGates).forEach((g, i) => {
    const name = text(obj(g).name);
    errs.push(...isQualifiedName(name).map((m) => invalid(path.child("schedulingGates").index(i), name, m)));
    if (gates.has(name)) errs.push(duplicate(path.child("schedulingGates").index(i), name));
    gates.add(name);
  });
  errs.push(...validateTopologySpreadConstraints(spec.topologySpreadConstraints, path.child("topologySpreadConstraints")));
  if (!hostUsers) {
    if (spec.hostNetwork === true) errs.push(forbidden(path.child("hostNetwork"), "when `pod.Spec.HostUsers` is false"));
    if (spec.hostPID === true) errs.push(forbidden(path.child("HostPID"), "when `pod.Spec.HostUsers` is false"));
    if (spec.hostIPC === true) errs.push(forbidden(path.child("HostIPC"), "when `pod.Spec.HostUsers` is false"));
  }
  for (const field of ["serviceAccountName", "nodeName", "priorityClassName"]) {
    const value = text(spec[field]);
    if (value !== "") errs.push(...nameIsDNSSubdomain(value, false).map((m) => invalid(path.child(field), value, m)));
  }
  const deadline = integer(spec.activeDeadlineSeconds, path.child("activeDeadlineSeconds"), errs);
  if (deadline !== undefined && (deadline < 1 || deadline > maxInt32)) {
    errs.push(invalid(path.child("activeDeadlineSeconds"), deadline, inclusiveRangeError(1, maxInt32)));
  }
  for (const field of ["hostname", "subdomain"]) {
    const value = text(spec[field]);
    if (value !== "") errs.push(...isDNS1123Label(value).map((m) => invalid(path.child(field), value, m)));
  }
  errs.push(...validateTolerations(spec.tolerations, path.child("tolerations")));
  list(spec.hostAliases).forEach((raw, i) => {
    const alias = obj(raw);
    const at = path.child("hostAliases").index(i);
    errs.push(...isValidIP(at.child("ip"), text(alias.ip)));
    list(alias.hostnames).forEach((h, j) => errs.push(...isDNS1123Subdomain(text(h)).map((m) => invalid(at.child("hostnames").index(j), text(h), m))));
  });
  const runtimeClass = str(spec.runtimeClassName);
  if (runtimeClass !== undefined) errs.push(...nameIsDNSSubdomain(runtimeClass, false).map((m) => invalid(path.child("runtimeClassName"), runtimeClass, m)));
  const preemption = str(spec.preemptionPolicy);
  if (preemption !== undefined) {
    if (preemption === "") errs.push(required(path.child("preemptionPolicy")));
    else if (!preemptionPolicies.includes(preemption)) errs.push(notSupported(path.child("preemptionPolicy"), preemption, preemptionPolicies));
  }
  if (isObject(spec.overhead)) errs.push(...validateResourceRequirements({ limits: spec.overhead }, path.child("overhead")));
  errs.push(...validateOS(spec, path));
  return errs;
}

export function validatePodTemplateSpec(templateValue: unknown, path: FieldPath): FieldError[] {
  const template = obj(templateValue);
  const meta = obj(template.metadata);
  const spec = obj(template.spec);
  const errs = [
    ...validateLabels(meta.labels, path.child("labels")),
    ...validateAnnotations(meta.annotations, path.child("annotations")),
    ...validatePodSpecificAnnotations(meta.annotations, spec, path.child("annotations")),
    ...validatePodSpec(spec, path.child("spec"), { podName: "" }),
  ];
  if (list(spec.ephemeralContainers).length > 0) {
    errs.push(forbidden(path.child("spec", "ephemeralContainers"), "ephemeral containers not allowed in pod template"));
  }
  return errs;
}
