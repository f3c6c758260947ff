// Pods and PodTemplates: the spec rules plus what only a pod must satisfy,
// and the short list of spec fields a pod update may change.
import { describeChanges } from "./change-summary.ts";
import { validateImageWhitespace } from "./containers.ts";
import { FieldPath, forbidden, invalid, required, type FieldError } from "./field-error.ts";
import { integer, isObject, jsonEqual, list, obj, text, type JsonObject } from "./json.ts";
import { inclusiveRangeError, nameIsDNSSubdomain } from "./names.ts";
import { validateObjectMeta, validateObjectMetaUpdate } from "./object-meta.ts";
import { validatePodSpec, validatePodSpecificAnnotations, validatePodTemplateSpec, validateTolerations } from "./pod-spec.ts";

const maxInt32 = 2147483647;
const metaPath = FieldPath.of("metadata");
const specPath = FieldPath.of("spec");

const updatablePodSpecFields = [
  "`spec.containers[*].image`",
  "`spec.initContainers[*].image`",
  "`spec.activeDeadlineSeconds`",
  "`spec.tolerations` (only additions to existing tolerations)",
  "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
];

function validatePodMetadataAndSpec(pod: JsonObject): FieldError[] {
  const meta = obj(pod.metadata);
  const spec = obj(pod.spec);
  const errs = [
    ...validateObjectMeta(pod.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain }),
    ...validatePodSpecificAnnotations(meta.annotations, spec, metaPath.child("annotations")),
    ...validatePodSpec(spec, specPath, { podName: text(meta.name) }),
  ];
  if (text(spec.serviceAccountName) === "") {
    list(spec.volumes).forEach((volume, vi) => {
      list(obj(obj(volume).projected).sources).forEach((source, si) => {
        if (isObject(obj(source).serviceAccountToken)) {
          errs.push(
            forbidden(
              specPath.child("volumes").index(vi).child("projected", "sources").index(si).child("serviceAccountToken"),
              "must not be specified when serviceAccountName is not set",
            ),
          );
        }
      });
    });
  }
  for (const field of ["containers", "initContainers"]) {
    list(spec[field]).forEach((c, i) => errs.push(...validateImageWhitespace(obj(c), specPath.child(field).index(i))));
  }
  return errs;
}

export function validatePodCreate(pod: JsonObject): FieldError[] {
  const spec = obj(pod.spec);
  const errs = validatePodMetadataAndSpec(pod);
  if (list(spec.ephemeralContainers).length > 0) errs.push(forbidden(specPath.child("ephemeralContainers"), "cannot be set on create"));
  if (text(spec.nodeName) !== "" && list(spec.schedulingGates).length > 0) {
    errs.push(forbidden(specPath.child("nodeName"), "cannot be set until all schedulingGates have been cleared"));
  }
  return errs;
}

function validateContainerUpdates(next: unknown, prev: unknown, path: FieldPath): { errs: FieldError[]; stop: boolean } {
  const containers = list(next).map(obj);
  if (containers.length !== list(prev).length) return { errs: [forbidden(path, "pod updates may not add or remove containers")], stop: true };
  const errs: FieldError[] = [];
  containers.forEach((c, i) => {
    const image = text(c.image);
    if (image === "") errs.push(required(path.index(i).child("image")));
    if (image.trim() !== image) errs.push(invalid(path.index(i).child("image"), image, "must not have leading or trailing whitespace"));
  });
  return { errs, stop: false };
}

function validateOnlyAddedTolerations(next: unknown, prev: unknown, path: FieldPath): FieldError[] {
  const added = list(next).map(obj);
  for (const old of list(prev).map(obj)) {
    const kept = added.some((t) => jsonEqual({ ...old, tolerationSeconds: t.tolerationSeconds }, t));
    if (!kept) return [forbidden(path, "existing toleration can not be modified except its tolerationSeconds")];
  }
  return validateTolerations(next, path);
}

function validateOnlyDeletedSchedulingGates(next: unknown, prev: unknown, path: FieldPath): FieldError[] {
  const before = new Set(list(prev).map((g) => text(obj(g).name)));
  return list(next).flatMap((g, i) => {
    const name = text(obj(g).name);
    return before.has(name) ? [] : [forbidden(path.index(i).child("name"), `only deletion is allowed, but found new scheduling gate '${name}'`)];
  });
}

