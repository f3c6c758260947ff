// The ReplicaSet controller (and, through the same code, the
// ReplicationController controller): keeps as many active pods as spec.replicas asks,
// named <rs>-<random>, owned through a controller reference; adopts matching
// orphans and releases pods that stopped matching; reports status. Writes are
// announced to Expectations first, so a slow pod watch never causes a second
// round of creates or deletes.
import type { ReplicaSet, ReplicaSetStatus } from "kubernetes-types/apps/v1";
import type { Pod } from "kubernetes-types/core/v1";
import { LabelSelectorError, labelSelectorFromObject, type LabelSelector } from "../api/label-selector.ts";
import { realClock, type Clock } from "../client/clock.ts";
import { hasReason } from "../client/errors.ts";
import type { KubeClient, KubeObject, ResourceRef } from "../client/kube-client.ts";
import { objectKey, splitObjectKey } from "../client/object-key.ts";
import { inNamespace, resources } from "../client/resources.ts";
import { adoptionPatch, claim, controllerRefFor, controllerRefOf, releasePatch, type Owner } from "./controller-ref.ts";
import { typed, type EventSink } from "./event-sink.ts";
import { canonicalJson } from "./hashing.ts";
import { Expectations } from "./expectations.ts";
import { isPodActive, isPodReady, podsToDelete } from "./pod-ranking.ts";
import { calculateStatus, msUntilNextAvailable, replicaDiff, type ManageFailure } from "./replicaset/status.ts";
import { Runner, TerminalSyncError, type Reconciler, type Requeue, type RunnerOptions } from "./runner.ts";
import { slowStart } from "./slow-start.ts";
import type { WatchedCache } from "./watched-cache.ts";

/** Which API the controller serves; ReplicationControllers are seen as ReplicaSets (see replication-controller.ts). */
export interface ReplicatedKind {
  controllerName: string;
  resource: ResourceRef;
  apiVersion: string;
  kind: string;
}

export const replicaSetKind: ReplicatedKind = { controllerName: "replicaset", resource: resources.replicaSets, apiVersion: "apps/v1", kind: "ReplicaSet" };

export interface ReplicaSetControllerOptions {
  client: KubeClient;
  /** ReplicaSet by default. */
  kind?: ReplicatedKind;
  replicaSets: WatchedCache<ReplicaSet>;
  pods: WatchedCache<Pod>;
  events: EventSink;
  clock?: Clock;
  workers?: number;
  runner?: Omit<RunnerOptions, "workers" | "clock">;
}

export class ReplicaSetController implements Reconciler {
  readonly name: string;
  private readonly kind: ReplicatedKind;
  private readonly fieldManager: string;
  readonly expectations: Expectations;
  private readonly runner: Runner;
  private readonly client: KubeClient;
  private readonly replicaSets: WatchedCache<ReplicaSet>;
  private readonly pods: WatchedCache<Pod>;
  private readonly events: EventSink;
  private readonly clock: Clock;

  constructor(options: ReplicaSetControllerOptions) {
    this.client = options.client;
    this.kind = options.kind ?? replicaSetKind;
    this.name = this.kind.controllerName;
    this.fieldManager = `${this.kind.controllerName}-controller`;
    this.replicaSets = options.replicaSets;
    this.pods = options.pods;
    this.events = options.events;
    this.clock = options.clock ?? realClock;
    this.expectations = new Expectations(this.clock);
    this.runner = new Runner(this, { ...options.runner, workers: options.workers ?? 5, clock: this.clock });
    this.replicaSets.subscribe({
      onAdd: (rs) => this.runner.enqueue(objectKey(rs)),
      onUpdate: (_previous, rs) => this.runner.enqueue(objectKey(rs)),
      onDelete: (rs) => {
        this.expectations.delete(objectKey(rs));
        this.runner.enqueue(objectKey(rs));
      },
    });
    this.pods.subscribe({
      onAdd: (pod) => this.podAdded(pod),
      onUpdate: (previous, pod) => this.podUpdated(previous, pod),
      onDelete: (pod) => this.podDeleted(pod),
    });
  }

  start(signal: AbortSignal): Promise<void> {
    return this.runner.start(signal);
  }

