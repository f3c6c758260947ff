// Resource names and quantities: container requests and limits, PVC storage,
// node capacity. Quantities come as strings (or bare JSON numbers).
import { parseQuantity, type Quantity } from "../quantity.ts";
import { forbidden, invalid, required, type FieldError, type FieldPath } from "./field-error.ts";
import { isObject } from "./json.ts";
import { isQualifiedName } from "./names.ts";
import { isNegativeMessage } from "./object-meta.ts";

const hugePagesPrefix = "hugepages-";
const requestsPrefix = "requests.";
const standardContainerResources = new Set(["cpu", "memory", "ephemeral-storage"]);
const standardResources = new Set([
  "cpu",
  "memory",
  "ephemeral-storage",
  "requests.cpu",
  "requests.memory",
  "requests.ephemeral-storage",
  "limits.cpu",
  "limits.memory",
  "limits.ephemeral-storage",
  "pods",
  "resourcequotas",
  "services",
  "replicationcontrollers",
  "secrets",
  "configmaps",
  "persistentvolumeclaims",
  "storage",
  "requests.storage",
  "services.nodeports",
  "services.loadbalancers",
]);
const integerResources = new Set([
  "pods",
  "resourcequotas",
  "services",
  "replicationcontrollers",
  "secrets",
  "configmaps",
  "persistentvolumeclaims",
  "services.nodeports",
  "services.loadbalancers",
]);

export const isHugePageResourceName = (name: string): boolean => name.startsWith(hugePagesPrefix);

/** Unprefixed names and anything under kubernetes.io/ belong to Kubernetes itself. */
export const isNativeResource = (name: string): boolean => !name.includes("/") || name.includes("kubernetes.io/");

export function isExtendedResourceName(name: string): boolean {
  if (isNativeResource(name) || name.startsWith(requestsPrefix)) return false;
  return isQualifiedName(requestsPrefix + name).length === 0;
}

export const isOvercommitAllowed = (name: string): boolean => isNativeResource(name) && !isHugePageResourceName(name);

const isIntegerResourceName = (name: string): boolean => integerResources.has(name) || isExtendedResourceName(name);

function isStandardResourceName(name: string): boolean {
  return standardResources.has(name) || name.startsWith(hugePagesPrefix) || name.startsWith("requests.hugepages-");
}

export function validateResourceName(name: string, path: FieldPath): FieldError[] {
  const errs = isQualifiedName(name).map((m) => invalid(path, name, m));
  if (errs.length > 0) return errs;
  if (!name.includes("/") && !isStandardResourceName(name)) {
    return [invalid(path, name, "must be a standard resource type or fully qualified")];
  }
  return [];
}

export function validateContainerResourceName(name: string, path: FieldPath): FieldError[] {
  const errs = validateResourceName(name, path);
  if (!name.includes("/")) {
    if (!standardContainerResources.has(name) && !isHugePageResourceName(name)) {
      errs.push(invalid(path, name, "must be a standard resource for containers"));
    }
  } else if (!isNativeResource(name) && !isExtendedResourceName(name)) {
    errs.push(invalid(path, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

/** Parses a quantity field; an unparsable one is reported and reads as undefined. */
export function readQuantity(value: unknown, path: FieldPath, errs: FieldError[]): Quantity | undefined {
  if (typeof value !== "string" && typeof value !== "number") {
    errs.push(invalid(path, value ?? null, "must be a quantity"));
    return undefined;
  }
  try {
    return parseQuantity(String(value));
  } catch (e) {
    errs.push(invalid(path, String(value), e instanceof Error ? e.message : String(e)));
    return undefined;
  }
}

export function validateResourceQuantityValue(name: string, quantity: Quantity, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (quantity.sign() < 0) errs.push(invalid(path, quantity.toString(), isNegativeMessage));
  if (isIntegerResourceName(name) && quantity.milliValue() % 1000n !== 0n) {
    errs.push(invalid(path, quantity.toString(), "must be an integer"));
  }
  return errs;
}

export function validatePositiveQuantity(quantity: Quantity, path: FieldPath): FieldError[] {
  return quantity.sign() <= 0 ? [invalid(path, quantity.toString(), "must be greater than zero")] : [];
}

function hugePageDivisibilityError(name: string, quantity: Quantity): string | undefined {
  let pageSize: Quantity;
  try {
    pageSize = parseQuantity(name.slice(hugePagesPrefix.length));
  } catch {
    return undefined;
  }
  const page = pageSize.value();
  if (page <= 0n) return undefined;
  const ok = quantity.sign() > 0 && quantity.milliValue() % 1000n === 0n && quantity.value() % page === 0n;
  return ok ? undefined : `${quantity.toString()} is not positive integer multiple of ${name}`;
}

function readResourceList(value: unknown, path: FieldPath, nameFn: (n: string, p: FieldPath) => FieldError[], errs: FieldError[]): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  if (!isObject(value)) return out;
  for (const [name, raw] of Object.entries(value)) {
    const at = path.key(name);
    errs.push(...nameFn(name, at));
    const q = readQuantity(raw, at, errs);
    if (q === undefined) continue;
    errs.push(...validateResourceQuantityValue(name, q, at));
    out.set(name, q);
  }
  return out;
}

/** Container (or overhead) requirements: names, quantities, requests no larger than limits. */
export function validateResourceRequirements(requirements: unknown, path: FieldPath): FieldError[] {
  const r = isObject(requirements) ? requirements : {};
  const errs: FieldError[] = [];
  const limitsPath = path.child("limits");
  const requestsPath = path.child("requests");
  const limits = readResourceList(r.limits, limitsPath, validateContainerResourceName, errs);
  for (const [name, q] of limits) {
    if (isHugePageResourceName(name)) {
      const problem = hugePageDivisibilityError(name, q);
      if (problem !== undefined) errs.push(invalid(limitsPath.key(name), q.toString(), problem));
    }
  }
  const requestErrs: FieldError[] = [];
  const requests = readResourceList(r.requests, requestsPath, validateContainerResourceName, requestErrs);
  errs.push(...requestErrs);
  for (const [name, q] of requests) {
    const limit = limits.get(name);
    if (limit !== undefined) {
      if (q.cmp(limit) !== 0 && !isOvercommitAllowed(name)) {
        errs.push(invalid(requestsPath, q.toString(), `must be equal to ${name} limit of ${limit.toString()}`));
      } else if (q.cmp(limit) > 0) {
        errs.push(invalid(requestsPath, q.toString(), `must be less than or equal to ${name} limit of ${limit.toString()}`));
      }
    } else if (!isOvercommitAllowed(name)) {
      errs.push(required(limitsPath, "Limit must be set for non overcommitable resources"));
    }
    if (isHugePageResourceName(name)) {
      const problem = hugePageDivisibilityError(name, q);
      if (problem !== undefined) errs.push(invalid(requestsPath.key(name), q.toString(), problem));
    }
  }
  const names = [...limits.keys(), ...requests.keys()];
  const hasHugePages = names.some(isHugePageResourceName);
  const hasCpuOrMemory = names.some((n) => n === "cpu" || n === "memory");
  if (hasHugePages && !hasCpuOrMemory) errs.push(forbidden(path, "HugePages require cpu or memory"));
  return errs;
}
