// The DaemonSet controller: one daemon pod on every node the pod template fits
// (nodeSelector, required node affinity, taints), pinned to its node through a
// matchFields affinity term; pods go from nodes that stop fitting, extra pods
// from crowded nodes, failed pods are replaced. Templates are recorded as
// ControllerRevisions <ds>-<hash>; RollingUpdate replaces old pods within
// maxUnavailable/maxSurge, OnDelete waits for a user to delete them. The
// decisions live in daemonset/*.ts; this file reads caches and writes.
import type { ControllerRevision, DaemonSet, DaemonSetStatus } from "kubernetes-types/apps/v1";
import type { Node, Pod } from "kubernetes-types/core/v1";
import { realClock, type Clock } from "../client/clock.ts";
import { hasReason } from "../client/errors.ts";
import type { KubeClient, KubeObject, ResourceRef } from "../client/kube-client.ts";
import { objectKey, splitObjectKey } from "../client/object-key.ts";
import { inNamespace, resources } from "../client/resources.ts";
import { controllerRefFor, controllerRefOf, type Owner } from "./controller-ref.ts";
import { FailedPodBackoff, failedPodBackoffKey } from "./daemonset/failed-pod-backoff.ts";
import { nodeFit, pinnedToNode, targetNodeOf, withDaemonTolerations, type NodeFit } from "./daemonset/node-fit.ts";
import { planNodes, podsByNode } from "./daemonset/node-plan.ts";
import { daemonFenceposts, rollingUpdateStep } from "./daemonset/rolling-update.ts";
import { daemonSetStatus, isPodUpdated, msUntilNextAvailable, templateGeneration, templateGenerationLabel } from "./daemonset/status.ts";
import { typed, type EventSink } from "./event-sink.ts";
import { Expectations } from "./expectations.ts";
import { informerCache } from "./informer-cache.ts";
import type { ControllerContext } from "./manager.ts";
import { isPodReady } from "./pod-ranking.ts";
import { canonicalJson, computePodTemplateHash } from "./hashing.ts";
import { Runner, TerminalSyncError, type Reconciler, type Requeue, type RunnerOptions } from "./runner.ts";
import { slowStart } from "./slow-start.ts";
import { claimChildren, safeSelector } from "./statefulset/claim-children.ts";
import { ensureRevision, nextRevisionNumber, oldRevisionsToPrune, RevisionCollisionError, revisionHashLabel, templatePatch } from "./statefulset/controller-history.ts";
import type { WatchedCache } from "./watched-cache.ts";

export interface DaemonSetControllerOptions {
  client: KubeClient;
  daemonSets: WatchedCache<DaemonSet>;
  pods: WatchedCache<Pod>;
  nodes: WatchedCache<Node>;
  revisions: WatchedCache<ControllerRevision>;
  events: EventSink;
  clock?: Clock;
  workers?: number;
  runner?: Omit<RunnerOptions, "workers" | "clock">;
}

const fieldManager = "daemonset-controller";
const defaultRevisionHistoryLimit = 10;

export class DaemonSetController implements Reconciler {
  readonly name = "daemonset";
  readonly expectations: Expectations;
  private readonly failedPodBackoff = new FailedPodBackoff();
  private readonly runner: Runner;
  private readonly client: KubeClient;
  private readonly daemonSets: WatchedCache<DaemonSet>;
  private readonly pods: WatchedCache<Pod>;
  private readonly nodes: WatchedCache<Node>;
  private readonly revisions: WatchedCache<ControllerRevision>;
  private readonly events: EventSink;
  private readonly clock: Clock;

  constructor(options: DaemonSetControllerOptions) {
    this.client = options.client;
    this.daemonSets = options.daemonSets;
    this.pods = options.pods;
    this.nodes = options.nodes;
    this.revisions = options.revisions;
    this.events = options.events;
    this.clock = options.clock ?? realClock;
    this.expectations = new Expectations(this.clock);
    this.runner = new Runner(this, { ...options.runner, workers: options.workers ?? 5, clock: this.clock });
    this.daemonSets.subscribe({
      onAdd: (ds) => this.runner.enqueue(objectKey(ds)),
      onUpdate: (_previous, ds) => this.runner.enqueue(objectKey(ds)),
      onDelete: (ds) => {
        this.expectations.delete(objectKey(ds));
        this.failedPodBackoff.forget(`${objectKey(ds)}/`);
        this.runner.enqueue(objectKey(ds));
      },
    });
    this.pods.subscribe({
      onAdd: (pod) => this.podAdded(pod),
      onUpdate: (previous, pod) => this.podUpdated(previous, pod),
      onDelete: (pod) => this.podGone(pod),
    });
    this.nodes.subscribe({
      onAdd: () => this.enqueueAll(),
      onUpdate: (previous, node) => {
        if (placementOf(previous) !== placementOf(node)) this.enqueueAll();
      },
      onDelete: () => this.enqueueAll(),
    });
  }

