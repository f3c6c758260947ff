// One cache per stored resource: it lists the store once, then follows the
// store's watch, keeping the current objects and a window of recent events.
// LIST, GET and WATCH are served from it; writes go to the store.
import type { Revision, Store, StoredObject, WatchEventType } from "../storage/store.ts";
import { isStoreError } from "../storage/store.ts";
import { gone } from "./status.ts";
import { objectKey } from "./keys.ts";

export interface CacheEvent {
  type: WatchEventType;
  key: string;
  object: StoredObject;
  prevObject?: StoredObject;
  revision: Revision;
}

export interface CacheListener {
  event(event: CacheEvent): void;
  /** The cache had to relist and may have missed events: the watcher must end. */
  reset(): void;
}

export interface WatchCacheOptions {
  /** How many recent events to keep for watches that start in the past. */
  capacity?: number;
}

export class WatchCache {
  private readonly objects = new Map<string, StoredObject>();
  private sortedKeys: string[] | undefined;
  private readonly history: CacheEvent[] = [];
  private historyHead = 0;
  /** All events after this revision are in `history`. */
  private historyStart: Revision = 0;
  private current: Revision = 0;
  private readonly listeners = new Set<CacheListener>();
  private readonly waiters: { revision: Revision; resolve: () => void }[] = [];
  private readonly capacity: number;
  private readyResolve!: () => void;
  /** Resolves once the first list is loaded. */
  readonly ready: Promise<void> = new Promise((r) => (this.readyResolve = r));

  constructor(
    private readonly store: Store,
    readonly prefix: string,
    options: WatchCacheOptions = {},
  ) {
    this.capacity = options.capacity ?? 10_000;
  }

  get revision(): Revision {
    return this.current;
  }

  /** Runs until signal aborts; relists when the store's watch expires. */
  async start(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.load();
        for await (const e of this.store.watch({ prefix: this.prefix, fromRevision: this.current, signal })) {
          this.apply({ type: e.type, key: e.key, object: e.object, prevObject: e.prevObject, revision: e.revision });
        }
      } catch (e) {
        if (signal.aborted) break;
        if (!isStoreError(e, "Expired") && !isStoreError(e, "Unavailable")) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  private async load(): Promise<void> {
    const listed = await this.store.list<StoredObject>({ prefix: this.prefix });
    this.objects.clear();
    this.sortedKeys = undefined;
    for (const obj of listed.items) this.objects.set(keyOf(this.prefix, obj), obj);
    const relist = this.current !== 0;
    this.current = Math.max(this.current, listed.revision);
    // A relist means we may have missed events: watchers must start over.
    this.history.length = 0;
    this.historyHead = 0;
    this.historyStart = this.current;
    if (relist) {
      for (const l of this.listeners) l.reset();
      this.listeners.clear();
    }
    this.readyResolve();
    this.wake();
  }

  private apply(event: CacheEvent): void {
    if (event.type === "DELETED") this.objects.delete(event.key);
    else {
      if (!this.objects.has(event.key)) this.sortedKeys = undefined;
      this.objects.set(event.key, event.object);
    }
    if (event.type === "DELETED") this.sortedKeys = undefined;
    this.current = event.revision;
    this.history.push(event);
    if (this.history.length - this.historyHead > this.capacity) {
      this.historyStart = this.history[this.historyHead]!.revision;
      this.historyHead++;
      if (this.historyHead > this.capacity) {
        this.history.splice(0, this.historyHead);
        this.historyHead = 0;
      }
    }
    for (const l of this.listeners) l.event(event);
    this.wake();
  }

  private wake(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i]!;
      if (w.revision <= this.current) {
        this.waiters.splice(i, 1);
        w.resolve();
      }
    }
  }

  /** Resolves once the cache has caught up with the store's latest revision (a consistent read). */
  async sync(): Promise<void> {
    await this.ready;
    const latest = await this.store.currentRevision();
    if (latest <= this.current) return;
    await new Promise<void>((resolve) => this.waiters.push({ revision: latest, resolve }));
  }

  get(key: string): StoredObject | undefined {
    return this.objects.get(key);
  }

  /** Objects under a key prefix (e.g. one namespace), sorted by key. */
  list(keyPrefix = this.prefix): { items: { key: string; object: StoredObject }[]; revision: Revision } {
    this.sortedKeys ??= [...this.objects.keys()].sort();
    const keys = this.sortedKeys;
    let i = keyPrefix === this.prefix ? 0 : lowerBound(keys, keyPrefix);
    const items: { key: string; object: StoredObject }[] = [];
    for (; i < keys.length && keys[i]!.startsWith(keyPrefix); i++) {
      items.push({ key: keys[i]!, object: this.objects.get(keys[i]!)! });
    }
    return { items, revision: this.current };
  }

  get size(): number {
    return this.objects.size;
  }

  /**
   * Subscribes to events after `fromRevision`. Returns the events to replay
   * first; the listener gets every later one. Throws 410 when the window no
   * longer holds all events after fromRevision.
   */
  subscribe(fromRevision: Revision, listener: CacheListener): { replay: CacheEvent[]; cancel: () => void } {
    if (fromRevision < this.historyStart) {
      throw gone(`too old resource version: ${fromRevision} (${this.historyStart})`);
    }
    const replay: CacheEvent[] = [];
    if (fromRevision < this.current) {
      let i = this.history.length;
      while (i > this.historyHead && this.history[i - 1]!.revision > fromRevision) i--;
      for (; i < this.history.length; i++) replay.push(this.history[i]!);
    }
    this.listeners.add(listener);
    return { replay, cancel: () => this.listeners.delete(listener) };
  }
}

function keyOf(prefix: string, obj: StoredObject): string {
  const m = obj.metadata as { namespace?: string; name?: string } | undefined;
  return objectKey(prefix, m?.namespace ?? "", m?.name ?? "");
}

function lowerBound(keys: string[], target: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
