// The one entry point: fills in upstream's client-visible defaults for an
// object of a given group, version and kind. Kinds without defaults (and
// custom resources, whose defaults come from their CRD's schema) are left
// as they are.
import { admissionregistrationV1Defaulters } from "./admissionregistration.ts";
import { apiextensionsV1Defaulters } from "./apiextensions.ts";
import { appsV1Defaulters } from "./apps.ts";
import { autoscalingV1Defaulters, autoscalingV2Defaulters } from "./autoscaling.ts";
import { batchV1Defaulters } from "./batch.ts";
import { coreV1Defaulters } from "./core.ts";
import { discoveryV1Defaulters } from "./discovery.ts";
import { isObject } from "./fields.ts";
import type { Defaulter } from "./fields.ts";
import { flowcontrolV1Defaulters } from "./flowcontrol.ts";
import { networkingV1Defaulters } from "./networking.ts";
import { rbacV1Defaulters } from "./rbac.ts";
import { schedulingV1Defaulters } from "./scheduling.ts";
import { storageV1Defaulters } from "./storage.ts";

const DEFAULTERS: Record<string, Record<string, Defaulter>> = {
  "v1": coreV1Defaulters,
  "admissionregistration.k8s.io/v1": admissionregistrationV1Defaulters,
  "apiextensions.k8s.io/v1": apiextensionsV1Defaulters,
  "apps/v1": appsV1Defaulters,
  "autoscaling/v1": autoscalingV1Defaulters,
  "autoscaling/v2": autoscalingV2Defaulters,
  "batch/v1": batchV1Defaulters,
  "discovery.k8s.io/v1": discoveryV1Defaulters,
  "flowcontrol.apiserver.k8s.io/v1": flowcontrolV1Defaulters,
  "networking.k8s.io/v1": networkingV1Defaulters,
  "rbac.authorization.k8s.io/v1": rbacV1Defaulters,
  "scheduling.k8s.io/v1": schedulingV1Defaulters,
  "storage.k8s.io/v1": storageV1Defaulters,
};

/**
 * Fills in the defaults of `obj`, an object of the given kind, in place
 * (the object is mutated; nothing is returned). Runs before validation, so
 * it accepts any JSON: fields of the wrong type are left for validation to
 * report. Applying it twice changes nothing the second time.
 */
export function applyDefaults(target: { group: string; version: string; kind: string }, obj: object): void {
  if (!isObject(obj)) return;
  const apiVersion = target.group === "" ? target.version : `${target.group}/${target.version}`;
  const byKind = Object.hasOwn(DEFAULTERS, apiVersion) ? DEFAULTERS[apiVersion] : undefined;
  if (byKind && Object.hasOwn(byKind, target.kind)) byKind[target.kind]?.(obj);
}
