// One node and what is already placed on it, kept as running sums so filters
// compare numbers instead of walking pods. Mutable on purpose: the cache adds
// and removes pods as events arrive, and preemption works on clones.
import type { Node, Taint } from "kubernetes-types/core/v1";
import { hasAffinityTerms, type HostPort, type PodInfo } from "./pod-info.ts";
import { addResources, allowedPodCount, copyResources, emptyResources, resourcesFromList, type Resources } from "./resources.ts";

const ANY_HOST_IP = "0.0.0.0";

export class NodeInfo {
  readonly node: Node;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  readonly unschedulable: boolean;
  readonly allocatable: Resources;
  readonly allowedPodNumber: number;
  /** Image name (normalized, with tag) to size in bytes, from node.status.images. */
  readonly imageSizes: ReadonlyMap<string, number>;
  readonly requested: Resources;
  nonZeroMilliCpu = 0;
  nonZeroMemory = 0;
  readonly pods: PodInfo[] = [];
  readonly podsWithAffinity: PodInfo[] = [];
  readonly podsWithRequiredAntiAffinity: PodInfo[] = [];
  /** "TCP/80" to the host IPs bound on it, each with its count of pods. */
  readonly usedPorts = new Map<string, Map<string, number>>();

  constructor(node: Node, parsed?: Pick<NodeInfo, "allocatable" | "allowedPodNumber" | "imageSizes">) {
    this.node = node;
    this.name = node.metadata?.name ?? "";
    this.labels = node.metadata?.labels ?? {};
    this.taints = node.spec?.taints ?? [];
    this.unschedulable = node.spec?.unschedulable === true;
    this.allocatable = parsed?.allocatable ?? resourcesFromList(node.status?.allocatable);
    this.allowedPodNumber = parsed?.allowedPodNumber ?? allowedPodCount(node.status?.allocatable);
    this.imageSizes = parsed?.imageSizes ?? imageSizesOf(node);
    this.requested = emptyResources();
  }

  addPod(info: PodInfo): void {
    this.pods.push(info);
    if (hasAffinityTerms(info)) this.podsWithAffinity.push(info);
    if (info.requiredAntiAffinityTerms.length > 0) this.podsWithRequiredAntiAffinity.push(info);
    addResources(this.requested, info.requests);
    this.nonZeroMilliCpu += info.nonZeroMilliCpu;
    this.nonZeroMemory += info.nonZeroMemory;
    for (const port of info.hostPorts) this.#countPort(port, 1);
  }

  /** Returns false when the pod was not on this node. */
  removePod(info: PodInfo): boolean {
    const index = this.pods.findIndex((candidate) => candidate.key === info.key);
    if (index < 0) return false;
    const [removed] = this.pods.splice(index, 1);
    if (removed === undefined) return false;
    removeByKey(this.podsWithAffinity, removed.key);
    removeByKey(this.podsWithRequiredAntiAffinity, removed.key);
    addResources(this.requested, removed.requests, -1);
    this.nonZeroMilliCpu -= removed.nonZeroMilliCpu;
    this.nonZeroMemory -= removed.nonZeroMemory;
    for (const port of removed.hostPorts) this.#countPort(port, -1);
    return true;
  }

  /** A wildcard host IP conflicts with every IP on the same protocol and port, and vice versa. */
  portConflicts(port: HostPort): boolean {
    const ips = this.usedPorts.get(port.protocolPort);
    if (ips === undefined) return false;
    if (port.ip === ANY_HOST_IP) return ips.size > 0;
    return ips.has(port.ip) || ips.has(ANY_HOST_IP);
  }

  clone(): NodeInfo {
    const copy = new NodeInfo(this.node, this);
    copy.pods.push(...this.pods);
    copy.podsWithAffinity.push(...this.podsWithAffinity);
    copy.podsWithRequiredAntiAffinity.push(...this.podsWithRequiredAntiAffinity);
    Object.assign(copy.requested, copyResources(this.requested));
    copy.nonZeroMilliCpu = this.nonZeroMilliCpu;
    copy.nonZeroMemory = this.nonZeroMemory;
    for (const [protocolPort, ips] of this.usedPorts) copy.usedPorts.set(protocolPort, new Map(ips));
    return copy;
  }

  #countPort(port: HostPort, delta: 1 | -1): void {
    let ips = this.usedPorts.get(port.protocolPort);
    if (ips === undefined) {
      ips = new Map();
      this.usedPorts.set(port.protocolPort, ips);
    }
    const next = (ips.get(port.ip) ?? 0) + delta;
    if (next > 0) ips.set(port.ip, next);
    else ips.delete(port.ip);
    if (ips.size === 0) this.usedPorts.delete(port.protocolPort);
  }
}

function removeByKey(list: PodInfo[], key: string): void {
  const index = list.findIndex((candidate) => candidate.key === key);
  if (index >= 0) list.splice(index, 1);
}

/** Image references name "busybox" and "busybox:latest" alike; the node lists tagged names. */
export function normalizedImageName(name: string): string {
  return name.lastIndexOf(":") <= name.lastIndexOf("/") ? `${name}:latest` : name;
}

function imageSizesOf(node: Node): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const image of node.status?.images ?? []) {
    for (const name of image.names ?? []) sizes.set(normalizedImageName(name), image.sizeBytes ?? 0);
  }
  return sizes;
}