  start(signal: AbortSignal): Promise<void> {
    return this.runner.start(signal);
  }

  private enqueueAll(): void {
    for (const ds of this.daemonSets.list()) this.runner.enqueue(objectKey(ds));
  }

  private owningDaemonSet(pod: Pod): DaemonSet | undefined {
    const ref = controllerRefOf(pod);
    if (ref === undefined || ref.kind !== "DaemonSet") return undefined;
    const ds = this.daemonSets.get(`${pod.metadata?.namespace ?? ""}/${ref.name}`);
    return ds?.metadata?.uid === ref.uid ? ds : undefined;
  }

  private enqueueMatching(pod: Pod): void {
    for (const ds of this.daemonSets.list(pod.metadata?.namespace ?? "")) {
      const selector = safeSelector(ds.spec?.selector);
      if (selector !== undefined && !selector.isEmpty() && selector.matches(pod.metadata?.labels)) this.runner.enqueue(objectKey(ds));
    }
  }

  private podAdded(pod: Pod): void {
    if (pod.metadata?.deletionTimestamp != null) {
      this.podGone(pod);
      return;
    }
    const ds = this.owningDaemonSet(pod);
    if (ds !== undefined) {
      this.expectations.creationObserved(objectKey(ds));
      this.runner.enqueue(objectKey(ds));
    } else if (controllerRefOf(pod) === undefined) {
      this.enqueueMatching(pod);
    }
  }

  private podUpdated(previous: Pod, pod: Pod): void {
    if (previous.metadata?.resourceVersion === pod.metadata?.resourceVersion) return;
    if (pod.metadata?.deletionTimestamp != null) {
      this.podGone(pod);
      return;
    }
    const previousOwner = this.owningDaemonSet(previous);
    const owner = this.owningDaemonSet(pod);
    if (previousOwner !== undefined && previousOwner !== owner) this.runner.enqueue(objectKey(previousOwner));
    if (owner !== undefined) {
      this.runner.enqueue(objectKey(owner));
      const minReadySeconds = owner.spec?.minReadySeconds ?? 0;
      if (minReadySeconds > 0 && !isPodReady(previous) && isPodReady(pod)) this.runner.enqueueAfter(objectKey(owner), minReadySeconds * 1000 + 1000);
    } else if (controllerRefOf(pod) === undefined && canonicalJson(previous.metadata?.labels ?? {}) !== canonicalJson(pod.metadata?.labels ?? {})) {
      this.enqueueMatching(pod);
    }
  }

  private podGone(pod: Pod): void {
    const ds = this.owningDaemonSet(pod);
    if (ds === undefined) return;
    this.expectations.deletionObserved(objectKey(ds), objectKey(pod));
    this.runner.enqueue(objectKey(ds));
  }

  async sync(key: string, signal: AbortSignal): Promise<Requeue | void> {
    const ds = this.daemonSets.get(key);
    if (ds === undefined) {
      this.expectations.delete(key);
      return;
    }
    const { namespace } = splitObjectKey(key);
    const selector = safeSelector(ds.spec?.selector);
    if (selector === undefined) throw new TerminalSyncError(`DaemonSet ${key} has an invalid selector`);
    if (selector.isEmpty()) {
      this.events.record(typed(ds, "apps/v1", "DaemonSet"), "Warning", "SelectingAll", "This daemon set is selecting all pods. A non-empty selector is required.");
      return;
    }
    const owner = ownerOf(ds);
    const claim = { client: this.client, ownerApi: inNamespace(resources.daemonSets, namespace), owner, selector, fieldManager, signal };
    const revisions = await claimChildren<ControllerRevision>({ ...claim, childrenApi: inNamespace(resources.controllerRevisions, namespace), candidates: this.revisions.list(namespace) });
    const hash = computePodTemplateHash(ds.spec?.template ?? {}, ds.status?.collisionCount);
    let current: ControllerRevision;
    try {
      current = await ensureRevision(this.client, inNamespace(resources.controllerRevisions, namespace), revisions, (collisionCount) => this.revisionFor(ds, revisions, collisionCount), ds.status?.collisionCount, ds.metadata?.uid ?? "", signal);
    } catch (error) {
      if (error instanceof RevisionCollisionError) await this.writeStatus(ds, { ...ds.status, collisionCount: error.collisionCount } as DaemonSetStatus, signal);
      throw error;
    }

    const pods = await claimChildren<Pod>({ ...claim, childrenApi: inNamespace(resources.pods, namespace), candidates: this.pods.list(namespace) });
    const fits = new Map<string, NodeFit>(this.nodes.list().map((node) => [node.metadata?.name ?? "", nodeFit(node, ds.spec?.template?.spec)]));
    const byNode = podsByNode(pods);

    if (this.expectations.satisfied(key) && ds.metadata?.deletionTimestamp == null) {
      const plan = planNodes({
        fits,
        podsByNode: byNode,
        hash,
        allowSurge: this.fenceposts(ds, fits).maxSurge > 0,
        failedPodWaitMs: (node) => this.failedPodBackoff.remainingMs(failedPodBackoffKey(key, node), this.clock.now()),
      });
      if (plan.retryAfterMs !== undefined) this.runner.enqueueAfter(key, plan.retryAfterMs);
      const acted = await this.syncNodes(key, ds, plan.createOn, plan.deletePods, hash, signal);
      if (!acted && (ds.spec?.updateStrategy?.type ?? "RollingUpdate") === "RollingUpdate") {
        const step = rollingUpdateStep({
          podsByNode: withWantedNodes(byNode, fits),
          shouldRun: (node) => fits.get(node)?.shouldRun === true,
          isUpdated: (pod) => isPodUpdated(pod, hash, templateGeneration(ds)),
          fenceposts: this.fenceposts(ds, fits),
          minReadySeconds: ds.spec?.minReadySeconds ?? 0,
          nowMs: this.clock.now(),
        });
        await this.syncNodes(key, ds, step.createOn, step.deletePods, hash, signal);
      }
    }

    await this.pruneHistory(ds, revisions, current, pods, signal);
    const now = this.clock.now();
    await this.writeStatus(ds, daemonSetStatus({ ds, fits, podsByNode: byNode, hash, nowMs: now }), signal);
    const wait = msUntilNextAvailable(ds, byNode, now);
    if (wait !== undefined) return { requeueAfterMs: wait + 100 };
  }