  /** The ReplicaSet a controller reference names, if it is still that object. */
  private owningReplicaSet(pod: Pod): ReplicaSet | undefined {
    const ref = controllerRefOf(pod);
    if (ref === undefined || ref.kind !== this.kind.kind) return undefined;
    const rs = this.replicaSets.get(`${pod.metadata?.namespace ?? ""}/${ref.name}`);
    return rs?.metadata?.uid === ref.uid ? rs : undefined;
  }

  /** ReplicaSets an orphan could be adopted by. */
  private enqueueMatching(pod: Pod): void {
    for (const rs of this.replicaSets.list(pod.metadata?.namespace ?? "")) {
      const selector = safeSelector(rs);
      if (selector !== undefined && !selector.isEmpty() && selector.matches(pod.metadata?.labels)) this.runner.enqueue(objectKey(rs));
    }
  }

  private podAdded(pod: Pod): void {
    if (pod.metadata?.deletionTimestamp != null) {
      // Restarted with a pod already being deleted: it must not count as a creation.
      this.podDeleted(pod);
      return;
    }
    if (controllerRefOf(pod) !== undefined) {
      const rs = this.owningReplicaSet(pod);
      if (rs === undefined) return;
      this.expectations.creationObserved(objectKey(rs));
      this.runner.enqueue(objectKey(rs));
      return;
    }
    this.enqueueMatching(pod);
  }

  private podUpdated(previous: Pod, pod: Pod): void {
    if (previous.metadata?.resourceVersion === pod.metadata?.resourceVersion) return;
    const labelsChanged = canonicalJson(previous.metadata?.labels ?? {}) !== canonicalJson(pod.metadata?.labels ?? {});
    if (pod.metadata?.deletionTimestamp != null) {
      // A graceful deletion started: the pod no longer counts, act now rather than when it is gone.
      this.podDeleted(pod);
      if (labelsChanged) this.podDeleted(previous);
      return;
    }
    const previousRef = controllerRefOf(previous);
    const ref = controllerRefOf(pod);
    const refChanged = previousRef?.uid !== ref?.uid;
    if (refChanged && previousRef !== undefined) {
      const old = this.owningReplicaSet(previous);
      if (old !== undefined) this.runner.enqueue(objectKey(old));
    }
    if (ref !== undefined) {
      const rs = this.owningReplicaSet(pod);
      if (rs === undefined) return;
      this.runner.enqueue(objectKey(rs));
      const minReadySeconds = rs.spec?.minReadySeconds ?? 0;
      if (!isPodReady(previous) && isPodReady(pod) && minReadySeconds > 0) {
        this.runner.enqueueAfter(objectKey(rs), minReadySeconds * 1000 + 1000);
      }
      return;
    }
    if (labelsChanged || refChanged) this.enqueueMatching(pod);
  }

  private podDeleted(pod: Pod): void {
    const rs = this.owningReplicaSet(pod);
    if (rs === undefined) return;
    this.expectations.deletionObserved(objectKey(rs), objectKey(pod));
    this.runner.enqueue(objectKey(rs));
  }

