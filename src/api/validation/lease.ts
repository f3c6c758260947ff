// Leases (coordination.k8s.io/v1), the objects of leader election and node heartbeats.
import { forbidden, invalid, notSupported, FieldPath, type FieldError } from "./field-error.ts";
import { integer, obj, str, text, type JsonObject } from "./json.ts";
import { nameIsDNSSubdomain } from "./names.ts";
import { validateObjectMeta, validateObjectMetaUpdate } from "./object-meta.ts";

const leaseStrategies = ["OldestEmulationVersion"];

function validateLeaseSpec(specValue: unknown): FieldError[] {
  const spec = obj(specValue);
  const path = FieldPath.of("spec");
  const errs: FieldError[] = [];
  const duration = integer(spec.leaseDurationSeconds, path.child("leaseDurationSeconds"), errs);
  if (duration !== undefined && duration <= 0) errs.push(invalid(path.child("leaseDurationSeconds"), duration, "must be greater than 0"));
  const transitions = integer(spec.leaseTransitions, path.child("leaseTransitions"), errs);
  if (transitions !== undefined && transitions < 0) errs.push(invalid(path.child("leaseTransitions"), transitions, "must be greater than or equal to 0"));
  const strategy = str(spec.strategy);
  if (strategy !== undefined && !leaseStrategies.includes(strategy)) errs.push(notSupported(path.child("strategy"), strategy, leaseStrategies));
  if (text(spec.preferredHolder) !== "" && (strategy ?? "") === "") {
    errs.push(forbidden(path.child("preferredHolder"), "may only be specified if `strategy` is defined"));
  }
  return errs;
}

export function validateLease(lease: JsonObject): FieldError[] {
  return [
    ...validateObjectMeta(lease.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain, standardFinalizerNames: false }),
    ...validateLeaseSpec(lease.spec),
  ];
}

export function validateLeaseUpdate(lease: JsonObject, old: JsonObject): FieldError[] {
  return [...validateObjectMetaUpdate(lease.metadata, old.metadata, undefined, false), ...validateLeaseSpec(lease.spec)];
}
