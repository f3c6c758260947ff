// A shared informer seen through the narrow WatchedCache view controllers use.
import { namespaceIndex } from "../client/indexer.ts";
import type { KubeObject } from "../client/kube-client.ts";
import type { SharedIndexInformer } from "../client/shared-informer.ts";
import type { WatchedCache } from "./watched-cache.ts";

export function informerCache<T extends KubeObject>(informer: SharedIndexInformer<T>): WatchedCache<T> {
  return {
    get: (key) => informer.indexer.getByKey(key),
    list: (namespace) => (namespace === undefined || namespace === "" ? informer.indexer.list() : informer.indexer.byIndex(namespaceIndex, namespace)),
    subscribe: (handlers) => {
      informer.addEventHandler({
        onAdd: (object) => handlers.onAdd(object),
        onUpdate: (previous, current) => handlers.onUpdate(previous, current),
        onDelete: (object) => handlers.onDelete(object),
      });
    },
  };
}
