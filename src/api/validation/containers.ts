// Containers of a pod spec (regular, init and ephemeral): names, images,
// ports, environment, mounts, resources, probes and lifecycle hooks.
// Fields that upstream always defaults before validating (pull policy,
// protocol, termination message policy, probe thresholds) are checked only
// when present: defaulting runs before validation here too.
import { duplicate, forbidden, invalid, notFound, notSupported, required, type FieldError, type FieldPath } from "./field-error.ts";
import { integer, isObject, list, obj, str, text, type JsonObject } from "./json.ts";
import {
  isConfigMapKey,
  isDNS1123Label,
  isEnvVarName,
  isHTTPHeaderName,
  isValidGroupID,
  isValidPortName,
  isValidPortNum,
  isValidUserID,
  nameIsDNSSubdomain,
} from "./names.ts";
import { validateNonnegative } from "./object-meta.ts";
import { validateResourceRequirements } from "./resources.ts";
import { envFieldPaths, validateObjectFieldSelector, validateResourceFieldSelector } from "./downward-api.ts";
import { validateLocalDescendingPath, validatePathNoBacksteps, type DeclaredVolumes } from "./volumes.ts";

export const protocols = ["SCTP", "TCP", "UDP"];
const pullPolicies = ["Always", "IfNotPresent", "Never"];
const terminationMessagePolicies = ["File", "FallbackToLogsOnError"];
const mountPropagations = ["Bidirectional", "HostToContainer", "None"];
const recursiveReadOnlyModes = ["Disabled", "Enabled", "IfPossible"];
const httpSchemes = ["HTTP", "HTTPS"];
const procMountTypes = ["Default", "Unmasked"];
const seccompProfileTypes = ["Localhost", "RuntimeDefault", "Unconfined"];
const resizeResources = ["cpu", "memory"];
const resizePolicies = ["NotRequired", "RestartContainer"];

/** Pod-level facts the containers are checked against. */
export interface PodContext {
  volumes: DeclaredVolumes;
  /** terminationGracePeriodSeconds, defaulted to 30 when absent. */
  gracePeriod: number;
  restartPolicy: string;
}

function validateContainerPorts(ports: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  list(ports).forEach((raw, i) => {
    const port = obj(raw);
    const at = path.index(i);
    const name = text(port.name);
    if (name !== "") {
      const msgs = isValidPortName(name);
      if (msgs.length > 0) errs.push(...msgs.map((m) => invalid(at.child("name"), name, m)));
      else if (names.has(name)) errs.push(duplicate(at.child("name"), name));
      else names.add(name);
    }
    const containerPort = integer(port.containerPort, at.child("containerPort"), errs) ?? 0;
    if (containerPort === 0) errs.push(required(at.child("containerPort")));
    else errs.push(...isValidPortNum(containerPort).map((m) => invalid(at.child("containerPort"), containerPort, m)));
    const hostPort = integer(port.hostPort, at.child("hostPort"), errs) ?? 0;
    if (hostPort !== 0) errs.push(...isValidPortNum(hostPort).map((m) => invalid(at.child("hostPort"), hostPort, m)));
    const protocol = str(port.protocol);
    if (protocol !== undefined && protocol !== "" && !protocols.includes(protocol)) {
      errs.push(notSupported(at.child("protocol"), protocol, protocols));
    }
  });
  return errs;
}

