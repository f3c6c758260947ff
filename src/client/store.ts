// A keyed local cache of API objects (client-go's cache.Store): what an
// informer fills and what controllers read instead of asking the server.
// Objects handed out are the cache's own: callers must not modify them.

export interface StoreReader<T> {
  getByKey(key: string): T | undefined;
  /** The cached object with the same key as obj. */
  get(obj: T): T | undefined;
  list(): T[];
  listKeys(): string[];
  readonly size: number;
}

export interface Store<T> extends StoreReader<T> {
  add(obj: T): void;
  update(obj: T): void;
  delete(obj: T): void;
  /** Makes the cache hold exactly items. */
  replace(items: readonly T[]): void;
}
