// The Endpoints controller (core/v1): one Endpoints object per Service with a
// selector, same name, listing the selected pods' addresses by readiness
// (endpoints/desired-endpoints.ts). Written only when its subsets or labels
// change; the Endpoints of a deleted Service are deleted.
import type { Endpoints, Pod, Service } from "kubernetes-types/core/v1";
import { realClock, type Clock } from "../client/clock.ts";
import { hasReason } from "../client/errors.ts";
import type { KubeClient } from "../client/kube-client.ts";
import { splitObjectKey } from "../client/object-key.ts";
import { inNamespace, resources } from "../client/resources.ts";
import { desiredSubsets, endpointsLabels } from "./endpoints/desired-endpoints.ts";
import { enqueueOnServiceOrPodChange } from "./endpoints/service-triggers.ts";
import { hasSelector } from "./endpoints/service-pods.ts";
import { informerCache } from "./informer-cache.ts";
import type { ControllerContext } from "./manager.ts";
import { Runner, type Reconciler, type RunnerOptions } from "./runner.ts";
import type { WatchedCache } from "./watched-cache.ts";

export const lastChangeTriggerTimeAnnotation = "endpoints.kubernetes.io/last-change-trigger-time";

export interface EndpointsControllerOptions {
  client: KubeClient;
  services: WatchedCache<Service>;
  pods: WatchedCache<Pod>;
  endpoints: WatchedCache<Endpoints>;
  clock?: Clock;
  workers?: number;
  runner?: Omit<RunnerOptions, "workers">;
}

/** JSON with sorted keys: the server may store fields in another order than we build them. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}

export class EndpointsController implements Reconciler {
  readonly name = "endpoints";
  private readonly runner: Runner;
  private readonly clock: Clock;

  constructor(private readonly options: EndpointsControllerOptions) {
    this.clock = options.clock ?? realClock;
    this.runner = new Runner(this, { ...options.runner, workers: options.workers ?? 1 });
    enqueueOnServiceOrPodChange(options.services, options.pods, (key) => this.runner.enqueue(key));
    // Someone else's edit of managed Endpoints is undone.
    const endpointsChanged = (endpoints: Endpoints) => {
      if (options.services.get(`${endpoints.metadata?.namespace ?? ""}/${endpoints.metadata?.name ?? ""}`) !== undefined) this.runner.enqueue(`${endpoints.metadata?.namespace ?? ""}/${endpoints.metadata?.name ?? ""}`);
    };
    options.endpoints.subscribe({ onAdd: endpointsChanged, onUpdate: (_previous, endpoints) => endpointsChanged(endpoints), onDelete: endpointsChanged });
  }

  start(signal: AbortSignal): Promise<void> {
    return this.runner.start(signal);
  }

  async sync(key: string, signal: AbortSignal): Promise<void> {
    const { namespace, name } = splitObjectKey(key);
    const api = inNamespace(resources.endpoints, namespace);
    const service = this.options.services.get(key);
    const current = this.options.endpoints.get(key);
    try {
      if (service === undefined) {
        if (current !== undefined) await this.options.client.delete(api, name, { signal });
        return;
      }
      if (!hasSelector(service)) return;
      const subsets = desiredSubsets(service, this.options.pods.list(namespace));
      const labels = endpointsLabels(service);
      if (current !== undefined && canonical(current.subsets ?? []) === canonical(subsets) && canonical(current.metadata?.labels ?? {}) === canonical(labels)) return;
      const annotations = { ...current?.metadata?.annotations, [lastChangeTriggerTimeAnnotation]: new Date(this.clock.now()).toISOString().replace(/\.\d+Z$/, "Z") };
      const metadata = { ...current?.metadata, name, namespace, labels, annotations };
      // No pods: no subsets field at all, as upstream's Endpoints show.
      const wanted: Endpoints = { apiVersion: "v1", kind: "Endpoints", metadata, ...(subsets.length > 0 ? { subsets } : {}) };
      if (current === undefined) await this.options.client.create<Endpoints>(api, wanted, { signal });
      else await this.options.client.update<Endpoints>(api, wanted, { signal });
    } catch (error) {
      // A stale cache: the watch event that follows brings this key back.
      if (hasReason(error, "AlreadyExists", "Conflict", "NotFound")) return;
      throw error;
    }
  }
}

export function endpointsControllerFor(context: ControllerContext): EndpointsController {
  return new EndpointsController({
    client: context.client,
    services: informerCache(context.informers.informerFor<Service>(resources.services)),
    pods: informerCache(context.informers.informerFor<Pod>(resources.pods)),
    endpoints: informerCache(context.informers.informerFor<Endpoints>(resources.endpoints)),
    workers: context.workers,
  });
}