function validateEnvVarSource(envVar: JsonObject, path: FieldPath): FieldError[] {
  if (!isObject(envVar.valueFrom)) return [];
  const from = envVar.valueFrom;
  const errs: FieldError[] = [];
  let count = 0;
  if (isObject(from.fieldRef)) {
    count++;
    errs.push(...validateObjectFieldSelector(from.fieldRef, envFieldPaths, path.child("fieldRef")));
  }
  if (isObject(from.resourceFieldRef)) {
    count++;
    errs.push(...validateResourceFieldSelector(from.resourceFieldRef, path.child("resourceFieldRef"), false));
  }
  for (const kind of ["configMapKeyRef", "secretKeyRef"] as const) {
    if (!isObject(from[kind])) continue;
    count++;
    const ref = from[kind];
    const name = text(ref.name);
    errs.push(...nameIsDNSSubdomain(name, false).map((m) => invalid(path.child(kind, "name"), name, m)));
    const key = text(ref.key);
    if (key === "") errs.push(required(path.child(kind, "key")));
    else errs.push(...isConfigMapKey(key).map((m) => invalid(path.child(kind, "key"), key, m)));
  }
  if (count === 0) {
    errs.push(invalid(path, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"));
  } else if (text(envVar.value) !== "") {
    errs.push(invalid(path, "", "may not be specified when `value` is not empty"));
  } else if (count > 1) {
    errs.push(invalid(path, "", "may not have more than one field specified at a time"));
  }
  return errs;
}

function validateEnv(env: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  list(env).forEach((raw, i) => {
    const envVar = obj(raw);
    const at = path.index(i);
    const name = text(envVar.name);
    if (name === "") errs.push(required(at.child("name")));
    else errs.push(...isEnvVarName(name).map((m) => invalid(at.child("name"), name, m)));
    errs.push(...validateEnvVarSource(envVar, at.child("valueFrom")));
  });
  return errs;
}

function validateEnvFrom(envFrom: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  list(envFrom).forEach((raw, i) => {
    const source = obj(raw);
    const at = path.index(i);
    const prefix = text(source.prefix);
    if (prefix !== "") errs.push(...isEnvVarName(prefix).map((m) => invalid(at.child("prefix"), prefix, m)));
    let count = 0;
    for (const kind of ["configMapRef", "secretRef"] as const) {
      if (!isObject(source[kind])) continue;
      count++;
      const name = text(source[kind].name);
      if (name === "") errs.push(required(at.child(kind, "name")));
      else errs.push(...nameIsDNSSubdomain(name, true).map((m) => invalid(at.child(kind, "name"), name, m)));
    }
    if (count === 0) errs.push(invalid(path, "", "must specify one of: `configMapRef` or `secretRef`"));
    else if (count > 1) errs.push(invalid(path, "", "may not have more than one field specified at a time"));
  });
  return errs;
}

function isPrivileged(container: JsonObject): boolean {
  return obj(container.securityContext).privileged === true;
}

function validateVolumeMounts(container: JsonObject, volumes: DeclaredVolumes, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const mountPaths = new Set<string>();
  const devices = new Map(list(container.volumeDevices).map((d) => [text(obj(d).name), text(obj(d).devicePath)]));
  list(container.volumeMounts).forEach((raw, i) => {
    const mount = obj(raw);
    const at = path.index(i);
    const name = text(mount.name);
    const mountPath = text(mount.mountPath);
    if (name === "") errs.push(required(at.child("name")));
    if (!volumes.has(name)) errs.push(notFound(at.child("name"), name));
    if (mountPath === "") errs.push(required(at.child("mountPath")));
    if (mountPaths.has(mountPath)) errs.push(invalid(at.child("mountPath"), mountPath, "must be unique"));
    mountPaths.add(mountPath);
    if (devices.has(name)) errs.push(invalid(at.child("name"), name, "must not already exist in volumeDevices"));
    if ([...devices.values()].includes(mountPath)) {
      errs.push(invalid(at.child("mountPath"), mountPath, "must not already exist as a path in volumeDevices"));
    }
    const subPath = text(mount.subPath);
    const subPathExpr = text(mount.subPathExpr);
    if (isObject(volumes.get(name)?.image)) {
      if (subPath !== "") errs.push(invalid(at.child("subPath"), subPath, "not allowed in image volume sources"));
      if (subPathExpr !== "") errs.push(invalid(at.child("subPathExpr"), subPathExpr, "not allowed in image volume sources"));
    }
    // Upstream reports sub-path problems without the mount's index.
    if (subPath !== "") errs.push(...validateLocalDescendingPath(subPath, path.child("subPath")));
    if (subPathExpr !== "") {
      if (subPath !== "") errs.push(invalid(at.child("subPathExpr"), subPathExpr, "subPathExpr and subPath are mutually exclusive"));
      errs.push(...validateLocalDescendingPath(subPathExpr, path.child("subPathExpr")));
    }
    const propagation = str(mount.mountPropagation);
    if (propagation !== undefined) {
      const propagationPath = path.child("mountPropagation");
      if (!mountPropagations.includes(propagation)) errs.push(notSupported(propagationPath, propagation, mountPropagations));
      if (propagation === "Bidirectional" && !isPrivileged(container)) {
        errs.push(forbidden(propagationPath, "Bidirectional mount propagation is available only to privileged containers"));
      }
    }
    const recursive = str(mount.recursiveReadOnly);
    if (recursive !== undefined && recursive !== "Disabled") {
      const recursivePath = path.child("recursiveReadOnly");
      if (recursive === "Enabled" || recursive === "IfPossible") {
        if (mount.readOnly !== true) errs.push(forbidden(recursivePath, "may only be specified when readOnly is true"));
        if (propagation !== undefined && propagation !== "None") {
          errs.push(forbidden(recursivePath, "may only be specified when mountPropagation is None or not specified"));
        }
      } else {
        errs.push(notSupported(recursivePath, recursive, recursiveReadOnlyModes));
      }
    }
  });
  return errs;
}

function validateVolumeDevices(container: JsonObject, volumes: DeclaredVolumes, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const mounts = new Map(list(container.volumeMounts).map((m) => [text(obj(m).name), text(obj(m).mountPath)]));
  const names = new Set<string>();
  const devicePaths = new Set<string>();
  list(container.volumeDevices).forEach((raw, i) => {
    const device = obj(raw);
    const at = path.index(i);
    const name = text(device.name);
    const devicePath = text(device.devicePath);
    const volume = volumes.get(name);
    if (name === "") errs.push(required(at.child("name")));
    if (names.has(name)) errs.push(invalid(at.child("name"), name, "must be unique"));
    if (volume !== undefined && !isObject(volume.persistentVolumeClaim) && !isObject(volume.ephemeral)) {
      errs.push(invalid(at.child("name"), name, "can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode"));
    }
    if (volume === undefined) errs.push(notFound(at.child("name"), name));
    if (devicePath === "") errs.push(required(at.child("devicePath")));
    if (devicePaths.has(devicePath)) errs.push(invalid(at.child("devicePath"), devicePath, "must be unique"));
    if (devicePath !== "" && validatePathNoBacksteps(devicePath, at).length > 0) {
      errs.push(invalid(at.child("devicePath"), devicePath, "can not contain backsteps ('..')"));
    } else {
      devicePaths.add(devicePath);
    }
    if (mounts.has(name)) errs.push(invalid(at.child("name"), name, "must not already exist in volumeMounts"));
    if ([...mounts.values()].includes(devicePath)) errs.push(invalid(at.child("devicePath"), devicePath, "must not already exist as a path in volumeMounts"));
    if (name !== "") names.add(name);
  });
  return errs;
}

function validatePortNumOrName(port: unknown, path: FieldPath): FieldError[] {
  if (typeof port === "string") return isValidPortName(port).map((m) => invalid(path, port, m));
  const n = typeof port === "number" ? port : 0;
  return isValidPortNum(n).map((m) => invalid(path, n, m));
}

/** Probe handlers and lifecycle hooks: exactly one action. */
function validateHandler(handler: JsonObject, kinds: readonly string[], gracePeriod: number, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const kind of kinds) {
    if (!isObject(handler[kind])) continue;
    if (count > 0) {
      errs.push(forbidden(path.child(kind), "may not specify more than 1 handler type"));
      continue;
    }
    count++;
    const action = handler[kind];
    const at = path.child(kind);
    switch (kind) {
      case "exec":
        if (list(action.command).length === 0) errs.push(required(at.child("command")));
        break;
      case "httpGet": {
        errs.push(...validatePortNumOrName(action.port, at.child("port")));
        const scheme = str(action.scheme);
        if (scheme !== undefined && !httpSchemes.includes(scheme)) errs.push(notSupported(at.child("scheme"), scheme, httpSchemes));
        for (const header of list(action.httpHeaders)) {
          const name = text(obj(header).name);
          errs.push(...isHTTPHeaderName(name).map((m) => invalid(at.child("httpHeaders"), name, m)));
        }
        break;
      }
      case "tcpSocket":
        errs.push(...validatePortNumOrName(action.port, at.child("port")));
        break;
      case "grpc":
        errs.push(...validatePortNumOrName(typeof action.port === "number" ? action.port : 0, at.child("port")));
        break;
      case "sleep": {
        const seconds = integer(action.seconds, at.child("seconds"), errs) ?? 0;
        if (seconds <= 0 || seconds > gracePeriod) {
          errs.push(
            invalid(
              at,
              seconds,
              `must be greater than 0 and less than terminationGracePeriodSeconds (${gracePeriod}). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.`,
            ),
          );
        }
        break;
      }
    }
  }
  if (count === 0) errs.push(required(path, "must specify a handler type"));
  return errs;
}

const probeHandlers = ["exec", "httpGet", "tcpSocket", "grpc"];
const lifecycleHandlers = ["exec", "httpGet", "tcpSocket", "sleep"];

function validateProbe(probeValue: unknown, kind: "liveness" | "readiness" | "startup", gracePeriod: number, path: FieldPath): FieldError[] {
  if (!isObject(probeValue)) return [];
  const probe = probeValue;
  const errs = validateHandler(probe, probeHandlers, gracePeriod, path);
  for (const field of ["initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"]) {
    validateNonnegative(probe[field], path.child(field), errs);
  }
  const grace = integer(probe.terminationGracePeriodSeconds, path.child("terminationGracePeriodSeconds"), errs);
  if (grace !== undefined && grace <= 0) errs.push(invalid(path.child("terminationGracePeriodSeconds"), grace, "must be greater than 0"));
  const success = typeof probe.successThreshold === "number" ? probe.successThreshold : 1;
  if (kind !== "readiness" && success !== 1) errs.push(invalid(path.child("successThreshold"), success, "must be 1"));
  if (kind === "readiness" && probe.terminationGracePeriodSeconds !== undefined && probe.terminationGracePeriodSeconds !== null) {
    errs.push(invalid(path.child("terminationGracePeriodSeconds"), probe.terminationGracePeriodSeconds, "must not be set for readinessProbes"));
  }
  return errs;
}

function validateLifecycle(lifecycle: JsonObject, gracePeriod: number, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const hook of ["postStart", "preStop"] as const) {
    if (isObject(lifecycle[hook])) errs.push(...validateHandler(lifecycle[hook], lifecycleHandlers, gracePeriod, path.child(hook)));
  }
  return errs;
}

