// The garbage collector: deletes objects whose owners are gone, drives
// foreground deletion (dependents first, then the owner's foregroundDeletion
// finalizer) and orphaning (owner references removed, then the orphan
// finalizer). It watches every deletable resource type through one shared
// informer each, keeps an owner graph by uid, and acts through the API like
// any client. Work-queue keys are object uids.
import type { ObjectMeta, OwnerReference } from "kubernetes-types/meta/v1";
import { builtinResources } from "../api/registry.ts";
import { hasReason } from "../client/errors.ts";
import type { KubeClient, KubeObject, ResourceRef } from "../client/kube-client.ts";
import { inNamespace } from "../client/resources.ts";
import type { SharedIndexInformer } from "../client/shared-informer.ts";
import type { SharedInformerFactory } from "../client/shared-informer-factory.ts";
import { OwnerGraph, type GraphNode } from "./garbage-collector/owner-graph.ts";
import {
  foregroundFinalizer,
  orphanFinalizer,
  planDependent,
  planForegroundOwner,
  withoutFinalizer,
  withoutOwner,
  type OwnerState,
  type ResolvedOwner,
} from "./garbage-collector/plan.ts";
import { entryForKind, resourceCatalog, type CatalogEntry } from "./garbage-collector/resource-catalog.ts";
import type { ControllerContext } from "./manager.ts";
import { Runner, type Reconciler, type RunnerOptions } from "./runner.ts";

export interface GarbageCollectorOptions {
  client: KubeClient;
  informers: SharedInformerFactory;
  /** The resource types to watch (see resourceCatalog). */
  catalog: readonly CatalogEntry[];
  workers?: number;
  runner?: Omit<RunnerOptions, "workers">;
}

const fieldManager = "garbage-collector";

export class GarbageCollector implements Reconciler {
  readonly name = "garbage-collector";
  readonly graph = new OwnerGraph();
  private readonly client: KubeClient;
  private readonly catalog: readonly CatalogEntry[];
  private readonly informers: SharedInformerFactory;
  private readonly runner: Runner;
  private readonly watched: Array<SharedIndexInformer<KubeObject>> = [];

  constructor(options: GarbageCollectorOptions) {
    this.client = options.client;
    this.catalog = options.catalog;
    this.informers = options.informers;
    this.runner = new Runner(this, { ...options.runner, workers: options.workers ?? 1 });
  }

  /**
   * Watches every catalog type, waits until each has listed once (so an owner
   * missing from the graph is really missing), then works until signal aborts.
   */
  async start(signal: AbortSignal): Promise<void> {
    this.catalog.forEach((entry, type) => {
      const informer = this.informers.informerFor<KubeObject>(entry.resource);
      this.watched.push(informer);
      informer.addEventHandler({
        onAdd: (object) => this.observe(type, object),
        onUpdate: (_previous, object) => this.observe(type, object),
        onDelete: (object) => this.forget(object),
      });
    });
    const synced = await Promise.all(this.watched.map((informer) => informer.waitForSync(signal)));
    if (!synced.every(Boolean)) return;
    await this.runner.start(signal);
  }

  private observe(type: number, object: KubeObject): void {
    const m = object.metadata;
    if (m?.uid === undefined) return;
    const previous = this.graph.get(m.uid);
    const node: GraphNode = {
      uid: m.uid,
      type,
      namespace: m.namespace ?? "",
      name: m.name ?? "",
      owners: m.ownerReferences ?? [],
      deleting: m.deletionTimestamp != null,
      finalizers: m.finalizers ?? [],
    };
    const touchedOwners = this.graph.upsert(node);
    const collecting = node.finalizers.includes(orphanFinalizer) || node.finalizers.includes(foregroundFinalizer);
    if (node.owners.length > 0 || (node.deleting && collecting)) this.runner.enqueue(node.uid);
    // An owner deleting in the foreground waits on this object's blockOwnerDeletion references and its deletion.
    for (const uid of new Set([...touchedOwners, ...node.owners.map((o) => o.uid), ...(previous?.owners.map((o) => o.uid) ?? [])])) this.enqueueIfDeleting(uid);
  }

  private forget(object: KubeObject): void {
    const uid = object.metadata?.uid;
    if (uid === undefined) return;
    const node = this.graph.remove(uid);
    for (const dependent of this.graph.dependentsOf(uid)) this.runner.enqueue(dependent.uid);
    for (const owner of node?.owners ?? []) this.enqueueIfDeleting(owner.uid);
  }

  private enqueueIfDeleting(uid: string): void {
    if (this.graph.get(uid)?.deleting) this.runner.enqueue(uid);
  }

