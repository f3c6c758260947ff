// Builders for the Nodes and Pods that scheduler tests put in their tables.
import type { Container, Node, Pod, PodSpec, Taint } from "kubernetes-types/core/v1";
import { NodeInfo } from "../framework/node-info.ts";
import { podInfoFromPod, type PodInfo } from "../framework/pod-info.ts";
import { Snapshot } from "../framework/snapshot.ts";

export interface NodeOptions {
  labels?: Record<string, string>;
  allocatable?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
  images?: { names: string[]; sizeBytes: number }[];
}

export function makeNode(name: string, options: NodeOptions = {}): Node {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels: { "kubernetes.io/hostname": name, ...options.labels } },
    spec: { taints: options.taints, unschedulable: options.unschedulable },
    status: {
      allocatable: options.allocatable ?? { cpu: "4", memory: "8Gi", pods: "110" },
      images: options.images,
    },
  };
}

export interface PodOptions {
  namespace?: string;
  labels?: Record<string, string>;
  nodeName?: string;
  priority?: number;
  /** Requests of one container, e.g. { cpu: "500m" }. */
  requests?: Record<string, string>;
  uid?: string;
  startTime?: string;
  spec?: Partial<PodSpec>;
}

export function makePod(name: string, options: PodOptions = {}): Pod {
  const container: Container = { name: "main", image: "busybox" };
  if (options.requests !== undefined) container.resources = { requests: options.requests };
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: options.namespace ?? "default",
      uid: options.uid ?? `uid-${name}`,
      labels: options.labels,
      creationTimestamp: "2024-01-01T00:00:00Z",
    },
    spec: { containers: [container], nodeName: options.nodeName, priority: options.priority, ...options.spec },
    status: options.startTime === undefined ? {} : { startTime: options.startTime },
  };
}

/** A NodeInfo holding the given pods (their nodeName is ignored). */
export function nodeInfoWith(node: Node, pods: readonly Pod[] = []): NodeInfo {
  const info = new NodeInfo(node);
  for (const pod of pods) info.addPod(podInfoFromPod(pod));
  return info;
}

export function snapshotOf(nodes: readonly Node[], pods: readonly Pod[] = []): Snapshot {
  const infos = nodes.map((node) =>
    nodeInfoWith(
      node,
      pods.filter((pod) => pod.spec?.nodeName === node.metadata?.name),
    ),
  );
  return new Snapshot(infos);
}

export function infoOf(pod: Pod): PodInfo {
  return podInfoFromPod(pod);
}