export function validateSeccompProfile(profileValue: unknown, path: FieldPath): FieldError[] {
  if (!isObject(profileValue)) return [];
  const profile = profileValue;
  const errs: FieldError[] = [];
  const type = text(profile.type);
  if (type === "") errs.push(required(path.child("type"), "type is required when seccompProfile is set"));
  else if (!seccompProfileTypes.includes(type)) errs.push(notSupported(path.child("type"), type, seccompProfileTypes));
  if (type === "Localhost") {
    const local = str(profile.localhostProfile);
    if (local === undefined) errs.push(required(path.child("localhostProfile"), "must be set when seccomp type is Localhost"));
    else errs.push(...validateLocalDescendingPath(local, path.child("localhostProfile")));
  } else if (profile.localhostProfile !== undefined && profile.localhostProfile !== null) {
    errs.push(invalid(path.child("localhostProfile"), profile, "can only be set when seccomp type is Localhost"));
  }
  return errs;
}

export function validateIDs(context: JsonObject, path: FieldPath, errs: FieldError[]): void {
  for (const [field, check] of [
    ["runAsUser", isValidUserID],
    ["runAsGroup", isValidGroupID],
  ] as const) {
    const id = integer(context[field], path.child(field), errs);
    if (id !== undefined) errs.push(...check(id).map((m) => invalid(path.child(field), id, m)));
  }
}

