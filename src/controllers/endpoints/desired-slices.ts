// The EndpointSlices a Service's pods call for, as a plan against the slices
// that exist: one endpoint per pod address, grouped by the ports the pod
// resolves (pods resolving a named port differently land in different
// slices), at most maxEndpoints per slice. Endpoints stay in the slice that
// holds them, new ones fill slices with room before new slices are made,
// and a slice is written only when what it should hold differs from what it
// holds. A Service with no endpoints keeps one empty placeholder slice, as
// upstream does.
import type { Endpoint, EndpointPort, EndpointSlice } from "kubernetes-types/discovery/v1";
import type { Pod, Service } from "kubernetes-types/core/v1";
import { headlessLabel } from "./desired-endpoints.ts";
import { hasEndpointAddress, isServing, isTerminating, resolveTargetPort, selects } from "./service-pods.ts";

export const serviceNameLabel = "kubernetes.io/service-name";
export const managedByLabel = "endpointslice.kubernetes.io/managed-by";
export const managedByValue = "endpointslice-controller.k8s.io";
export const zoneLabel = "topology.kubernetes.io/zone";
export const defaultMaxEndpointsPerSlice = 100;

export interface SlicePlan {
  create: EndpointSlice[];
  update: EndpointSlice[];
  remove: EndpointSlice[];
}

export interface SliceInputs {
  service: Service;
  pods: readonly Pod[];
  /** The slices of this Service that this controller manages. */
  existing: readonly EndpointSlice[];
  /** The zone label of a node, if it has one. */
  zoneOf(nodeName: string): string | undefined;
  maxEndpoints?: number;
}

function endpointPorts(service: Service, pod: Pod): EndpointPort[] | undefined {
  const ports: EndpointPort[] = [];
  for (const servicePort of service.spec?.ports ?? []) {
    const port = resolveTargetPort(servicePort, pod);
    if (port === undefined) continue;
    ports.push({ name: servicePort.name ?? "", port, protocol: servicePort.protocol ?? "TCP" });
  }
  return ports.length === 0 && (service.spec?.ports ?? []).length > 0 ? undefined : ports;
}

function endpointOf(service: Service, pod: Pod, zoneOf: (nodeName: string) => string | undefined): Endpoint {
  const terminating = isTerminating(pod);
  const serving = isServing(service, pod);
  const endpoint: Endpoint = {
    addresses: [pod.status!.podIP!],
    conditions: { ready: service.spec?.publishNotReadyAddresses === true || (serving && !terminating), serving, terminating },
    targetRef: { kind: "Pod", namespace: pod.metadata?.namespace ?? "", name: pod.metadata?.name ?? "", uid: pod.metadata?.uid ?? "" },
  };
  const nodeName = pod.spec?.nodeName;
  if (nodeName) {
    endpoint.nodeName = nodeName;
    const zone = zoneOf(nodeName);
    if (zone !== undefined) endpoint.zone = zone;
  }
  return endpoint;
}

/** Comparable forms: the server may order fields differently from us. */
const portsKey = (ports: readonly EndpointPort[] | undefined): string => JSON.stringify((ports ?? []).map((p) => [p.name ?? "", p.port, p.protocol ?? "TCP"]));
function endpointKey(e: Endpoint): string {
  const c = e.conditions ?? {};
  const t = e.targetRef ?? {};
  return JSON.stringify([e.addresses, c.ready, c.serving, c.terminating, e.nodeName, e.zone, t.kind, t.namespace, t.name, t.uid]);
}
const addressOf = (e: Endpoint): string => e.addresses[0] ?? "";

export function sliceLabels(service: Service): Record<string, string> {
  const labels: Record<string, string> = { ...service.metadata?.labels };
  delete labels[headlessLabel];
  if (service.spec?.clusterIP === "None") labels[headlessLabel] = "";
  labels[serviceNameLabel] = service.metadata?.name ?? "";
  labels[managedByLabel] = managedByValue;
  return labels;
}

function ownerReferenceOf(service: Service) {
  return { apiVersion: "v1", kind: "Service", name: service.metadata?.name ?? "", uid: service.metadata?.uid ?? "", controller: true, blockOwnerDeletion: true };
}