  async sync(uid: string, signal: AbortSignal): Promise<void> {
    const node = this.graph.get(uid);
    if (node === undefined) return;
    const entry = this.catalog[node.type]!;
    const meta = this.cached(node)?.metadata;
    if (meta === undefined) return;
    const finalizers = meta.finalizers ?? [];
    if (meta.deletionTimestamp != null) {
      if (finalizers.includes(orphanFinalizer)) return this.orphanDependents(entry, meta, signal);
      if (finalizers.includes(foregroundFinalizer)) return this.deleteDependentsFirst(entry, meta, signal);
      return;
    }
    if (node.owners.length === 0) return;
    const owners: ResolvedOwner[] = [];
    for (const ref of node.owners) owners.push({ ref, state: await this.ownerState(ref, node, signal) });
    const plan = planDependent({ deleting: false, finalizers, hasDependents: this.graph.dependentsOf(uid).length > 0 }, owners);
    const here = this.where(entry, node.namespace);
    switch (plan.action) {
      case "none":
        return;
      case "setOwnerReferences":
        return this.patchMeta(here, meta, { ownerReferences: plan.ownerReferences.length > 0 ? plan.ownerReferences : null }, signal);
      case "delete":
        await ignoreNotFound(this.client.delete(here, node.name, { propagationPolicy: plan.propagationPolicy, preconditions: { uid, resourceVersion: meta.resourceVersion! }, signal }));
        return;
    }
  }

  /** Where an owner reference points, judged from the graph first and the API second (by uid, never by name alone). */
  private async ownerState(ref: OwnerReference, dependent: GraphNode, signal: AbortSignal): Promise<OwnerState> {
    const entry = entryForKind(this.catalog, ref.apiVersion, ref.kind);
    if (entry === undefined) return "unresolvable";
    // A cluster-scoped object cannot be owned by a namespaced one; such a reference is never acted on.
    if (entry.namespaced && dependent.namespace === "") return "unresolvable";
    const namespace = entry.namespaced ? dependent.namespace : "";
    const known = this.graph.get(ref.uid);
    if (known !== undefined) {
      // A namespaced owner owns dependents of its own namespace only.
      if (known.namespace !== namespace) return "absent";
      return known.deleting && known.finalizers.includes(foregroundFinalizer) ? "waitingForDependentsDeletion" : "present";
    }
    try {
      const owner = await this.client.get<KubeObject>(this.where(entry, namespace), ref.name, { signal });
      if (owner.metadata?.uid !== ref.uid) return "absent";
      return owner.metadata.deletionTimestamp != null && (owner.metadata.finalizers ?? []).includes(foregroundFinalizer) ? "waitingForDependentsDeletion" : "present";
    } catch (e) {
      if (hasReason(e, "NotFound")) return "absent";
      throw e;
    }
  }

  private async orphanDependents(entry: CatalogEntry, owner: ObjectMeta, signal: AbortSignal): Promise<void> {
    for (const dependent of this.graph.dependentsOf(owner.uid!)) {
      const object = this.cached(dependent);
      if (object?.metadata === undefined) continue;
      const remaining = withoutOwner(object.metadata.ownerReferences ?? [], owner.uid!);
      await this.patchMeta(this.where(this.catalog[dependent.type]!, dependent.namespace), object.metadata, { ownerReferences: remaining.length > 0 ? remaining : null }, signal);
    }
    await this.removeFinalizer(entry, owner, orphanFinalizer, signal);
  }

  private async deleteDependentsFirst(entry: CatalogEntry, owner: ObjectMeta, signal: AbortSignal): Promise<void> {
    const dependents = this.graph.dependentsOf(owner.uid!);
    const plan = planForegroundOwner(owner.uid!, dependents);
    // Each dependent's own sync sees its owner waiting and picks its propagation.
    for (const uid of plan.deleteDependents) this.runner.enqueue(uid);
    if (plan.removeFinalizer) await this.removeFinalizer(entry, owner, foregroundFinalizer, signal);
  }

  private removeFinalizer(entry: CatalogEntry, meta: ObjectMeta, finalizer: string, signal: AbortSignal): Promise<void> {
    const remaining = withoutFinalizer(meta.finalizers ?? [], finalizer);
    return this.patchMeta(this.where(entry, meta.namespace ?? ""), meta, { finalizers: remaining.length > 0 ? remaining : null }, signal);
  }

  /** A merge patch of metadata, conditional on the version the decision was made from (a conflict retries with fresher data). */
  private async patchMeta(resource: ResourceRef, meta: ObjectMeta, change: Record<string, unknown>, signal: AbortSignal): Promise<void> {
    await ignoreNotFound(this.client.patch(resource, meta.name!, "merge", { metadata: { ...change, resourceVersion: meta.resourceVersion } }, { fieldManager, signal }));
  }

  private cached(node: GraphNode): KubeObject | undefined {
    const object = this.watched[node.type]?.indexer.getByKey(node.namespace ? `${node.namespace}/${node.name}` : node.name);
    return object?.metadata?.uid === node.uid ? object : undefined;
  }

  private where(entry: CatalogEntry, namespace: string): ResourceRef {
    return entry.namespaced ? inNamespace(entry.resource, namespace) : entry.resource;
  }
}

/** The manager's entry: every built-in deletable type (custom resources are not collected yet). */
export function garbageCollector(context: ControllerContext): GarbageCollector {
  return new GarbageCollector({ client: context.client, informers: context.informers, catalog: resourceCatalog(builtinResources), workers: context.workers });
}

async function ignoreNotFound(request: Promise<unknown>): Promise<void> {
  try {
    await request;
  } catch (e) {
    if (!hasReason(e, "NotFound")) throw e;
  }
}
