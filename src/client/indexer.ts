// A Store with secondary indices (client-go's cache.Indexer): an index
// function maps an object to values, and byIndex answers every object with a
// value, e.g. all pods of one namespace or on one node, without a scan.
import type { KubeObject } from "./kube-client.ts";
import { InvalidClientOptionError } from "./errors.ts";
import type { Store, StoreReader } from "./store.ts";

export type IndexFunc<T> = (obj: T) => readonly string[];

/** The index every informer cache has: objects by metadata.namespace. */
export const namespaceIndex = "namespace";

export function namespaceIndexFunc(obj: KubeObject): string[] {
  return [obj.metadata?.namespace ?? ""];
}

export interface IndexerReader<T> extends StoreReader<T> {
  /** Objects for which the named index function returned value. */
  byIndex(indexName: string, value: string): T[];
  indexKeys(indexName: string, value: string): string[];
  /** Every value the named index holds. */
  listIndexValues(indexName: string): string[];
}

export class Indexer<T> implements Store<T>, IndexerReader<T> {
  private readonly items = new Map<string, T>();
  private readonly indexFuncs = new Map<string, IndexFunc<T>>();
  /** index name -> value -> keys */
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor(
    private readonly keyOf: (obj: T) => string,
    indexers: Record<string, IndexFunc<T>> = {},
  ) {
    this.addIndexers(indexers);
  }

  /** Adds index functions and indexes what is cached already; a name may be added once. */
  addIndexers(indexers: Record<string, IndexFunc<T>>): void {
    for (const name of Object.keys(indexers)) {
      if (this.indexFuncs.has(name)) throw new InvalidClientOptionError(`indexer conflict: an index named "${name}" exists`);
    }
    for (const [name, fn] of Object.entries(indexers)) {
      this.indexFuncs.set(name, fn);
      this.indices.set(name, new Map());
      for (const [key, obj] of this.items) this.link(name, fn(obj), key);
    }
  }

  get size(): number {
    return this.items.size;
  }

  getByKey(key: string): T | undefined {
    return this.items.get(key);
  }

  get(obj: T): T | undefined {
    return this.items.get(this.keyOf(obj));
  }

  list(): T[] {
    return [...this.items.values()];
  }

  listKeys(): string[] {
    return [...this.items.keys()];
  }

  add(obj: T): void {
    this.update(obj);
  }

  update(obj: T): void {
    const key = this.keyOf(obj);
    const old = this.items.get(key);
    this.items.set(key, obj);
    for (const [name, fn] of this.indexFuncs) {
      const before = old === undefined ? [] : fn(old);
      const after = fn(obj);
      if (sameValues(before, after)) continue;
      this.unlink(name, before, key);
      this.link(name, after, key);
    }
  }

  delete(obj: T): void {
    const key = this.keyOf(obj);
    const old = this.items.get(key);
    if (old === undefined) return;
    this.items.delete(key);
    for (const [name, fn] of this.indexFuncs) this.unlink(name, fn(old), key);
  }

  replace(items: readonly T[]): void {
    this.items.clear();
    for (const index of this.indices.values()) index.clear();
    for (const obj of items) this.update(obj);
  }

  byIndex(indexName: string, value: string): T[] {
    return this.indexKeys(indexName, value).map((key) => this.items.get(key)!);
  }

  indexKeys(indexName: string, value: string): string[] {
    return [...(this.index(indexName).get(value) ?? [])];
  }

  listIndexValues(indexName: string): string[] {
    return [...this.index(indexName).keys()];
  }

  private index(name: string): Map<string, Set<string>> {
    const index = this.indices.get(name);
    if (index === undefined) throw new InvalidClientOptionError(`no index named "${name}"`);
    return index;
  }

  private link(name: string, values: readonly string[], key: string): void {
    const index = this.indices.get(name)!;
    for (const value of values) {
      let keys = index.get(value);
      if (keys === undefined) index.set(value, (keys = new Set()));
      keys.add(key);
    }
  }

  private unlink(name: string, values: readonly string[], key: string): void {
    const index = this.indices.get(name)!;
    for (const value of values) {
      const keys = index.get(value);
      if (keys === undefined) continue;
      keys.delete(key);
      // Empty sets would make listIndexValues report values nothing has any more.
      if (keys.size === 0) index.delete(value);
    }
  }
}

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