  private fenceposts(ds: DaemonSet, fits: ReadonlyMap<string, NodeFit>) {
    const desired = [...fits.values()].filter((fit) => fit.shouldRun).length;
    const rolling = ds.spec?.updateStrategy?.rollingUpdate;
    return daemonFenceposts(rolling?.maxSurge, rolling?.maxUnavailable, desired);
  }

  private revisionFor(ds: DaemonSet, revisions: readonly ControllerRevision[], collisionCount: number | undefined): ControllerRevision {
    const hash = computePodTemplateHash(ds.spec?.template ?? {}, collisionCount);
    return {
      apiVersion: "apps/v1",
      kind: "ControllerRevision",
      metadata: {
        name: `${ds.metadata?.name ?? ""}-${hash}`,
        namespace: ds.metadata?.namespace ?? "",
        labels: { ...ds.spec?.template?.metadata?.labels, [revisionHashLabel]: hash },
        ...(ds.metadata?.annotations === undefined ? {} : { annotations: ds.metadata.annotations }),
        ownerReferences: [controllerRefFor(ownerOf(ds))],
      },
      data: templatePatch(ds.spec?.template),
      revision: nextRevisionNumber(revisions),
    };
  }

  /** Creations first, as upstream does; deletions wait for the next round, so one record of expectations covers each round. */
  private async syncNodes(key: string, ds: DaemonSet, createOn: readonly string[], deletePods: readonly Pod[], hash: string, signal: AbortSignal): Promise<boolean> {
    const podsApi = inNamespace(resources.pods, ds.metadata?.namespace ?? "");
    const regarding = typed(ds, "apps/v1", "DaemonSet");
    if (createOn.length > 0) {
      this.expectations.expectCreations(key, createOn.length);
      const queue = [...createOn];
      const result = await slowStart(createOn.length, async () => {
        const node = queue.shift() ?? "";
        try {
          const created = await this.client.create<Pod>(podsApi, this.podFor(ds, node, hash), { fieldManager, signal });
          this.events.record(regarding, "Normal", "SuccessfulCreate", `Created pod: ${created.metadata?.name ?? ""}`);
        } catch (error) {
          this.expectations.creationObserved(key);
          this.events.record(regarding, "Warning", "FailedCreate", `Error creating: ${(error as Error).message}`);
          throw error;
        }
      });
      for (let i = 0; i < result.skipped; i++) this.expectations.creationObserved(key);
      if (result.error !== undefined) throw result.error;
      return true;
    }
    if (deletePods.length === 0) return false;
    this.expectations.expectDeletions(key, deletePods.map(objectKey));
    for (const pod of deletePods) {
      if (pod.status?.phase !== "Failed") continue;
      const node = targetNodeOf(pod) ?? "";
      this.failedPodBackoff.next(failedPodBackoffKey(key, node), this.clock.now());
      this.events.record(regarding, "Warning", "FailedDaemonPod", `Found failed daemon pod ${objectKey(pod)} on node ${node}, will try to kill it`);
    }
    const outcomes = await Promise.allSettled(
      deletePods.map(async (pod) => {
        try {
          await this.client.delete(podsApi, pod.metadata?.name ?? "", { signal });
          this.events.record(regarding, "Normal", "SuccessfulDelete", `Deleted pod: ${pod.metadata?.name ?? ""}`);
        } catch (error) {
          this.expectations.deletionObserved(key, objectKey(pod));
          if (hasReason(error, "NotFound")) return;
          this.events.record(regarding, "Warning", "FailedDelete", `Error deleting: ${(error as Error).message}`);
          throw error;
        }
      }),
    );
    const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected");
    if (failed !== undefined) throw failed.reason;
    return true;
  }

