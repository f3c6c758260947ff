// Caches of stored objects, kept current by ONE watch on the store.
//
// A StoreFeed follows every change under /registry/ and hands each event to
// the cache of the resource it belongs to. Because one feed sees every
// revision, "the caches have caught up with the store" is a single number:
// the feed's position. Each WatchCache holds the current objects of one
// stored resource and a window of its recent events; LIST, GET and WATCH
// are served from it, writes go to the store.
import type { Revision, Store, StoredObject, WatchEventType } from "../storage/store.ts";
import { isStoreError } from "../storage/store.ts";
import { deepFreeze } from "../storage/watch-hub.ts";
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

const registryRoot = "/registry/";

/** The storage segment of a key: /registry/<storage>/... */
function storageOf(key: string): string {
  const end = key.indexOf("/", registryRoot.length);
  return end < 0 ? "" : key.slice(registryRoot.length, end);
}

export class StoreFeed {
  private readonly caches = new Map<string, WatchCache>();
  private position: Revision = 0;
  private readonly waiters: { revision: Revision; resolve: () => void }[] = [];
  private startedResolve!: () => void;
  private readonly started = new Promise<void>((r) => (this.startedResolve = r));

  constructor(readonly store: Store) {}

  get revision(): Revision {
    return this.position;
  }

  /** Follows the store until signal aborts; on a lost position every cache relists. */
  async start(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        if (this.position === 0) {
          this.position = await this.store.currentRevision();
          this.startedResolve();
        }
        for await (const e of this.store.watch({ prefix: registryRoot, fromRevision: this.position, signal })) {
          this.position = e.revision;
          this.caches.get(storageOf(e.key))?.apply({ type: e.type, key: e.key, object: e.object, prevObject: e.prevObject, revision: e.revision });
          this.wake();
        }
      } catch (e) {
        if (signal.aborted) break;
        if (isStoreError(e, "Expired")) {
          this.position = await this.store.currentRevision();
          for (const c of this.caches.values()) c.invalidate();
          continue;
        }
        if (!isStoreError(e, "Unavailable")) throw e;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  private wake(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i]!;
      if (w.revision <= this.position) {
        this.waiters.splice(i, 1);
        w.resolve();
      }
    }
  }

  /** Resolves once every change the store has committed so far has reached the caches. */
  async sync(): Promise<void> {
    await this.started;
    const latest = await this.store.currentRevision();
    if (latest <= this.position) return;
    await new Promise<void>((resolve) => this.waiters.push({ revision: latest, resolve }));
  }

  /** The cache of one stored resource (by its storage name), made on first use. */
  cache(storage: string, options: { capacity?: number } = {}): WatchCache {
    let cache = this.caches.get(storage);
    if (cache === undefined) {
      cache = new WatchCache(this, `${registryRoot}${storage}/`, options.capacity ?? 10_000);
      this.caches.set(storage, cache);
    }
    return cache;
  }

  /** Waits for the feed to start, for a cache's first list. */
  async startPosition(): Promise<Revision> {
    await this.started;
    return this.position;
  }
}

export class WatchCache {
  private readonly objects = new Map<string, StoredObject>();
  private sortedKeys: string[] | undefined;
  private readonly history: CacheEvent[] = [];
  private historyHead = 0;
  /** All of this resource's events after this revision are in `history`. */
  private historyStart: Revision = 0;
  private readonly listeners = new Set<CacheListener>();
  /** Events that arrive while the first list is being read. */
  private buffered: CacheEvent[] | undefined = [];
  private loading: Promise<void> | undefined;

  constructor(
    private readonly feed: StoreFeed,
    readonly prefix: string,
    private readonly capacity: number,
  ) {}

  /** The revision every object in the cache is current at: the feed's position. */
  get revision(): Revision {
    return this.feed.revision;
  }

  /** Resolves once the cache holds the objects (listing the store on first use). */
  ready(): Promise<void> {
    this.loading ??= this.load();
    return this.loading;
  }

  /** A consistent read: loaded, and caught up with every committed change. */
  async sync(): Promise<void> {
    await this.ready();
    await this.feed.sync();
  }

  private async load(): Promise<void> {
    this.buffered = [];
    const at = await this.feed.startPosition();
    const listed = await this.feed.store.list<StoredObject>(at > 0 ? { prefix: this.prefix, revision: at } : { prefix: this.prefix });
    this.objects.clear();
    this.sortedKeys = undefined;
    // Frozen like the store's watch events: shared by every reader, serialized once.
    for (const obj of listed.items) this.objects.set(keyOf(this.prefix, obj), deepFreeze(obj));
    this.history.length = 0;
    this.historyHead = 0;
    this.historyStart = listed.revision;
    const pending = this.buffered;
    this.buffered = undefined;
    for (const e of pending) if (e.revision > listed.revision) this.apply(e);
  }

  /** The feed lost its position: relist, and end every watcher (they may have missed events). */
  invalidate(): void {
    for (const l of this.listeners) l.reset();
    this.listeners.clear();
    if (this.loading !== undefined) this.loading = this.load();
  }

  apply(event: CacheEvent): void {
    if (this.buffered !== undefined) {
      this.buffered.push(event);
      return;
    }
    if (this.loading === undefined) return;
    if (event.type === "DELETED") {
      this.objects.delete(event.key);
      this.sortedKeys = undefined;
    } else {
      if (!this.objects.has(event.key)) this.sortedKeys = undefined;
      this.objects.set(event.key, event.object);
    }
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
  }

  get(key: string): StoredObject | undefined {
    return this.objects.get(key);
  }

  /** Objects under a key prefix (e.g. one namespace), sorted by key, and the revision they are current at. */
  list(keyPrefix = this.prefix): { items: { key: string; object: StoredObject }[]; revision: Revision } {
    this.sortedKeys ??= [...this.objects.keys()].sort();
    const keys = this.sortedKeys;
    let i = keyPrefix === this.prefix ? 0 : lowerBound(keys, keyPrefix);
    const items: { key: string; object: StoredObject }[] = [];
    for (; i < keys.length && keys[i]!.startsWith(keyPrefix); i++) {
      items.push({ key: keys[i]!, object: this.objects.get(keys[i]!)! });
    }
    return { items, revision: this.revision };
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
    let i = this.history.length;
    while (i > this.historyHead && this.history[i - 1]!.revision > fromRevision) i--;
    for (; i < this.history.length; i++) replay.push(this.history[i]!);
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
