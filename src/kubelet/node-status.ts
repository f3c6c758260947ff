// The Node object the kubelet registers and the status it posts (upstream's
// nodestatus setters): capacity and allocatable from the host, addresses,
// nodeInfo, images and the four conditions a healthy kubelet reports.
import type { Node, NodeCondition, NodeStatus } from "kubernetes-types/core/v1";
import type { HostFacts } from "./host-facts.ts";
import type { ImageInfo } from "./runtime/runtime.ts";

export const kubeletVersion = "v1.32.0";
export const maxPods = 110;
/** Upstream reports at most this many images. */
const maxImages = 50;

export interface NodeIdentity {
  name: string;
  podCIDR?: string;
  /** e.g. "containerd://1.6.20". */
  containerRuntimeVersion: string;
  /** Port of the kubelet's HTTPS server (status.daemonEndpoints); default 10250. */
  kubeletPort?: number;
}

const seconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");

export function nodeObject(identity: NodeIdentity, host: HostFacts): Node {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name: identity.name,
      labels: {
        "kubernetes.io/hostname": identity.name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": host.architecture,
        "beta.kubernetes.io/os": "linux",
        "beta.kubernetes.io/arch": host.architecture,
      },
    },
    spec: identity.podCIDR === undefined ? {} : { podCIDR: identity.podCIDR, podCIDRs: [identity.podCIDR] },
  };
}

const healthy: [type: string, status: "True" | "False", reason: string, message: string][] = [
  ["MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"],
  ["DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"],
  ["PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"],
  ["Ready", "True", "KubeletReady", "kubelet is posting ready status"],
];

export function nodeStatus(identity: NodeIdentity, host: HostFacts, images: ImageInfo[], previous: NodeCondition[] | undefined, nowMs: number): NodeStatus {
  const capacity = { cpu: String(host.cpus), memory: `${Math.floor(host.memoryBytes / 1024)}Ki`, pods: String(maxPods), "ephemeral-storage": `${Math.floor(host.ephemeralStorageBytes / 1024)}Ki` };
  const conditions = healthy.map(([type, status, reason, message]): NodeCondition => {
    const old = previous?.find((c) => c.type === type);
    const since = old?.status === status && old.lastTransitionTime ? old.lastTransitionTime : seconds(nowMs);
    return { type, status, reason, message, lastHeartbeatTime: seconds(nowMs), lastTransitionTime: since };
  });
  return {
    capacity,
    allocatable: capacity,
    conditions,
    addresses: [
      { type: "InternalIP", address: host.internalIP },
      { type: "Hostname", address: identity.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: identity.kubeletPort ?? 10250 } },
    nodeInfo: {
      machineID: host.machineID,
      systemUUID: host.machineID,
      bootID: host.bootID,
      kernelVersion: host.kernelVersion,
      osImage: host.osImage,
      containerRuntimeVersion: identity.containerRuntimeVersion,
      kubeletVersion,
      kubeProxyVersion: kubeletVersion,
      operatingSystem: "linux",
      architecture: host.architecture,
    },
    images: [...images]
      .sort((a, b) => b.size - a.size)
      .slice(0, maxImages)
      .map((i) => ({ names: [...i.repoDigests, ...i.repoTags], sizeBytes: i.size })),
  };
}

/** Whether two statuses differ in more than heartbeat times (a change is posted at once). */
export function nodeStatusChanged(a: NodeStatus | undefined, b: NodeStatus): boolean {
  const strip = (s: NodeStatus | undefined) => JSON.stringify({ ...s, conditions: s?.conditions?.map((c) => ({ ...c, lastHeartbeatTime: undefined })) });
  return strip(a) !== strip(b);
}
