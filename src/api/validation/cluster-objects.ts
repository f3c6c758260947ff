// Cluster-scoped core objects: Namespaces and Nodes.
import { duplicate, forbidden, invalid, notSupported, required, FieldPath, type FieldError } from "./field-error.ts";
import { ipFamily, isValidCIDR } from "./ip.ts";
import { jsonEqual, list, obj, text, type JsonObject } from "./json.ts";
import { validateLabelName } from "./label-selector.ts";
import { isQualifiedName, isValidLabelValue, nameIsDNSLabel, nameIsDNSSubdomain } from "./names.ts";
import { validateKubeFinalizerName, validateObjectMeta, validateObjectMetaUpdate } from "./object-meta.ts";
import { readQuantity, validateResourceQuantityValue } from "./resources.ts";

export function validateNamespace(namespace: JsonObject): FieldError[] {
  const errs = validateObjectMeta(namespace.metadata, { namespaced: false, nameValidator: nameIsDNSLabel });
  const path = FieldPath.of("spec", "finalizers");
  for (const f of list(obj(namespace.spec).finalizers).map(text)) {
    errs.push(...isQualifiedName(f).map((m) => invalid(path, f, m)), ...validateKubeFinalizerName(f, path));
  }
  return errs;
}

export function validateNamespaceUpdate(namespace: JsonObject, old: JsonObject): FieldError[] {
  return validateObjectMetaUpdate(namespace.metadata, old.metadata);
}

const taintEffects = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

function validateTaints(taints: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  list(taints).forEach((raw, i) => {
    const taint = obj(raw);
    const at = path.index(i);
    const key = text(taint.key);
    const effect = text(taint.effect);
    errs.push(...validateLabelName(key, at.child("key")));
    const problems = isValidLabelValue(text(taint.value));
    if (problems.length > 0) errs.push(invalid(at.child("value"), text(taint.value), problems.join(";")));
    if (effect === "") errs.push(required(at.child("effect")));
    else if (!taintEffects.includes(effect)) errs.push(notSupported(at.child("effect"), effect, taintEffects));
    const identity = `${effect}\u0000${key}`;
    if (seen.has(identity)) {
      errs.push({ ...duplicate(at, taint), detail: "taints must be unique by key and effect pair" });
      return;
    }
    seen.add(identity);
  });
  return errs;
}

function validateNodeResources(node: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  for (const field of ["capacity", "allocatable"] as const) {
    for (const [name, raw] of Object.entries(obj(obj(node.status)[field]))) {
      const path = FieldPath.of("status", field, name);
      const q = readQuantity(raw, path, errs);
      if (q !== undefined) errs.push(...validateResourceQuantityValue(name, q, path));
    }
  }
  return errs;
}

function validatePodCIDRs(spec: JsonObject): FieldError[] {
  const cidrs = list(spec.podCIDRs).map(text);
  const path = FieldPath.of("spec", "podCIDRs");
  const errs = cidrs.flatMap((c, i) => isValidCIDR(path.index(i), c));
  if (cidrs.length > 1) {
    const families = cidrs.map((c) => ipFamily(c.split("/")[0] ?? ""));
    if (cidrs.length > 2 || families[0] === families[1]) errs.push(invalid(path, cidrs, "may specify no more than one CIDR for each IP family"));
    const seen = new Set<string>();
    cidrs.forEach((c, i) => {
      if (seen.has(c)) errs.push(duplicate(path.index(i), c));
      seen.add(c);
    });
  }
  return errs;
}

export function validateNode(node: JsonObject): FieldError[] {
  const spec = obj(node.spec);
  return [
    ...validateObjectMeta(node.metadata, { namespaced: false, nameValidator: nameIsDNSSubdomain }),
    // Upstream reports taints under metadata.
    ...validateTaints(spec.taints, FieldPath.of("metadata", "taints")),
    ...validateNodeResources(node),
    ...validatePodCIDRs(spec),
  ];
}

export function validateNodeUpdate(node: JsonObject, old: JsonObject): FieldError[] {
  const spec = obj(node.spec);
  const oldSpec = obj(old.spec);
  const errs = [...validateObjectMetaUpdate(node.metadata, old.metadata), ...validateNodeResources(node)];
  const seen: unknown[] = [];
  list(obj(node.status).addresses).forEach((address, i) => {
    if (seen.some((s) => jsonEqual(s, address))) errs.push(duplicate(FieldPath.of("status", "addresses").index(i), address));
    seen.push(address);
  });
  const oldCIDRs = list(oldSpec.podCIDRs).map(text);
  const newCIDRs = list(spec.podCIDRs).map(text);
  const cidrMessage = 'node updates may not change podCIDR except from "" to valid';
  if (oldCIDRs.length > 0) {
    if (oldCIDRs.length !== newCIDRs.length) errs.push(forbidden(FieldPath.of("spec", "podCIDRs"), cidrMessage));
    else oldCIDRs.forEach((c, i) => c !== newCIDRs[i] && errs.push(forbidden(FieldPath.of("spec", "podCIDRs"), cidrMessage)));
  }
  if (text(oldSpec.providerID) !== "" && text(oldSpec.providerID) !== text(spec.providerID)) {
    errs.push(forbidden(FieldPath.of("spec", "providerID"), 'node updates may not change providerID except from "" to valid'));
  }
  errs.push(...validateTaints(spec.taints, FieldPath.of("metadata", "taints")));
  if (text(spec.externalID) !== text(oldSpec.externalID)) errs.push(forbidden(FieldPath.of("spec", "externalID"), "may not be updated"));
  return errs;
}
