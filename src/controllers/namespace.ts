// The namespace controller: empties a terminating namespace (every namespaced
// resource type that can be deleted), reports progress in status conditions,
// looks again while objects (with finalizers or grace periods) remain, and
// finally removes the "kubernetes" finalizer through namespaces/<n>/finalize
// so that the API server deletes the namespace.
import type { Namespace } from "kubernetes-types/core/v1";
import { builtinResources } from "../api/registry.ts";
import { realClock, type Clock } from "../client/clock.ts";
import { hasReason } from "../client/errors.ts";
import type { KubeClient, KubeObject, ResourceRef } from "../client/kube-client.ts";
import { inNamespace, resources } from "../client/resources.ts";
import { deletionConditions, resourceLabel, type DeletionOutcome } from "./namespace/deletion-conditions.ts";
import { resourceCatalog, type CatalogEntry } from "./garbage-collector/resource-catalog.ts";
import { informerCache } from "./informer-cache.ts";
import type { ControllerContext } from "./manager.ts";
import { Runner, type Reconciler, type Requeue, type RunnerOptions } from "./runner.ts";
import type { WatchedCache } from "./watched-cache.ts";

export interface NamespaceControllerOptions {
  client: KubeClient;
  namespaces: WatchedCache<Namespace>;
  /** The resource types to empty (the namespaced ones are used). */
  catalog: readonly CatalogEntry[];
  workers?: number;
  clock?: Clock;
  /** How long to wait before looking at a namespace whose content is still going. */
  recheckMs?: number;
  runner?: Omit<RunnerOptions, "workers" | "clock">;
}

export const namespaceFinalizer = "kubernetes";

export class NamespaceController implements Reconciler {
  readonly name = "namespace";
  private readonly client: KubeClient;
  private readonly namespaces: WatchedCache<Namespace>;
  private readonly catalog: readonly CatalogEntry[];
  private readonly clock: Clock;
  private readonly recheckMs: number;
  private readonly runner: Runner;

  constructor(options: NamespaceControllerOptions) {
    this.client = options.client;
    this.namespaces = options.namespaces;
    this.catalog = options.catalog.filter((entry) => entry.namespaced);
    this.clock = options.clock ?? realClock;
    this.recheckMs = options.recheckMs ?? 1_000;
    this.runner = new Runner(this, { ...options.runner, workers: options.workers ?? 1, clock: this.clock });
    const consider = (ns: Namespace) => {
      if (ns.metadata?.deletionTimestamp != null) this.runner.enqueue(ns.metadata.name ?? "");
    };
    this.namespaces.subscribe({ onAdd: consider, onUpdate: (_previous, ns) => consider(ns), onDelete: () => {} });
  }

  start(signal: AbortSignal): Promise<void> {
    return this.runner.start(signal);
  }

  async sync(name: string, signal: AbortSignal): Promise<Requeue | void> {
    const cached = this.namespaces.get(name);
    if (cached?.metadata?.deletionTimestamp == null) return;
    if (!(cached.spec?.finalizers ?? []).includes(namespaceFinalizer)) return;
    const outcome = await this.deleteContent(name, signal);
    const conditions = deletionConditions(cached.status?.conditions ?? [], outcome, rfc3339Seconds(this.clock.now()));
    let latest = cached;
    if (conditions !== undefined) {
      try {
        latest = await this.client.updateStatus<Namespace>(resources.namespaces, { ...cached, status: { ...cached.status, conditions } }, { signal });
      } catch (e) {
        // A stale copy: the update it causes brings this namespace back with fresh data.
        if (!hasReason(e, "Conflict", "NotFound")) throw e;
      }
    }
    const left = [...outcome.remaining.values()].reduce((a, b) => a + b, 0);
    if (left > 0 || outcome.deleteErrors.length > 0) return { requeueAfterMs: this.recheckMs };
    const finalizers = (latest.spec?.finalizers ?? []).filter((f) => f !== namespaceFinalizer);
    try {
      await this.client.update<Namespace>(resources.namespaces, { ...latest, spec: { ...latest.spec, finalizers } }, { subresource: "finalize", signal });
    } catch (e) {
      if (!hasReason(e, "NotFound")) throw e;
    }
  }

  /** Deletes what is in the namespace, then lists again: answers what is left and what failed. */
  private async deleteContent(namespace: string, signal: AbortSignal): Promise<DeletionOutcome> {
    const remaining = new Map<string, number>();
    const finalizersRemaining = new Map<string, number>();
    const deleteErrors: string[] = [];
    const failed = new Set<CatalogEntry>();
    for (const entry of this.catalog) {
      try {
        const resource = inNamespace(entry.resource, namespace);
        const listed = await this.client.list<KubeObject>(resource, { signal });
        for (const object of listed.items) if (object.metadata?.deletionTimestamp == null) await this.deleteOne(resource, object, signal);
      } catch (e) {
        if (signal.aborted) throw e;
        failed.add(entry);
        deleteErrors.push(`${resourceLabel(entry.resource.plural, entry.resource.group)}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    for (const entry of this.catalog) {
      if (failed.has(entry)) continue;
      const left = (await this.client.list<KubeObject>(inNamespace(entry.resource, namespace), { signal })).items;
      if (left.length > 0) remaining.set(resourceLabel(entry.resource.plural, entry.resource.group), left.length);
      for (const object of left) for (const finalizer of object.metadata?.finalizers ?? []) finalizersRemaining.set(finalizer, (finalizersRemaining.get(finalizer) ?? 0) + 1);
    }
    return { deleteErrors, remaining, finalizersRemaining };
  }

  private async deleteOne(resource: ResourceRef, object: KubeObject, signal: AbortSignal): Promise<void> {
    try {
      await this.client.delete<KubeObject>(resource, object.metadata?.name ?? "", { propagationPolicy: "Background", preconditions: { uid: object.metadata?.uid ?? "" }, signal });
    } catch (e) {
      // Gone already, or another object took the name meanwhile (the next pass sees it).
      if (!hasReason(e, "NotFound", "Conflict")) throw e;
    }
  }
}

/** The manager's entry. */
export function namespaceController(context: ControllerContext): NamespaceController {
  return new NamespaceController({ client: context.client, namespaces: informerCache(context.informers.informerFor<Namespace>(resources.namespaces)), catalog: resourceCatalog(builtinResources), workers: context.workers });
}

function rfc3339Seconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}