export function validatePodUpdate(pod: JsonObject, old: JsonObject): FieldError[] {
  const spec = obj(pod.spec);
  const oldSpec = obj(old.spec);
  const errs = [
    ...validateObjectMetaUpdate(pod.metadata, old.metadata),
    ...validatePodMetadataAndSpec(pod),
    ...validatePodSpecificAnnotationUpdates(pod, old),
  ];
  for (const field of ["containers", "initContainers"]) {
    const result = validateContainerUpdates(spec[field], oldSpec[field], specPath.child(field));
    errs.push(...result.errs);
    if (result.stop) return errs;
  }
  const deadlinePath = specPath.child("activeDeadlineSeconds");
  const deadline = integer(spec.activeDeadlineSeconds, deadlinePath, errs);
  const oldDeadline = typeof oldSpec.activeDeadlineSeconds === "number" ? oldSpec.activeDeadlineSeconds : undefined;
  if (deadline !== undefined) {
    if (deadline < 0 || deadline > maxInt32) return [...errs, invalid(deadlinePath, deadline, inclusiveRangeError(0, maxInt32))];
    if (oldDeadline !== undefined && oldDeadline < deadline) return [...errs, invalid(deadlinePath, deadline, "must be less than or equal to previous value")];
  } else if (oldDeadline !== undefined) {
    errs.push(invalid(deadlinePath, null, "must not update from a positive integer to nil value"));
  }
  errs.push(...validateOnlyAddedTolerations(spec.tolerations, oldSpec.tolerations, specPath.child("tolerations")));
  errs.push(...validateOnlyDeletedSchedulingGates(spec.schedulingGates, oldSpec.schedulingGates, specPath.child("schedulingGates")));
  if (jsonEqual(spec, oldSpec)) return errs;
  const munged = structuredClone(spec);
  for (const field of ["containers", "initContainers"]) {
    const oldContainers = list(oldSpec[field]).map(obj);
    list(munged[field]).forEach((c, i) => {
      if (isObject(c)) c.image = oldContainers[i]?.image;
    });
  }
  munged.activeDeadlineSeconds = oldSpec.activeDeadlineSeconds;
  munged.schedulingGates = oldSpec.schedulingGates;
  munged.tolerations = oldSpec.tolerations;
  const oldGrace = oldSpec.terminationGracePeriodSeconds;
  if (typeof oldGrace === "number" && oldGrace < 0 && munged.terminationGracePeriodSeconds === 1) munged.terminationGracePeriodSeconds = oldGrace;
  if (list(oldSpec.schedulingGates).length > 0) {
    // A gated pod may still gain node selectors and node affinity.
    const oldSelector = obj(oldSpec.nodeSelector);
    const newSelector = obj(munged.nodeSelector);
    if (!jsonEqual(oldSelector, newSelector)) {
      if (Object.entries(oldSelector).some(([k, v]) => newSelector[k] !== v)) {
        errs.push(invalid(specPath.child("nodeSelector"), newSelector, "only additions to spec.nodeSelector are allowed (no mutations or deletions)"));
      }
      munged.nodeSelector = oldSpec.nodeSelector;
    }
    if (isObject(munged.affinity) || isObject(oldSpec.affinity)) {
      const affinity = { ...obj(munged.affinity), nodeAffinity: obj(oldSpec.affinity).nodeAffinity };
      munged.affinity = Object.values(affinity).every((v) => v === undefined) ? oldSpec.affinity : affinity;
    }
  }
  if (!jsonEqual(munged, oldSpec)) {
    errs.push(forbidden(specPath, `pod updates may not change fields other than ${updatablePodSpecFields.join(",")}\n${describeChanges(oldSpec, munged)}`));
  }
  return errs;
}

const appArmorPrefix = "container.apparmor.security.beta.kubernetes.io/";
const mirrorPodAnnotation = "kubernetes.io/config.mirror";

function validatePodSpecificAnnotationUpdates(pod: JsonObject, old: JsonObject): FieldError[] {
  const path = metaPath.child("annotations");
  const next = obj(obj(pod.metadata).annotations);
  const prev = obj(obj(old.metadata).annotations);
  const errs: FieldError[] = [];
  for (const [key, value] of Object.entries(prev)) {
    if (next[key] === value) continue;
    if (key.startsWith(appArmorPrefix)) errs.push(forbidden(path.key(key), "may not remove or update AppArmor annotations"));
    if (key === mirrorPodAnnotation) errs.push(forbidden(path.key(key), "may not remove or update mirror pod annotation"));
  }
  for (const key of Object.keys(next)) {
    if (key in prev) continue;
    if (key.startsWith(appArmorPrefix)) errs.push(forbidden(path.key(key), "may not add AppArmor annotations"));
    if (key === mirrorPodAnnotation) errs.push(forbidden(path.key(key), "may not add mirror pod annotation"));
  }
  return errs;
}

export function validatePodTemplate(template: JsonObject): FieldError[] {
  return [
    ...validateObjectMeta(template.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain }),
    ...validatePodTemplateSpec(template.template, FieldPath.of("template")),
  ];
}

export function validatePodTemplateUpdate(template: JsonObject, old: JsonObject): FieldError[] {
  return [...validateObjectMetaUpdate(template.metadata, old.metadata), ...validatePodTemplateSpec(template.template, FieldPath.of("template"))];
}
