// Which pods back a Service, and on which port: shared by the Endpoints and
// EndpointSlice computations.
import type { Pod, Service, ServicePort } from "kubernetes-types/core/v1";
import { isPodReady } from "../pod-ranking.ts";

/** Only Services with a selector get managed endpoints; without one the user writes them. */
export function hasSelector(service: Service): boolean {
  return Object.keys(service.spec?.selector ?? {}).length > 0;
}

/** A Service selector is a plain label map: every entry must match. */
export function selects(service: Service, pod: Pod): boolean {
  const selector = service.spec?.selector ?? {};
  const labels = pod.metadata?.labels ?? {};
  return Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels[key] === value);
}

export const isTerminating = (pod: Pod): boolean => pod.metadata?.deletionTimestamp != null;

/** Pods that can serve at all: with an address, not finished. Terminating ones are left to the caller. */
export function hasEndpointAddress(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return Boolean(pod.status?.podIP) && phase !== "Succeeded" && phase !== "Failed";
}

/** Serving: ready, or every address published regardless (publishNotReadyAddresses). */
export function isServing(service: Service, pod: Pod): boolean {
  return service.spec?.publishNotReadyAddresses === true || isPodReady(pod);
}

/** The pod's port for a Service port: a number as is, a name looked up in the pod's containers. */
export function resolveTargetPort(servicePort: ServicePort, pod: Pod): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  if (typeof target === "number") return target;
  const protocol = servicePort.protocol ?? "TCP";
  for (const container of pod.spec?.containers ?? []) {
    const found = container.ports?.find((p) => p.name === target && (p.protocol ?? "TCP") === protocol);
    if (found !== undefined) return found.containerPort;
  }
  return undefined;
}
