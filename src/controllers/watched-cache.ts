// What a controller needs from a shared informer: a read-only cache of one
// resource and change notifications. Kept this narrow so controllers do not
// depend on how client/ builds informers; manager.ts adapts them.
import type { KubeObject } from "../client/kube-client.ts";

export interface ChangeHandlers<T> {
  onAdd(object: T): void;
  onUpdate(previous: T, current: T): void;
  /** The last state the cache knew. */
  onDelete(object: T): void;
}

export interface WatchedCache<T extends KubeObject> {
  /** By objectKey ("namespace/name"). */
  get(key: string): T | undefined;
  /** Every cached object, or those of one namespace. */
  list(namespace?: string): T[];
  subscribe(handlers: ChangeHandlers<T>): void;
}
