// A pod's quality-of-service class (upstream's GetPodQOS): Guaranteed when
// every container limits cpu and memory with requests equal to the limits,
// BestEffort when no container requests or limits cpu or memory, Burstable
// otherwise.
import type { Container, Pod } from "kubernetes-types/core/v1";
import { parseQuantity } from "../api/quantity.ts";

export type QosClass = "Guaranteed" | "Burstable" | "BestEffort";

const computeResources = ["cpu", "memory"] as const;

function isZero(text: string | undefined): boolean {
  return text === undefined || parseQuantity(text).isZero();
}

export function qosClass(pod: Pod): QosClass {
  const containers: Container[] = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  let anyAmount = false;
  let guaranteed = true;
  for (const container of containers) {
    const requests = container.resources?.requests ?? {};
    const limits = container.resources?.limits ?? {};
    for (const resource of computeResources) {
      const limit = limits[resource];
      // An unset request defaults to the limit.
      const request = requests[resource] ?? limit;
      if (!isZero(request) || !isZero(limit)) anyAmount = true;
      if (isZero(limit) || request === undefined || parseQuantity(request).cmp(parseQuantity(limit!)) !== 0) guaranteed = false;
    }
  }
  if (!anyAmount) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}