  private podFor(ds: DaemonSet, node: string, hash: string): Pod {
    const template = structuredClone(ds.spec?.template ?? {});
    const meta = template.metadata ?? {};
    const generation = templateGeneration(ds);
    return {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        generateName: `${ds.metadata?.name ?? ""}-`,
        namespace: ds.metadata?.namespace ?? "default",
        labels: { ...meta.labels, [revisionHashLabel]: hash, ...(generation === undefined ? {} : { [templateGenerationLabel]: generation }) },
        ...(meta.annotations === undefined ? {} : { annotations: meta.annotations }),
        ...(meta.finalizers === undefined ? {} : { finalizers: meta.finalizers }),
        ownerReferences: [controllerRefFor(ownerOf(ds))],
      },
      spec: pinnedToNode(withDaemonTolerations(template.spec ?? { containers: [] }), node),
    };
  }

  /** Old revisions beyond revisionHistoryLimit that no pod uses, oldest first. */
  private async pruneHistory(ds: DaemonSet, revisions: readonly ControllerRevision[], current: ControllerRevision, pods: readonly Pod[], signal: AbortSignal): Promise<void> {
    const liveHashes = new Set(pods.map((pod) => pod.metadata?.labels?.[revisionHashLabel]));
    const isLive = (revision: ControllerRevision) => liveHashes.has(revision.metadata?.labels?.[revisionHashLabel]);
    const old = revisions.filter((revision) => revision.metadata?.name !== current.metadata?.name);
    const api = inNamespace(resources.controllerRevisions, ds.metadata?.namespace ?? "");
    for (const revision of oldRevisionsToPrune(old, isLive, ds.spec?.revisionHistoryLimit ?? defaultRevisionHistoryLimit)) {
      try {
        await this.client.delete(api, revision.metadata?.name ?? "", { signal });
      } catch (error) {
        if (!hasReason(error, "NotFound")) throw error;
      }
    }
  }

  private async writeStatus(ds: DaemonSet, status: DaemonSetStatus, signal: AbortSignal): Promise<void> {
    if (canonicalJson(ds.status ?? {}) === canonicalJson(status)) return;
    const { name, namespace, resourceVersion, uid } = ds.metadata ?? {};
    const body: DaemonSet = { apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name, namespace, resourceVersion, uid }, status };
    try {
      await this.client.updateStatus<DaemonSet>(inNamespace(resources.daemonSets, namespace ?? ""), body, { fieldManager, signal });
    } catch (error) {
      // A stale cache: the watch brings the newer object and another sync.
      if (!hasReason(error, "Conflict")) throw error;
    }
  }
}

function ownerOf(ds: DaemonSet): Owner {
  return { apiVersion: "apps/v1", kind: "DaemonSet", name: ds.metadata?.name ?? "", uid: ds.metadata?.uid ?? "", deleting: ds.metadata?.deletionTimestamp != null };
}

/** What decides where daemon pods go: a change elsewhere (status, heartbeats) needs no sync. */
function placementOf(node: Node): string {
  return canonicalJson({ labels: node.metadata?.labels ?? {}, taints: node.spec?.taints ?? [], unschedulable: node.spec?.unschedulable ?? false });
}

/** Nodes that should run the pod are part of the rollout even while they have none. */
function withWantedNodes(byNode: ReadonlyMap<string, readonly Pod[]>, fits: ReadonlyMap<string, NodeFit>): Map<string, readonly Pod[]> {
  const all = new Map(byNode);
  for (const [node, fit] of fits) if (fit.shouldRun && !all.has(node)) all.set(node, []);
  return all;
}

/** The controller manager's entry for this controller. */
export function daemonSetControllerFor(context: ControllerContext): DaemonSetController {
  const cache = <T extends KubeObject>(resource: ResourceRef) => informerCache(context.informers.informerFor<T>(resource));
  return new DaemonSetController({
    client: context.client,
    daemonSets: cache<DaemonSet>(resources.daemonSets),
    pods: cache<Pod>(resources.pods),
    nodes: cache<Node>(resources.nodes),
    revisions: cache<ControllerRevision>(resources.controllerRevisions),
    events: context.events("daemonset-controller"),
    workers: context.workers,
  });
}
