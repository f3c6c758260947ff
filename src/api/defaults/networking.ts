// Defaults of networking.k8s.io/v1. Ingress has none: its paths must name a pathType.
import { ensureObject, fillUnset, isEmptyList, objectAt, objectsAt } from "./fields.ts";
import type { Defaulter, JsonObject } from "./fields.ts";

/** A policy naming no types governs ingress, and egress too when it has egress rules. */
function defaultNetworkPolicy(policy: JsonObject): void {
  const spec = ensureObject(policy, "spec");
  if (!spec) return;
  for (const direction of ["ingress", "egress"]) {
    for (const rule of objectsAt(spec, direction)) {
      for (const port of objectsAt(rule, "ports")) fillUnset(port, "protocol", "TCP");
    }
  }
  if (isEmptyList(spec.policyTypes)) {
    spec.policyTypes = isEmptyList(spec.egress) ? ["Ingress"] : ["Ingress", "Egress"];
  }
}

function defaultIngressClass(ingressClass: JsonObject): void {
  const parameters = objectAt(objectAt(ingressClass, "spec") ?? {}, "parameters");
  if (parameters) fillUnset(parameters, "scope", "Cluster");
}

export const networkingV1Defaulters: Record<string, Defaulter> = {
  IngressClass: defaultIngressClass,
  NetworkPolicy: defaultNetworkPolicy,
};
