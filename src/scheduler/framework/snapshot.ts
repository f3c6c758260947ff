// The cluster as one scheduling cycle sees it: nodes in a fixed order, pods
// placed on them, and the cross-node indexes the affinity and image plugins
// need. Plugins read it and never change it (preemption clones NodeInfos).
import type { Namespace, Node, Pod } from "kubernetes-types/core/v1";
import { NodeInfo } from "./node-info.ts";
import { podInfoFromPod, type NamespaceLabels } from "./pod-info.ts";

export interface ImageState {
  readonly sizeBytes: number;
  /** How many nodes hold the image: spread images count for more. */
  readonly nodeCount: number;
}

export class Snapshot {
  readonly nodeInfos: readonly NodeInfo[];
  readonly byName: ReadonlyMap<string, NodeInfo>;
  readonly nodesWithAffinityPods: readonly NodeInfo[];
  readonly nodesWithRequiredAntiAffinityPods: readonly NodeInfo[];
  readonly images: ReadonlyMap<string, ImageState>;
  readonly namespaceLabels: NamespaceLabels;

  constructor(nodeInfos: readonly NodeInfo[], namespaceLabels: NamespaceLabels = () => undefined) {
    this.nodeInfos = nodeInfos;
    this.byName = new Map(nodeInfos.map((info) => [info.name, info]));
    this.nodesWithAffinityPods = nodeInfos.filter((info) => info.podsWithAffinity.length > 0);
    this.nodesWithRequiredAntiAffinityPods = nodeInfos.filter((info) => info.podsWithRequiredAntiAffinity.length > 0);
    this.images = imageStates(nodeInfos);
    this.namespaceLabels = namespaceLabels;
  }
}

/** Builds a snapshot from API objects; pods on unknown nodes and finished pods are left out. */
export function snapshotFromObjects(nodes: readonly Node[], pods: readonly Pod[], namespaces: readonly Namespace[] = []): Snapshot {
  const infos = nodes.map((node) => new NodeInfo(node));
  const byName = new Map(infos.map((info) => [info.name, info]));
  for (const pod of pods) {
    const phase = pod.status?.phase;
    if (phase === "Succeeded" || phase === "Failed") continue;
    const nodeInfo = byName.get(pod.spec?.nodeName ?? "");
    nodeInfo?.addPod(podInfoFromPod(pod));
  }
  const labelsByNamespace = new Map(namespaces.map((namespace) => [namespace.metadata?.name ?? "", namespace.metadata?.labels ?? {}]));
  return new Snapshot(infos, (name) => labelsByNamespace.get(name));
}

function imageStates(nodeInfos: readonly NodeInfo[]): Map<string, ImageState> {
  const states = new Map<string, ImageState>();
  for (const info of nodeInfos) {
    for (const [name, sizeBytes] of info.imageSizes) {
      const known = states.get(name);
      states.set(name, { sizeBytes, nodeCount: (known?.nodeCount ?? 0) + 1 });
    }
  }
  return states;
}