  async sync(key: string, signal: AbortSignal): Promise<Requeue | void> {
    const rs = this.replicaSets.get(key);
    if (rs === undefined) {
      this.expectations.delete(key);
      return;
    }
    const { namespace } = splitObjectKey(key);
    const selector = safeSelector(rs);
    if (selector === undefined) throw new TerminalSyncError(`ReplicaSet ${key} has an invalid selector`);
    const needsSync = this.expectations.satisfied(key);

    const owner = this.ownerOf(rs);
    const candidates = this.pods.list(namespace).filter(isPodActive);
    const claims = claim(owner, selector, candidates);
    if (claims.adopt.length > 0) await this.confirmCanAdopt(rs, signal);
    const podsApi = inNamespace(resources.pods, namespace);
    const owned: Pod[] = claims.owned.filter((pod) => !claims.adopt.includes(pod));
    for (const pod of claims.adopt) {
      try {
        owned.push(await this.client.patch<Pod>(podsApi, pod.metadata!.name!, "merge", adoptionPatch(owner, pod), { fieldManager: this.fieldManager, signal }));
      } catch (error) {
        if (!hasReason(error, "NotFound")) throw error;
      }
    }
    for (const pod of claims.release) {
      try {
        await this.client.patch<Pod>(podsApi, pod.metadata!.name!, "merge", releasePatch(owner, pod), { fieldManager: this.fieldManager, signal });
      } catch (error) {
        if (!hasReason(error, "NotFound", "Invalid")) throw error;
      }
    }

    let failure: ManageFailure | undefined;
    let manageError: unknown;
    if (needsSync && rs.metadata?.deletionTimestamp == null) {
      try {
        await this.manageReplicas(key, rs, owned, signal);
      } catch (error) {
        manageError = error;
        failure = { reason: replicaDiff(rs, owned) > 0 ? "FailedCreate" : "FailedDelete", message: error instanceof Error ? error.message : String(error) };
      }
    }

    const now = this.clock.now();
    const status = calculateStatus(rs, owned, failure, now);
    await this.writeStatus(rs, status, signal);
    if (manageError !== undefined) throw manageError;
    const wait = msUntilNextAvailable(rs, owned, now);
    if (wait !== undefined) return { requeueAfterMs: wait + 100 };
  }

  /** Writes status unless it says the same; a stale cache (conflict) gets one retry on a fresh read, as upstream does. */
  private async writeStatus(rs: ReplicaSet, status: ReplicaSetStatus, signal: AbortSignal): Promise<void> {
    const api = inNamespace(this.kind.resource, rs.metadata?.namespace ?? "");
    let current = rs;
    for (let attempt = 0; attempt < 2; attempt++) {
      if (sameStatus(current.status, status)) return;
      try {
        // Only status and identity go out: the cached spec of a ReplicationController is in ReplicaSet form.
        const { name, namespace, resourceVersion, uid } = current.metadata ?? {};
        const body = { apiVersion: this.kind.apiVersion, kind: this.kind.kind, metadata: { name, namespace, resourceVersion, uid }, status };
        await this.client.updateStatus<KubeObject>(api, body, { fieldManager: this.fieldManager, signal });
        return;
      } catch (error) {
        if (attempt > 0 || !hasReason(error, "Conflict")) throw error;
      }
      current = await this.client.get<ReplicaSet>(api, rs.metadata?.name ?? "", { signal });
      // The spec moved on: the next sync (already queued by the watch) computes a status for it.
      if (current.metadata?.uid !== rs.metadata?.uid || current.metadata?.generation !== rs.metadata?.generation) return;
    }
  }

  private ownerOf(rs: ReplicaSet): Owner {
    const { apiVersion, kind } = this.kind;
    return { apiVersion, kind, name: rs.metadata?.name ?? "", uid: rs.metadata?.uid ?? "", deleting: rs.metadata?.deletionTimestamp != null };
  }

