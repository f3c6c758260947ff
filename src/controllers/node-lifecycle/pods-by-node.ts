// Which pods are bound to which node, kept from pod cache events so a node
// change finds its pods without scanning every pod.
import type { Pod } from "kubernetes-types/core/v1";
import { objectKey } from "../../client/object-key.ts";
import type { WatchedCache } from "../watched-cache.ts";

export class PodsByNode {
  private readonly keysByNode = new Map<string, Set<string>>();

  constructor(private readonly pods: WatchedCache<Pod>) {
    pods.subscribe({
      onAdd: (pod) => this.place(pod),
      onUpdate: (previous, pod) => {
        if (previous.spec?.nodeName !== pod.spec?.nodeName) this.remove(previous);
        this.place(pod);
      },
      onDelete: (pod) => this.remove(pod),
    });
  }

  /** The cached pods bound to node. */
  on(node: string): Pod[] {
    const keys = this.keysByNode.get(node) ?? new Set<string>();
    return [...keys].map((key) => this.pods.get(key)).filter((pod): pod is Pod => pod?.spec?.nodeName === node);
  }

  private place(pod: Pod): void {
    const node = pod.spec?.nodeName;
    if (!node) return;
    let keys = this.keysByNode.get(node);
    if (keys === undefined) this.keysByNode.set(node, (keys = new Set()));
    keys.add(objectKey(pod));
  }

  private remove(pod: Pod): void {
    const node = pod.spec?.nodeName;
    if (!node) return;
    const keys = this.keysByNode.get(node);
    keys?.delete(objectKey(pod));
    if (keys?.size === 0) this.keysByNode.delete(node);
  }
}
