// One informer per (resource, namespace, selectors) for a whole process
// (client-go's SharedInformerFactory): the scheduler, every controller and the
// kubelet asking for pods share one watch and one cache.
import { setMaxListeners } from "node:events";
import type { Clock } from "./clock.ts";
import { InvalidClientOptionError } from "./errors.ts";
import type { KubeClient, KubeObject, ResourceRef } from "./kube-client.ts";
import { listerWatcher } from "./lister-watcher.ts";
import type { ReflectorOptions } from "./reflector.ts";
import { SharedIndexInformer } from "./shared-informer.ts";

export interface InformerScope {
  /** "" or absent: all namespaces (or a cluster-scoped resource). */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface InformerFactoryOptions {
  /** Default resync period of every informer's handlers; 0 (default) never. */
  resyncPeriodMs?: number;
  clock?: Clock;
  reflector?: Omit<ReflectorOptions, "clock" | "name">;
}

export class SharedInformerFactory {
  private readonly informers = new Map<string, SharedIndexInformer<KubeObject>>();
  private readonly running = new Set<Promise<void>>();
  private signal: AbortSignal | undefined;

  constructor(
    private readonly client: KubeClient,
    private readonly options: InformerFactoryOptions = {},
  ) {}

  /** The shared informer for resource within scope, made on first request (and started if the factory runs). */
  informerFor<T extends KubeObject>(resource: ResourceRef, scope: InformerScope = {}): SharedIndexInformer<T> {
    const namespace = scope.namespace ?? resource.namespace ?? "";
    const key = [resource.group, resource.version, resource.plural, namespace, scope.labelSelector ?? "", scope.fieldSelector ?? ""].join("|");
    const existing = this.informers.get(key);
    if (existing !== undefined) return existing as unknown as SharedIndexInformer<T>;
    const { group, version, plural } = resource;
    const source = listerWatcher<T>(this.client, namespace ? { group, version, plural, namespace } : { group, version, plural }, scope);
    const name = `${group || "core"}/${version}/${plural}${namespace ? ` in ${namespace}` : ""}`;
    const informer = new SharedIndexInformer<T>(source, {
      name,
      ...(this.options.resyncPeriodMs !== undefined ? { resyncPeriodMs: this.options.resyncPeriodMs } : {}),
      ...(this.options.clock !== undefined ? { clock: this.options.clock } : {}),
      ...(this.options.reflector !== undefined ? { reflector: this.options.reflector } : {}),
    });
    this.informers.set(key, informer as unknown as SharedIndexInformer<KubeObject>);
    if (this.signal !== undefined && !this.signal.aborted) this.launch(informer as unknown as SharedIndexInformer<KubeObject>, this.signal);
    return informer;
  }

  /** Runs every informer, including those requested later, until signal aborts; resolves once all have stopped. */
  async start(signal: AbortSignal): Promise<void> {
    if (this.signal !== undefined && !this.signal.aborted) throw new InvalidClientOptionError("the informer factory is running already");
    // Each informer listens for the stop; they do so on a private signal without a listener limit, the caller's gets one listener.
    const own = new AbortController();
    setMaxListeners(0, own.signal);
    this.signal = own.signal;
    if (signal.aborted) own.abort();
    for (const informer of this.informers.values()) this.launch(informer, own.signal);
    if (!signal.aborted) await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
    own.abort();
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  /** Resolves true once every informer requested so far has synced, false if signal aborts first. */
  async waitForSync(signal?: AbortSignal): Promise<boolean> {
    const informers = [...this.informers.values()];
    if (signal === undefined) return (await Promise.all(informers.map((informer) => informer.waitForSync()))).every(Boolean);
    // One listener on the caller's signal however many informers wait (dozens would trip MaxListenersExceededWarning);
    // the informers listen to a private signal, which also drops their waiters once this wait is over.
    const own = new AbortController();
    setMaxListeners(informers.length + 1, own.signal);
    const forward = () => own.abort();
    signal.addEventListener("abort", forward, { once: true });
    if (signal.aborted) own.abort();
    try {
      return (await Promise.all(informers.map((informer) => informer.waitForSync(own.signal)))).every(Boolean);
    } finally {
      signal.removeEventListener("abort", forward);
      own.abort();
    }
  }

  private launch(informer: SharedIndexInformer<KubeObject>, signal: AbortSignal): void {
    const run = informer.start(signal).finally(() => this.running.delete(run));
    this.running.add(run);
  }
}