function sameRecord(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  const aKeys = Object.keys(a ?? {});
  return aKeys.length === Object.keys(b).length && aKeys.every((k) => a?.[k] === b[k]);
}

export function planSlices(inputs: SliceInputs): SlicePlan {
  const { service } = inputs;
  const max = inputs.maxEndpoints ?? defaultMaxEndpointsPerSlice;
  const wanted = new Map<string, { ports: EndpointPort[]; endpoints: Map<string, Endpoint> }>();
  for (const pod of inputs.pods) {
    if (!selects(service, pod) || !hasEndpointAddress(pod)) continue;
    const ports = endpointPorts(service, pod);
    if (ports === undefined) continue;
    const key = portsKey(ports);
    let group = wanted.get(key);
    if (group === undefined) wanted.set(key, (group = { ports, endpoints: new Map() }));
    const endpoint = endpointOf(service, pod, inputs.zoneOf);
    group.endpoints.set(addressOf(endpoint), endpoint);
  }

  const labels = sliceLabels(service);
  const owner = ownerReferenceOf(service);
  const plan: SlicePlan = { create: [], update: [], remove: [] };
  const kept: { slice: EndpointSlice; endpoints: Endpoint[]; changed: boolean }[] = [];
  const placed = new Set<string>();
  for (const slice of [...inputs.existing].sort((a, b) => ((a.metadata?.name ?? "") < (b.metadata?.name ?? "") ? -1 : 1))) {
    const key = portsKey(slice.ports ?? undefined);
    const group = wanted.get(key);
    const endpoints: Endpoint[] = [];
    let changed = false;
    for (const current of slice.endpoints ?? []) {
      const address = addressOf(current);
      const desired = group?.endpoints.get(address);
      if (desired === undefined || placed.has(`${key} ${address}`) || endpoints.length >= max) {
        changed = true;
        continue;
      }
      placed.add(`${key} ${address}`);
      if (endpointKey(desired) !== endpointKey(current)) changed = true;
      endpoints.push(desired);
    }
    if (endpoints.length === 0) plan.remove.push(slice);
    else kept.push({ slice, endpoints, changed });
  }

  const fresh: { ports: EndpointPort[]; endpoints: Endpoint[] }[] = [];
  for (const [key, group] of wanted) {
    const unplaced = [...group.endpoints.values()].filter((e) => !placed.has(`${key} ${addressOf(e)}`));
    for (const entry of kept) {
      if (unplaced.length === 0) break;
      if (portsKey(entry.slice.ports ?? undefined) !== key) continue;
      const room = max - entry.endpoints.length;
      if (room <= 0) continue;
      entry.endpoints.push(...unplaced.splice(0, room));
      entry.changed = true;
    }
    while (unplaced.length > 0) fresh.push({ ports: group.ports, endpoints: unplaced.splice(0, max) });
  }

  if (kept.length === 0 && fresh.length === 0) {
    // The placeholder: reuse an emptied slice rather than delete one and create another.
    const reusable = plan.remove.shift();
    if (reusable === undefined) fresh.push({ ports: [], endpoints: [] });
    else kept.push({ slice: reusable, endpoints: [], changed: (reusable.endpoints ?? []).length > 0 || (reusable.ports ?? []).length > 0 });
  }

  for (const entry of kept) {
    const metadataChanged = !sameRecord(entry.slice.metadata?.labels, labels) || entry.slice.metadata?.ownerReferences?.[0]?.uid !== owner.uid;
    if (!entry.changed && !metadataChanged) continue;
    const ports = entry.endpoints.length === 0 ? [] : (entry.slice.ports ?? []);
    plan.update.push({ ...entry.slice, metadata: { ...entry.slice.metadata, labels, ownerReferences: [owner] }, endpoints: entry.endpoints, ports });
  }
  for (const { ports, endpoints } of fresh) {
    plan.create.push({
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: { generateName: `${service.metadata?.name ?? ""}-`, namespace: service.metadata?.namespace ?? "", labels, ownerReferences: [owner] },
      addressType: "IPv4",
      endpoints,
      ports,
    });
  }
  return plan;
}
