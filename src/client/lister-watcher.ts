// The two calls a Reflector makes (client-go's cache.ListerWatcher), bound to
// one resource, namespace and selector.
import type { KubeClient, KubeObject, ObjectList, ResourceRef, WatchEvent } from "./kube-client.ts";

export interface ListerWatcher<T> {
  list(options: { resourceVersion?: string; limit?: number; continue?: string; signal: AbortSignal }): Promise<ObjectList<T>>;
  watch(options: { resourceVersion: string; allowWatchBookmarks: boolean; timeoutSeconds: number; signal: AbortSignal }): AsyncIterable<WatchEvent<T>>;
}

export interface Selectors {
  labelSelector?: string;
  fieldSelector?: string;
}

export function listerWatcher<T extends KubeObject>(client: KubeClient, resource: ResourceRef, selectors: Selectors = {}): ListerWatcher<T> {
  const filter: Selectors = {};
  if (selectors.labelSelector) filter.labelSelector = selectors.labelSelector;
  if (selectors.fieldSelector) filter.fieldSelector = selectors.fieldSelector;
  return {
    list: (options) => client.list<T>(resource, { ...filter, ...options }),
    watch: (options) => client.watch<T>(resource, { ...filter, ...options }),
  };
}
