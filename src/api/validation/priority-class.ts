// PriorityClasses (scheduling.k8s.io/v1): the system- prefix is reserved and
// a value never changes.
import { forbidden, notSupported, required, FieldPath, type FieldError } from "./field-error.ts";
import { integer, obj, str, text, type JsonObject } from "./json.ts";
import { nameIsDNSSubdomain } from "./names.ts";
import { validateImmutable, validateObjectMeta, validateObjectMetaUpdate } from "./object-meta.ts";

const highestUserDefinablePriority = 1000000000;
const systemPriorityClasses: ReadonlyMap<string, number> = new Map([
  ["system-node-critical", 2000001000],
  ["system-cluster-critical", 2000000000],
]);
const preemptionPolicies = ["PreemptLowerPriority", "Never"];

function systemClassProblem(name: string, value: number, globalDefault: boolean): string | undefined {
  const expected = systemPriorityClasses.get(name);
  if (expected === undefined) return `${name} is not a known system priority class`;
  if (expected !== value) return `value of ${name} PriorityClass must be ${expected}`;
  if (globalDefault) return `globalDefault of ${name} PriorityClass must be false`;
  return undefined;
}

export function validatePriorityClass(priorityClass: JsonObject): FieldError[] {
  const errs = validateObjectMeta(priorityClass.metadata, { namespaced: false, nameValidator: nameIsDNSSubdomain });
  const name = text(obj(priorityClass.metadata).name);
  const value = integer(priorityClass.value, FieldPath.of("value"), errs) ?? 0;
  if (name.startsWith("system-")) {
    const problem = systemClassProblem(name, value, priorityClass.globalDefault === true);
    if (problem !== undefined) {
      errs.push(forbidden(FieldPath.of("metadata", "name"), `priority class names with 'system-' prefix are reserved for system use only. error: ${problem}`));
    }
  } else if (value > highestUserDefinablePriority) {
    errs.push(forbidden("value", `maximum allowed value of a user defined priority is ${highestUserDefinablePriority}`));
  }
  const policy = str(priorityClass.preemptionPolicy);
  if (policy !== undefined) {
    if (policy === "") errs.push(required("preemptionPolicy"));
    else if (!preemptionPolicies.includes(policy)) errs.push(notSupported("preemptionPolicy", policy, preemptionPolicies));
  }
  return errs;
}

export function validatePriorityClassUpdate(priorityClass: JsonObject, old: JsonObject): FieldError[] {
  const errs = validateObjectMetaUpdate(priorityClass.metadata, old.metadata);
  if (priorityClass.value !== old.value) errs.push(forbidden("value", "may not be changed in an update."));
  // An unset preemptionPolicy is the default, PreemptLowerPriority.
  const policy = text(priorityClass.preemptionPolicy) || "PreemptLowerPriority";
  errs.push(...validateImmutable(policy, text(old.preemptionPolicy) || "PreemptLowerPriority", FieldPath.of("preemptionPolicy")));
  return errs;
}