function validateSecurityContext(contextValue: unknown, hostUsers: boolean, path: FieldPath): FieldError[] {
  if (!isObject(contextValue)) return [];
  const sc = contextValue;
  const errs: FieldError[] = [];
  validateIDs(sc, path, errs);
  const procMount = str(sc.procMount);
  if (procMount !== undefined) {
    if (!procMountTypes.includes(procMount)) errs.push(notSupported(path.child("procMount"), procMount, procMountTypes));
    if (hostUsers && procMount === "Unmasked") errs.push(invalid(path.child("procMount"), procMount, "`hostUsers` must be false to use `Unmasked`"));
  }
  errs.push(...validateSeccompProfile(sc.seccompProfile, path.child("seccompProfile")));
  if (sc.allowPrivilegeEscalation === false) {
    if (sc.privileged === true) errs.push(invalid(path, sc, "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"));
    if (list(obj(sc.capabilities).add).includes("CAP_SYS_ADMIN")) {
      errs.push(invalid(path, sc, "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN"));
    }
  }
  return errs;
}

function validateResizePolicy(policies: unknown, restartPolicy: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  list(policies).forEach((raw, i) => {
    const policy = obj(raw);
    const resource = text(policy.resourceName);
    const restart = text(policy.restartPolicy);
    if (seen.has(resource)) errs.push(duplicate(path.index(i), resource));
    seen.add(resource);
    if (resource === "") errs.push(required(path));
    else if (!resizeResources.includes(resource)) errs.push(notSupported(path, resource, resizeResources));
    if (restart === "") errs.push(required(path));
    else if (!resizePolicies.includes(restart)) errs.push(notSupported(path, restart, resizePolicies));
    if (restartPolicy === "Never" && restart !== "NotRequired") {
      errs.push(invalid(path, restart, "must be 'NotRequired' when `restartPolicy` is 'Never'"));
    }
  });
  return errs;
}

