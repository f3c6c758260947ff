// One reflector feeding one indexed cache and any number of event handlers
// (client-go's SharedIndexInformer). Handlers run synchronously in the order
// events arrive and should only enqueue keys. A relist reports objects that
// vanished meanwhile as deletes with finalStateUnknown (upstream's
// DeletedFinalStateUnknown tombstone): the object is the last state the cache
// saw, not the state the server deleted.
import { realClock, type CancelTimer, type Clock } from "./clock.ts";
import { InvalidClientOptionError } from "./errors.ts";
import { Indexer, namespaceIndex, namespaceIndexFunc, type IndexFunc, type IndexerReader } from "./indexer.ts";
import type { KubeObject } from "./kube-client.ts";
import type { ListerWatcher } from "./lister-watcher.ts";
import { objectKey } from "./object-key.ts";
import { Reflector, type ReflectorOptions, type ReflectorSink } from "./reflector.ts";

export interface ResourceEventHandler<T> {
  /** isInInitialList: the object came with the first list, before hasSynced(). */
  onAdd?(obj: T, isInInitialList: boolean): void;
  /** Also called with old === new state on resync, and for every known object after a relist. */
  onUpdate?(oldObj: T, newObj: T): void;
  /** finalStateUnknown: a relist found the object gone, obj is the last state the cache had. */
  onDelete?(obj: T, finalStateUnknown: boolean): void;
}

export interface HandlerRegistration {
  remove(): void;
}

export interface InformerOptions<T> {
  /** Period of onUpdate(obj, obj) for every cached object; 0 (default) never. */
  resyncPeriodMs?: number;
  indexers?: Record<string, IndexFunc<T>>;
  clock?: Clock;
  reflector?: Omit<ReflectorOptions, "clock">;
  /** Told about exceptions thrown by handlers (default: logged to stderr). */
  onHandlerError?: (error: unknown) => void;
  name?: string;
}

interface Listener<T> {
  handler: ResourceEventHandler<T>;
  resyncPeriodMs: number;
  cancelResync?: CancelTimer;
}

export class SharedIndexInformer<T extends KubeObject> {
  private readonly cache: Indexer<T>;
  private readonly listeners = new Set<Listener<T>>();
  private readonly clock: Clock;
  private readonly reflector: Reflector<T>;
  private synced = false;
  private readonly syncWaiters = new Set<() => void>();
  private running = false;

  constructor(
    source: ListerWatcher<T>,
    private readonly options: InformerOptions<T> = {},
  ) {
    this.clock = options.clock ?? realClock;
    this.cache = new Indexer<T>(objectKey, { [namespaceIndex]: namespaceIndexFunc, ...options.indexers });
    const sink: ReflectorSink<T> = {
      replace: (items) => this.replace(items),
      added: (obj) => this.upsert(obj),
      modified: (obj) => this.upsert(obj),
      deleted: (obj) => this.remove(obj),
    };
    const reflectorOptions: ReflectorOptions = { ...options.reflector, clock: this.clock };
    if (options.name !== undefined && reflectorOptions.name === undefined) reflectorOptions.name = options.name;
    this.reflector = new Reflector(source, sink, reflectorOptions);
  }

  /** The local cache; read-only for everyone but the informer. */
  get indexer(): IndexerReader<T> {
    return this.cache;
  }

  get lastSyncResourceVersion(): string {
    return this.reflector.lastSyncResourceVersion;
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves true once the first list is in the cache, or false if signal aborts first. */
  waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (result: boolean) => {
        this.syncWaiters.delete(onSynced);
        signal?.removeEventListener("abort", onAbort);
        resolve(result);
      };
      const onSynced = () => done(true);
      const onAbort = () => done(false);
      this.syncWaiters.add(onSynced);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  addIndexers(indexers: Record<string, IndexFunc<T>>): void {
    this.cache.addIndexers(indexers);
  }

  /**
   * Adds a handler; if the cache holds objects already, the handler first gets
   * an onAdd for each of them.
   */
  addEventHandler(handler: ResourceEventHandler<T>, options: { resyncPeriodMs?: number } = {}): HandlerRegistration {
    const listener: Listener<T> = { handler, resyncPeriodMs: options.resyncPeriodMs ?? this.options.resyncPeriodMs ?? 0 };
    this.listeners.add(listener);
    for (const obj of this.cache.list()) this.call(() => handler.onAdd?.(obj, !this.synced));
    if (this.running) this.armResync(listener);
    return {
      remove: () => {
        listener.cancelResync?.();
        this.listeners.delete(listener);
      },
    };
  }

  /** Runs until signal aborts; resolves once the reflector and resync timers have stopped. */
  async start(signal: AbortSignal): Promise<void> {
    if (this.running) throw new InvalidClientOptionError(`informer ${this.options.name ?? ""} is running already`);
    this.running = true;
    for (const listener of this.listeners) this.armResync(listener);
    try {
      await this.reflector.run(signal);
    } finally {
      this.running = false;
      for (const listener of this.listeners) listener.cancelResync?.();
    }
  }

  private replace(items: T[]): void {
    const initial = !this.synced;
    const fresh = new Set<string>();
    for (const obj of items) {
      fresh.add(objectKey(obj));
      this.upsert(obj, initial);
    }
    for (const key of this.cache.listKeys()) {
      if (fresh.has(key)) continue;
      const last = this.cache.getByKey(key)!;
      this.cache.delete(last);
      this.notify((h) => h.onDelete?.(last, true));
    }
    if (initial) {
      this.synced = true;
      for (const resolve of [...this.syncWaiters]) resolve();
    }
  }

  private upsert(obj: T, isInInitialList = false): void {
    const old = this.cache.get(obj);
    this.cache.update(obj);
    if (old === undefined) this.notify((h) => h.onAdd?.(obj, isInInitialList));
    else this.notify((h) => h.onUpdate?.(old, obj));
  }

  private remove(obj: T): void {
    this.cache.delete(obj);
    this.notify((h) => h.onDelete?.(obj, false));
  }

  private notify(deliver: (handler: ResourceEventHandler<T>) => void): void {
    for (const listener of this.listeners) this.call(() => deliver(listener.handler));
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      if (this.options.onHandlerError) this.options.onHandlerError(e);
      else console.error(`informer ${this.options.name ?? ""}: event handler failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  }

  private armResync(listener: Listener<T>): void {
    if (listener.resyncPeriodMs <= 0) return;
    listener.cancelResync?.();
    listener.cancelResync = this.clock.setTimer(listener.resyncPeriodMs, () => {
      if (!this.listeners.has(listener) || !this.running) return;
      // Before the first list there is nothing to resync from.
      if (this.synced) for (const obj of this.cache.list()) this.call(() => listener.handler.onUpdate?.(obj, obj));
      this.armResync(listener);
    });
  }
}