  /** Adoption trusts a fresh read, not the cache: the ReplicaSet may have been replaced or be going away. */
  private async confirmCanAdopt(rs: ReplicaSet, signal: AbortSignal): Promise<void> {
    const fresh = await this.client.get<ReplicaSet>(inNamespace(this.kind.resource, rs.metadata?.namespace ?? ""), rs.metadata?.name ?? "", { signal });
    if (fresh.metadata?.uid !== rs.metadata?.uid) throw new Error(`original ReplicaSet ${objectKey(rs)} is gone: got uid ${fresh.metadata?.uid}, wanted ${rs.metadata?.uid}`);
    if (fresh.metadata?.deletionTimestamp != null) throw new Error(`ReplicaSet ${objectKey(rs)} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
  }

  private async manageReplicas(key: string, rs: ReplicaSet, owned: Pod[], signal: AbortSignal): Promise<void> {
    const diff = replicaDiff(rs, owned);
    const namespace = rs.metadata?.namespace ?? "";
    const podsApi = inNamespace(resources.pods, namespace);
    if (diff > 0) {
      this.expectations.expectCreations(key, diff);
      const result = await slowStart(diff, async () => {
        try {
          const created = await this.client.create<Pod>(podsApi, podFromTemplate(rs, this.ownerOf(rs)), { fieldManager: this.fieldManager, signal });
          this.events.record(typed(rs, this.kind.apiVersion, this.kind.kind), "Normal", "SuccessfulCreate", `Created pod: ${created.metadata?.name ?? ""}`);
        } catch (error) {
          // The informer will never see this pod: stop waiting for it.
          this.expectations.creationObserved(key);
          if (hasReason(error, "Forbidden") && /being terminated/.test(String((error as Error).message))) return;
          this.events.record(typed(rs, this.kind.apiVersion, this.kind.kind), "Warning", "FailedCreate", `Error creating: ${(error as Error).message}`);
          throw error;
        }
      });
      for (let i = 0; i < result.skipped; i++) this.expectations.creationObserved(key);
      if (result.error !== undefined) throw result.error;
      return;
    }
    if (diff < 0) {
      const victims = podsToDelete(owned, this.relatedPods(rs), -diff, this.clock.now());
      this.expectations.expectDeletions(key, victims.map(objectKey));
      const outcomes = await Promise.allSettled(
        victims.map(async (pod) => {
          try {
            await this.client.delete(podsApi, pod.metadata?.name ?? "", { signal });
            this.events.record(typed(rs, this.kind.apiVersion, this.kind.kind), "Normal", "SuccessfulDelete", `Deleted pod: ${pod.metadata?.name ?? ""}`);
          } catch (error) {
            this.expectations.deletionObserved(key, objectKey(pod));
            if (hasReason(error, "NotFound")) return;
            this.events.record(typed(rs, this.kind.apiVersion, this.kind.kind), "Warning", "FailedDelete", `Error deleting: ${(error as Error).message}`);
            throw error;
          }
        }),
      );
      const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected");
      if (failed !== undefined) throw failed.reason;
    }
  }

  /** Active pods of every ReplicaSet under the same controller (the Deployment's other revisions), for ranking. */
  private relatedPods(rs: ReplicaSet): Pod[] {
    const namespace = rs.metadata?.namespace ?? "";
    const ownerUid = controllerRefOf(rs)?.uid;
    const related = new Set<string>([rs.metadata?.uid ?? ""]);
    if (ownerUid !== undefined) {
      for (const other of this.replicaSets.list(namespace)) {
        if (controllerRefOf(other)?.uid === ownerUid) related.add(other.metadata?.uid ?? "");
      }
    }
    return this.pods.list(namespace).filter((pod) => isPodActive(pod) && related.has(controllerRefOf(pod)?.uid ?? ""));
  }
}

function safeSelector(rs: ReplicaSet): LabelSelector | undefined {
  try {
    return labelSelectorFromObject(rs.spec?.selector);
  } catch (error) {
    if (error instanceof LabelSelectorError) return undefined;
    throw error;
  }
}


/** A pod as the template describes it, owned by owner, named by the server from "<rs>-". */
export function podFromTemplate(rs: ReplicaSet, owner: Owner): Pod {
  const template = structuredClone(rs.spec?.template ?? {});
  const meta = template.metadata ?? {};
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      generateName: `${rs.metadata?.name ?? ""}-`,
      namespace: rs.metadata?.namespace ?? "default",
      ...(meta.labels === undefined ? {} : { labels: meta.labels }),
      ...(meta.annotations === undefined ? {} : { annotations: meta.annotations }),
      ...(meta.finalizers === undefined ? {} : { finalizers: meta.finalizers }),
      ownerReferences: [controllerRefFor(owner)],
    },
    spec: template.spec ?? { containers: [] },
  };
}

function sameStatus(previous: ReplicaSetStatus | undefined, next: ReplicaSetStatus): boolean {
  const comparable = (status: ReplicaSetStatus | undefined) => ({
    replicas: status?.replicas ?? 0,
    fullyLabeledReplicas: status?.fullyLabeledReplicas ?? 0,
    readyReplicas: status?.readyReplicas ?? 0,
    availableReplicas: status?.availableReplicas ?? 0,
    observedGeneration: status?.observedGeneration ?? 0,
    conditions: status?.conditions ?? [],
  });
  return canonicalJson(comparable(previous)) === canonicalJson(comparable(next));
}
