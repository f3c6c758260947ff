// The scheduler's picture of the cluster between cycles: one NodeInfo per
// Node, the pods placed on each, and the pods this scheduler assumed onto a
// node before the API server confirmed the binding. NodeInfos are updated in
// place as events arrive; the Snapshot's cross-node indexes are rebuilt only
// when something they depend on changed, so a cycle at 5000 nodes costs no
// per-node copying. A cycle runs synchronously, so it never sees a change
// half-applied.
import type { Node } from "kubernetes-types/core/v1";
import { NodeInfo } from "./framework/node-info.ts";
import { hasAffinityTerms, type NamespaceLabels, type PodInfo } from "./framework/pod-info.ts";
import { Snapshot } from "./framework/snapshot.ts";

interface PlacedPod {
  info: PodInfo;
  nodeName: string;
  /** Placed by this scheduler and not yet seen bound through the informer. */
  assumed: boolean;
}

export class SchedulerCache {
  readonly #nodes = new Map<string, NodeInfo>();
  readonly #pods = new Map<string, PlacedPod>();
  /** Pods seen on a node whose Node object has not arrived (or was deleted): counted once it comes. */
  readonly #podsOnMissingNodes = new Map<string, Map<string, PodInfo>>();
  readonly #namespaceLabels: NamespaceLabels;
  #snapshot: Snapshot | undefined;

  constructor(namespaceLabels: NamespaceLabels = () => undefined) {
    this.#namespaceLabels = namespaceLabels;
  }

  get nodeCount(): number {
    return this.#nodes.size;
  }

  /** The cluster as the next cycle sees it; the same object until something it indexes changes. */
  snapshot(): Snapshot {
    this.#snapshot ??= new Snapshot([...this.#nodes.values()], this.#namespaceLabels);
    return this.#snapshot;
  }

  nodeInfo(name: string): NodeInfo | undefined {
    return this.#nodes.get(name);
  }

  /** Adds or replaces a Node; the pods already placed on it stay counted. */
  upsertNode(node: Node): void {
    const name = node.metadata?.name ?? "";
    const previous = this.#nodes.get(name);
    const info = new NodeInfo(node);
    if (previous !== undefined) {
      for (const pod of previous.pods) info.addPod(pod);
    } else {
      const waiting = this.#podsOnMissingNodes.get(name);
      this.#podsOnMissingNodes.delete(name);
      for (const pod of waiting?.values() ?? []) info.addPod(pod);
    }
    this.#nodes.set(name, info);
    this.#snapshot = undefined;
  }

  removeNode(name: string): void {
    const info = this.#nodes.get(name);
    if (info === undefined) return;
    this.#nodes.delete(name);
    // Its pods are still bound there; they count again if the Node comes back.
    if (info.pods.length > 0) this.#podsOnMissingNodes.set(name, new Map(info.pods.map((pod) => [pod.key, pod])));
    this.#snapshot = undefined;
  }

  /** The scheduling cycle picked nodeName: count the pod there before the API server knows. */
  assumePod(info: PodInfo, nodeName: string): void {
    this.#place({ info, nodeName, assumed: true });
  }

  /** The binding failed: the pod no longer occupies the node it was assumed on. */
  forgetPod(key: string): void {
    const placed = this.#pods.get(key);
    if (placed?.assumed === true) this.#unplace(placed);
  }

  isAssumed(key: string): boolean {
    return this.#pods.get(key)?.assumed === true;
  }

  /** A bound pod seen through the informer: confirms an assumed pod, or moves it where the server says. */
  addOrUpdatePod(info: PodInfo, nodeName: string): void {
    const placed = this.#pods.get(info.key);
    if (placed !== undefined) this.#unplace(placed);
    this.#place({ info, nodeName, assumed: false });
  }

  removePod(key: string): void {
    const placed = this.#pods.get(key);
    if (placed !== undefined) this.#unplace(placed);
  }

  #place(placed: PlacedPod): void {
    const previous = this.#pods.get(placed.info.key);
    if (previous !== undefined) this.#unplace(previous);
    this.#pods.set(placed.info.key, placed);
    const nodeInfo = this.#nodes.get(placed.nodeName);
    if (nodeInfo === undefined) {
      let waiting = this.#podsOnMissingNodes.get(placed.nodeName);
      if (waiting === undefined) {
        waiting = new Map();
        this.#podsOnMissingNodes.set(placed.nodeName, waiting);
      }
      waiting.set(placed.info.key, placed.info);
      return;
    }
    nodeInfo.addPod(placed.info);
    if (affectsIndexes(placed.info)) this.#snapshot = undefined;
  }

  #unplace(placed: PlacedPod): void {
    this.#pods.delete(placed.info.key);
    const nodeInfo = this.#nodes.get(placed.nodeName);
    if (nodeInfo === undefined) {
      const waiting = this.#podsOnMissingNodes.get(placed.nodeName);
      waiting?.delete(placed.info.key);
      if (waiting?.size === 0) this.#podsOnMissingNodes.delete(placed.nodeName);
      return;
    }
    nodeInfo.removePod(placed.info);
    if (affectsIndexes(placed.info)) this.#snapshot = undefined;
  }
}

/** Pods with affinity terms decide which nodes the snapshot lists for the affinity plugins. */
function affectsIndexes(info: PodInfo): boolean {
  return hasAffinityTerms(info);
}
