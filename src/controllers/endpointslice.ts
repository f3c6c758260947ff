// The EndpointSlice controller (discovery.k8s.io/v1): keeps the slices of
// every Service with a selector in line with the pods it selects. The plan
// is computed by endpoints/desired-slices.ts; this shell writes it and
// remembers its own writes until the cache shows them, so a slow watch never
// makes it create a second set of slices.
import type { Node, Pod, Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { hasReason } from "../client/errors.ts";
import type { KubeClient } from "../client/kube-client.ts";
import { splitObjectKey } from "../client/object-key.ts";
import { inNamespace, resources } from "../client/resources.ts";
import { managedByLabel, managedByValue, planSlices, serviceNameLabel, zoneLabel } from "./endpoints/desired-slices.ts";
import { enqueueOnServiceOrPodChange } from "./endpoints/service-triggers.ts";
import { hasSelector } from "./endpoints/service-pods.ts";
import { informerCache } from "./informer-cache.ts";
import type { ControllerContext } from "./manager.ts";
import { Runner, type Reconciler, type Requeue, type RunnerOptions } from "./runner.ts";
import type { WatchedCache } from "./watched-cache.ts";

export interface EndpointSliceControllerOptions {
  client: KubeClient;
  services: WatchedCache<Service>;
  pods: WatchedCache<Pod>;
  nodes: WatchedCache<Node>;
  slices: WatchedCache<EndpointSlice>;
  maxEndpointsPerSlice?: number;
  workers?: number;
  runner?: Omit<RunnerOptions, "workers">;
}

// How soon to look again while the cache lags behind our own writes, and for
// how long at most: a slice someone else deleted meanwhile never shows up.
const cacheLagRetryMs = 50;
const cacheLagLimitMs = 5_000;

interface Written {
  /** The resourceVersion we wrote, or "deleted". */
  version: string;
  atMs: number;
}

export class EndpointSliceController implements Reconciler {
  readonly name = "endpointslice";
  private readonly runner: Runner;
  /** Per Service key: the slices we wrote that the cache may not show yet. */
  private readonly written = new Map<string, Map<string, Written>>();

  constructor(private readonly options: EndpointSliceControllerOptions) {
    this.runner = new Runner(this, { ...options.runner, workers: options.workers ?? 1 });
    enqueueOnServiceOrPodChange(options.services, options.pods, (key) => this.runner.enqueue(key));
    const sliceChanged = (slice: EndpointSlice) => {
      const service = slice.metadata?.labels?.[serviceNameLabel];
      if (service !== undefined && slice.metadata?.labels?.[managedByLabel] === managedByValue) this.runner.enqueue(`${slice.metadata?.namespace ?? ""}/${service}`);
    };
    options.slices.subscribe({ onAdd: sliceChanged, onUpdate: (_previous, slice) => sliceChanged(slice), onDelete: sliceChanged });
  }

  start(signal: AbortSignal): Promise<void> {
    return this.runner.start(signal);
  }

  async sync(key: string, signal: AbortSignal): Promise<Requeue | void> {
    const { namespace, name } = splitObjectKey(key);
    const service = this.options.services.get(key);
    const existing = this.options.slices
      .list(namespace)
      .filter((s) => s.metadata?.labels?.[serviceNameLabel] === name && s.metadata?.labels?.[managedByLabel] === managedByValue);
    // A deleted Service's slices go with it through their owner reference (the garbage collector).
    if (service === undefined || service.metadata?.deletionTimestamp != null || !hasSelector(service) || service.spec?.type === "ExternalName") {
      this.written.delete(key);
      return;
    }
    if (!this.cacheShowsOurWrites(key, existing)) return { requeueAfterMs: cacheLagRetryMs };
    const plan = planSlices({
      service,
      pods: this.options.pods.list(namespace),
      existing,
      zoneOf: (node) => this.options.nodes.get(node)?.metadata?.labels?.[zoneLabel],
      ...(this.options.maxEndpointsPerSlice === undefined ? {} : { maxEndpoints: this.options.maxEndpointsPerSlice }),
    });
    const api = inNamespace(resources.endpointSlices, namespace);
    const written = this.written.get(key) ?? new Map<string, Written>();
    this.written.set(key, written);
    try {
      for (const slice of plan.create) {
        const created = await this.options.client.create<EndpointSlice>(api, slice, { signal });
        written.set(created.metadata!.name!, { version: created.metadata!.resourceVersion!, atMs: Date.now() });
      }
      for (const slice of plan.update) {
        const updated = await this.options.client.update<EndpointSlice>(api, slice, { signal });
        written.set(updated.metadata!.name!, { version: updated.metadata!.resourceVersion!, atMs: Date.now() });
      }
      for (const slice of plan.remove) {
        await this.options.client.delete(api, slice.metadata!.name!, { signal });
        written.set(slice.metadata!.name!, { version: "deleted", atMs: Date.now() });
      }
    } catch (error) {
      // A stale cache: the watch event that follows brings this key back.
      if (hasReason(error, "Conflict", "NotFound")) return;
      throw error;
    }
  }

  /** True once every slice this controller wrote for the Service is in the cache at least as new as written. */
  private cacheShowsOurWrites(key: string, existing: readonly EndpointSlice[]): boolean {
    const written = this.written.get(key);
    if (written === undefined) return true;
    let allSeen = true;
    for (const [sliceName, { version, atMs }] of written) {
      const cached = existing.find((s) => s.metadata?.name === sliceName);
      const seen = version === "deleted" ? cached === undefined : cached !== undefined && Number(cached.metadata?.resourceVersion) >= Number(version);
      if (seen || Date.now() - atMs > cacheLagLimitMs) written.delete(sliceName);
      else allSeen = false;
    }
    return allSeen;
  }
}

export function endpointSliceControllerFor(context: ControllerContext): EndpointSliceController {
  return new EndpointSliceController({
    client: context.client,
    services: informerCache(context.informers.informerFor<Service>(resources.services)),
    pods: informerCache(context.informers.informerFor<Pod>(resources.pods)),
    nodes: informerCache(context.informers.informerFor<Node>(resources.nodes)),
    slices: informerCache(context.informers.informerFor<EndpointSlice>(resources.endpointSlices)),
    workers: context.workers,
  });
}
