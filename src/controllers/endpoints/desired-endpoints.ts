// The core/v1 Endpoints a Service's pods call for: pods grouped into subsets
// by the ports they resolve to, ready ones in addresses, the others in
// notReadyAddresses. Terminating pods are left out unless the Service
// publishes not-ready addresses, as upstream's Endpoints controller does.
import type { EndpointAddress, EndpointPort, EndpointSubset, Pod, Service } from "kubernetes-types/core/v1";
import { hasEndpointAddress, isServing, isTerminating, resolveTargetPort, selects } from "./service-pods.ts";

export const headlessLabel = "service.kubernetes.io/headless";

function addressOf(pod: Pod): EndpointAddress {
  const address: EndpointAddress = {
    ip: pod.status!.podIP!,
    targetRef: { kind: "Pod", namespace: pod.metadata?.namespace ?? "", name: pod.metadata?.name ?? "", uid: pod.metadata?.uid ?? "" },
  };
  if (pod.spec?.nodeName) address.nodeName = pod.spec.nodeName;
  return address;
}

function portsFor(service: Service, pod: Pod): EndpointPort[] {
  const ports: EndpointPort[] = [];
  for (const servicePort of service.spec?.ports ?? []) {
    const port = resolveTargetPort(servicePort, pod);
    if (port === undefined) continue;
    const endpointPort: EndpointPort = { port, protocol: servicePort.protocol ?? "TCP" };
    if (servicePort.name) endpointPort.name = servicePort.name;
    ports.push(endpointPort);
  }
  return ports;
}

const byIp = (a: EndpointAddress, b: EndpointAddress) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0);

export function desiredSubsets(service: Service, pods: readonly Pod[]): EndpointSubset[] {
  const publishNotReady = service.spec?.publishNotReadyAddresses === true;
  const headless = service.spec?.clusterIP === "None";
  const groups = new Map<string, { ports: EndpointPort[]; ready: EndpointAddress[]; notReady: EndpointAddress[] }>();
  for (const pod of pods) {
    if (!selects(service, pod) || !hasEndpointAddress(pod)) continue;
    if (isTerminating(pod) && !publishNotReady) continue;
    const ports = portsFor(service, pod);
    // A pod that resolves none of the ports serves nothing, unless the Service is headless without ports.
    if (ports.length === 0 && !(headless && (service.spec?.ports ?? []).length === 0)) continue;
    const key = JSON.stringify(ports);
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = { ports, ready: [], notReady: [] }));
    (isServing(service, pod) ? group.ready : group.notReady).push(addressOf(pod));
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, group]) => {
      const subset: EndpointSubset = {};
      if (group.ready.length > 0) subset.addresses = group.ready.sort(byIp);
      if (group.notReady.length > 0) subset.notReadyAddresses = group.notReady.sort(byIp);
      if (group.ports.length > 0) subset.ports = group.ports;
      return subset;
    });
}

/** Labels of a Service's Endpoints: the Service's own, plus the headless marker. */
export function endpointsLabels(service: Service): Record<string, string> {
  const labels: Record<string, string> = { ...service.metadata?.labels };
  if (service.spec?.clusterIP === "None") labels[headlessLabel] = "";
  else delete labels[headlessLabel];
  return labels;
}