function validateContainerCommon(container: JsonObject, pod: PodContext, hostUsers: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = text(container.name);
  if (name === "") errs.push(required(path.child("name")));
  else errs.push(...isDNS1123Label(name).map((m) => invalid(path.child("name"), name, m)));
  if (text(container.image) === "") errs.push(required(path.child("image")));
  const messagePolicy = str(container.terminationMessagePolicy);
  if (messagePolicy !== undefined && messagePolicy !== "" && !terminationMessagePolicies.includes(messagePolicy)) {
    errs.push(notSupported(path.child("terminationMessagePolicy"), messagePolicy, terminationMessagePolicies));
  }
  errs.push(...validateContainerPorts(container.ports, path.child("ports")));
  errs.push(...validateEnv(container.env, path.child("env")));
  errs.push(...validateEnvFrom(container.envFrom, path.child("envFrom")));
  errs.push(...validateVolumeMounts(container, pod.volumes, path.child("volumeMounts")));
  errs.push(...validateVolumeDevices(container, pod.volumes, path.child("volumeDevices")));
  const pullPolicy = str(container.imagePullPolicy);
  if (pullPolicy !== undefined && pullPolicy !== "" && !pullPolicies.includes(pullPolicy)) {
    errs.push(notSupported(path.child("imagePullPolicy"), pullPolicy, pullPolicies));
  }
  errs.push(...validateResourceRequirements(container.resources, path.child("resources")));
  errs.push(...validateResizePolicy(container.resizePolicy, pod.restartPolicy, path.child("resizePolicy")));
  errs.push(...validateSecurityContext(container.securityContext, hostUsers, path.child("securityContext")));
  return errs;
}

function hostPortKeys(container: JsonObject): { index: number; key: string }[] {
  return list(container.ports).flatMap((raw, index) => {
    const port = obj(raw);
    const hostPort = typeof port.hostPort === "number" ? port.hostPort : 0;
    if (hostPort === 0) return [];
    return [{ index, key: `${text(port.protocol) || "TCP"}/${text(port.hostIP)}/${hostPort}` }];
  });
}

function checkHostPortConflicts(containers: JsonObject[], indexes: number[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  containers.forEach((container, i) => {
    for (const { index, key } of hostPortKeys(container)) {
      const at = path.index(indexes[i] ?? i).child("ports").index(index).child("hostPort");
      if (seen.has(key)) errs.push(duplicate(at, key));
      else seen.add(key);
    }
  });
  return errs;
}

export function validateContainers(containersValue: unknown, pod: PodContext, hostUsers: boolean, path: FieldPath): FieldError[] {
  const containers = list(containersValue).map(obj);
  if (containers.length === 0) return [required(path)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  containers.forEach((container, i) => {
    const at = path.index(i);
    errs.push(...validateContainerCommon(container, pod, hostUsers, at));
    const name = text(container.name);
    if (names.has(name)) errs.push(duplicate(at.child("name"), name));
    else names.add(name);
    if (isObject(container.lifecycle)) errs.push(...validateLifecycle(container.lifecycle, pod.gracePeriod, at.child("lifecycle")));
    errs.push(...validateProbe(container.livenessProbe, "liveness", pod.gracePeriod, at.child("livenessProbe")));
    errs.push(...validateProbe(container.readinessProbe, "readiness", pod.gracePeriod, at.child("readinessProbe")));
    errs.push(...validateProbe(container.startupProbe, "startup", pod.gracePeriod, at.child("startupProbe")));
    if (container.restartPolicy !== undefined && container.restartPolicy !== null) {
      errs.push(forbidden(at.child("restartPolicy"), "may not be set for non-init containers"));
    }
  });
  errs.push(...checkHostPortConflicts(containers, containers.map((_, i) => i), path));
  return errs;
}

export function validateInitContainers(initValue: unknown, regularValue: unknown, pod: PodContext, hostUsers: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set(list(regularValue).map((c) => text(obj(c).name)));
  list(initValue)
    .map(obj)
    .forEach((container, i) => {
      const at = path.index(i);
      errs.push(...validateContainerCommon(container, pod, hostUsers, at));
      const restartPolicy = str(container.restartPolicy);
      if (restartPolicy !== undefined && restartPolicy !== "Always") errs.push(notSupported(at.child("restartPolicy"), restartPolicy, ["Always"]));
      const name = text(container.name);
      if (names.has(name)) errs.push(duplicate(at.child("name"), name));
      else if (name !== "") names.add(name);
      errs.push(...checkHostPortConflicts([container], [i], path));
      if (restartPolicy === "Always") {
        if (isObject(container.lifecycle)) errs.push(...validateLifecycle(container.lifecycle, pod.gracePeriod, at.child("lifecycle")));
        errs.push(...validateProbe(container.livenessProbe, "liveness", pod.gracePeriod, at.child("livenessProbe")));
        errs.push(...validateProbe(container.readinessProbe, "readiness", pod.gracePeriod, at.child("readinessProbe")));
        errs.push(...validateProbe(container.startupProbe, "startup", pod.gracePeriod, at.child("startupProbe")));
      } else {
        for (const field of ["lifecycle", "livenessProbe", "readinessProbe", "startupProbe"]) {
          if (container[field] !== undefined && container[field] !== null) {
            errs.push(forbidden(at.child(field), "may not be set for init containers without restartPolicy=Always"));
          }
        }
      }
    });
  return errs;
}

// Fields an ephemeral container may carry; the rest are for workload containers.
const ephemeralAllowed = new Set([
  "name",
  "image",
  "command",
  "args",
  "workingDir",
  "envFrom",
  "env",
  "volumeMounts",
  "volumeDevices",
  "terminationMessagePath",
  "terminationMessagePolicy",
  "imagePullPolicy",
  "securityContext",
  "stdin",
  "stdinOnce",
  "tty",
  "targetContainerName",
]);

export function validateEphemeralContainers(
  ephemeralValue: unknown,
  spec: JsonObject,
  pod: PodContext,
  hostUsers: boolean,
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  const others = new Set([...list(spec.containers), ...list(spec.initContainers)].map((c) => text(obj(c).name)));
  const all = new Set(others);
  list(ephemeralValue)
    .map(obj)
    .forEach((container, i) => {
      const at = path.index(i);
      errs.push(...validateContainerCommon(container, pod, hostUsers, at));
      errs.push(...validateImageWhitespace(container, at));
      const name = text(container.name);
      if (all.has(name)) errs.push(duplicate(at.child("name"), name));
      else all.add(name);
      const target = text(container.targetContainerName);
      if (target !== "" && !others.has(target)) errs.push(notFound(at.child("targetContainerName"), target));
      for (const [field, value] of Object.entries(container)) {
        if (!ephemeralAllowed.has(field) && value !== undefined && value !== null) {
          errs.push(forbidden(at.child(field), "cannot be set for an Ephemeral Container"));
        }
      }
      list(container.volumeMounts).forEach((m, j) => {
        for (const field of ["subPath", "subPathExpr"]) {
          if (text(obj(m)[field]) !== "") errs.push(forbidden(at.child("volumeMounts").index(j).child(field), "cannot be set for an Ephemeral Container"));
        }
      });
    });
  return errs;
}

/** Pods (not templates) may not carry an image with surrounding whitespace. */
export function validateImageWhitespace(container: JsonObject, path: FieldPath): FieldError[] {
  const image = text(container.image);
  return image !== image.trim() ? [invalid(path.child("image"), image, "must not have leading or trailing whitespace")] : [];
}
