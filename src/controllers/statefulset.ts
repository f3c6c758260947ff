// The StatefulSet controller: members <set>-<ordinal> with stable hostnames
// and their own claims from volumeClaimTemplates (created before the pod),
// brought up in order (OrderedReady: one at a time, each after its
// predecessors are Running and Ready; Parallel: all at once), scaled down
// from the highest ordinal, and updated in reverse ordinal order down to the
// partition (RollingUpdate) or when a user deletes them (OnDelete). Templates
// are recorded as ControllerRevisions; status names the current and update
// revisions. The decisions live in statefulset/*.ts; this file reads caches
// and writes.
import type { ControllerRevision, StatefulSet, StatefulSetStatus } from "kubernetes-types/apps/v1";
import type { PersistentVolumeClaim, Pod, PodTemplateSpec } from "kubernetes-types/core/v1";
import { realClock, type Clock } from "../client/clock.ts";
import { hasReason } from "../client/errors.ts";
import type { KubeClient, KubeObject, ResourceRef } from "../client/kube-client.ts";
import { objectKey, splitObjectKey } from "../client/object-key.ts";
import { inNamespace, resources } from "../client/resources.ts";
import { controllerRefFor, controllerRefOf, type Owner } from "./controller-ref.ts";
import { typed, type EventSink } from "./event-sink.ts";
import { canonicalJson } from "./hashing.ts";
import { informerCache } from "./informer-cache.ts";
import type { ControllerContext } from "./manager.ts";
import { isPodReady } from "./pod-ranking.ts";
import { Runner, TerminalSyncError, type Reconciler, type Requeue, type RunnerOptions } from "./runner.ts";
import { claimChildren, safeSelector } from "./statefulset/claim-children.ts";
import { retentionOwnerRefs } from "./statefulset/claim-retention.ts";
import { ensureRevision, nextRevisionNumber, RevisionCollisionError, revisionDataHash, revisionHashLabel, revisionsToPrune, templatePatch } from "./statefulset/controller-history.ts";
import { claimsFor, memberPod, ordinalOf, podIndexLabel, podNameLabel, revisionOfPod } from "./statefulset/identity.ts";
import { planStatefulSet, type PlannedAction } from "./statefulset/plan.ts";
import { msUntilNextAvailable, statefulSetStatus } from "./statefulset/status.ts";
import type { WatchedCache } from "./watched-cache.ts";

export interface StatefulSetControllerOptions {
  client: KubeClient;
  statefulSets: WatchedCache<StatefulSet>;
  pods: WatchedCache<Pod>;
  claims: WatchedCache<PersistentVolumeClaim>;
  revisions: WatchedCache<ControllerRevision>;
  events: EventSink;
  clock?: Clock;
  workers?: number;
  runner?: Omit<RunnerOptions, "workers" | "clock">;
}

const fieldManager = "statefulset-controller";
const defaultRevisionHistoryLimit = 10;

/** One sync's view of a set. */
interface Work {
  set: StatefulSet;
  owner: Owner;
  current: ControllerRevision;
  update: ControllerRevision;
  signal: AbortSignal;
}

export class StatefulSetController implements Reconciler {
  readonly name = "statefulset";
  private readonly runner: Runner;
  private readonly client: KubeClient;
  private readonly statefulSets: WatchedCache<StatefulSet>;
  private readonly pods: WatchedCache<Pod>;
  private readonly claims: WatchedCache<PersistentVolumeClaim>;
  private readonly revisions: WatchedCache<ControllerRevision>;
  private readonly events: EventSink;
  private readonly clock: Clock;

  constructor(options: StatefulSetControllerOptions) {
    this.client = options.client;
    this.statefulSets = options.statefulSets;
    this.pods = options.pods;
    this.claims = options.claims;
    this.revisions = options.revisions;
    this.events = options.events;
    this.clock = options.clock ?? realClock;
    this.runner = new Runner(this, { ...options.runner, workers: options.workers ?? 5, clock: this.clock });
    const enqueue = (set: StatefulSet) => this.runner.enqueue(objectKey(set));
    this.statefulSets.subscribe({ onAdd: enqueue, onUpdate: (_previous, set) => enqueue(set), onDelete: enqueue });
    this.pods.subscribe({
      onAdd: (pod) => this.podChanged(undefined, pod),
      onUpdate: (previous, pod) => this.podChanged(previous, pod),
      onDelete: (pod) => this.podChanged(undefined, pod),
    });
  }

  start(signal: AbortSignal): Promise<void> {
    return this.runner.start(signal);
  }

  private owningSet(pod: Pod): StatefulSet | undefined {
    const ref = controllerRefOf(pod);
    if (ref === undefined || ref.kind !== "StatefulSet") return undefined;
    const set = this.statefulSets.get(`${pod.metadata?.namespace ?? ""}/${ref.name}`);
    return set?.metadata?.uid === ref.uid ? set : undefined;
  }

  private podChanged(previous: Pod | undefined, pod: Pod): void {
    if (previous !== undefined && previous.metadata?.resourceVersion === pod.metadata?.resourceVersion) return;
    const previousOwner = previous === undefined ? undefined : this.owningSet(previous);
    const owner = this.owningSet(pod);
    if (previousOwner !== undefined && previousOwner !== owner) this.runner.enqueue(objectKey(previousOwner));
    if (owner !== undefined) {
      this.runner.enqueue(objectKey(owner));
      const minReadySeconds = owner.spec?.minReadySeconds ?? 0;
      if (minReadySeconds > 0 && previous !== undefined && !isPodReady(previous) && isPodReady(pod)) this.runner.enqueueAfter(objectKey(owner), minReadySeconds * 1000 + 1000);
      return;
    }
    if (controllerRefOf(pod) !== undefined) return;
    for (const set of this.statefulSets.list(pod.metadata?.namespace ?? "")) {
      const selector = safeSelector(set.spec?.selector);
      if (selector !== undefined && !selector.isEmpty() && selector.matches(pod.metadata?.labels) && ordinalOf(set, pod) !== undefined) this.runner.enqueue(objectKey(set));
    }
  }

  async sync(key: string, signal: AbortSignal): Promise<Requeue | void> {
    const set = this.statefulSets.get(key);
    if (set === undefined) return;
    const { namespace } = splitObjectKey(key);
    const selector = safeSelector(set.spec?.selector);
    if (selector === undefined || selector.isEmpty()) throw new TerminalSyncError(`StatefulSet ${key} has an invalid or empty selector`);
    const owner: Owner = { apiVersion: "apps/v1", kind: "StatefulSet", name: set.metadata?.name ?? "", uid: set.metadata?.uid ?? "", deleting: set.metadata?.deletionTimestamp != null };
    const claim = { client: this.client, ownerApi: inNamespace(resources.statefulSets, namespace), owner, selector, fieldManager, signal };
    const revisions = await claimChildren<ControllerRevision>({ ...claim, childrenApi: inNamespace(resources.controllerRevisions, namespace), candidates: this.revisions.list(namespace) });
    let update: ControllerRevision;
    try {
      update = await ensureRevision(this.client, inNamespace(resources.controllerRevisions, namespace), revisions, (collisionCount) => revisionFor(set, owner, revisions, collisionCount), set.status?.collisionCount, owner.uid, signal);
    } catch (error) {
      if (error instanceof RevisionCollisionError) await this.writeStatus(set, { ...set.status, replicas: set.status?.replicas ?? 0, collisionCount: error.collisionCount }, signal);
      throw error;
    }
    const current = revisions.find((revision) => revision.metadata?.name === set.status?.currentRevision) ?? update;
    const work: Work = { set, owner, current, update, signal };

    const members = this.pods.list(namespace).filter((pod) => ordinalOf(set, pod) !== undefined);
    const pods = await claimChildren<Pod>({ ...claim, childrenApi: inNamespace(resources.pods, namespace), candidates: members });
    const byOrdinal = new Map<number, Pod>();
    for (const pod of pods) byOrdinal.set(ordinalOf(set, pod) ?? -1, pod);

    if (set.metadata?.deletionTimestamp == null) {
      await this.applyRetentionPolicy(work, byOrdinal);
      const strategy = set.spec?.updateStrategy?.type === "OnDelete" ? "OnDelete" : "RollingUpdate";
      const actions = planStatefulSet({
        replicas: set.spec?.replicas ?? 1,
        start: set.spec?.ordinals?.start ?? 0,
        pods: byOrdinal,
        monotonic: set.spec?.podManagementPolicy !== "Parallel",
        strategy,
        partition: strategy === "RollingUpdate" ? (set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0) : 0,
        currentRevision: current.metadata?.name ?? "",
        updateRevision: update.metadata?.name ?? "",
        revisionOf: revisionOfPod,
        minReadySeconds: set.spec?.minReadySeconds ?? 0,
        nowMs: this.clock.now(),
      });
      const outcomes = await Promise.allSettled(actions.map((action) => this.act(work, action)));
      const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected");
      if (failed !== undefined) throw failed.reason;
    }

    await this.pruneHistory(work, revisions, pods);
    const now = this.clock.now();
    const status = statefulSetStatus({ set, pods, currentRevision: current.metadata?.name ?? "", updateRevision: update.metadata?.name ?? "", collisionCount: set.status?.collisionCount, nowMs: now });
    await this.writeStatus(set, status, signal);
    const wait = msUntilNextAvailable(set, pods, now);
    if (wait !== undefined) return { requeueAfterMs: wait + 100 };
  }

  private act(work: Work, action: PlannedAction): Promise<void> {
    switch (action.kind) {
      case "create":
        return this.createMember(work, action.ordinal, action.revision);
      case "delete":
        return this.deleteMember(work, action.pod);
      case "claims":
        return this.createClaims(work, action.ordinal, action.pod.metadata?.name ?? "");
      case "relabel":
        return this.relabelMember(work, action.ordinal, action.pod);
    }
  }

  private async createMember(work: Work, ordinal: number, at: "current" | "update"): Promise<void> {
    const { set, signal } = work;
    const revision = at === "current" ? work.current : work.update;
    const pod = memberPod(set, at === "current" ? templateOf(set, work.current) : (set.spec?.template ?? {}), revision.metadata?.name ?? "", ordinal, work.owner);
    const podName = pod.metadata?.name ?? "";
    await this.createClaims(work, ordinal, podName);
    try {
      await this.client.create<Pod>(inNamespace(resources.pods, set.metadata?.namespace ?? ""), pod, { fieldManager, signal });
      this.recordPodEvent(set, "create", podName);
    } catch (error) {
      // The cache has not seen our own earlier create yet.
      if (hasReason(error, "AlreadyExists")) return;
      this.recordPodEvent(set, "create", podName, error);
      throw error;
    }
  }

  private async deleteMember(work: Work, pod: Pod): Promise<void> {
    const podName = pod.metadata?.name ?? "";
    try {
      await this.client.delete(inNamespace(resources.pods, work.set.metadata?.namespace ?? ""), podName, { signal: work.signal });
      this.recordPodEvent(work.set, "delete", podName);
    } catch (error) {
      if (hasReason(error, "NotFound")) return;
      this.recordPodEvent(work.set, "delete", podName, error);
      throw error;
    }
  }

  /** Only labels can change on a running pod; the pod-name label is what the set's Services select members by. */
  private async relabelMember(work: Work, ordinal: number, pod: Pod): Promise<void> {
    const podName = pod.metadata?.name ?? "";
    const patch = { metadata: { labels: { [podNameLabel]: podName, [podIndexLabel]: String(ordinal) }, resourceVersion: pod.metadata?.resourceVersion } };
    try {
      await this.client.patch<Pod>(inNamespace(resources.pods, work.set.metadata?.namespace ?? ""), podName, "merge", patch, { fieldManager, signal: work.signal });
      this.recordPodEvent(work.set, "update", podName);
    } catch (error) {
      if (hasReason(error, "NotFound", "Conflict")) return;
      this.recordPodEvent(work.set, "update", podName, error);
      throw error;
    }
  }

  /** Upstream's wording: "<verb> Pod <pod> in StatefulSet <set> successful" or "... failed error: <error>". */
  private recordPodEvent(set: StatefulSet, verb: "create" | "delete" | "update", podName: string, error?: unknown): void {
    const regarding = typed(set, "apps/v1", "StatefulSet");
    const reasonVerb = `${verb[0]?.toUpperCase() ?? ""}${verb.slice(1)}`;
    const setName = set.metadata?.name ?? "";
    if (error === undefined) this.events.record(regarding, "Normal", `Successful${reasonVerb}`, `${verb} Pod ${podName} in StatefulSet ${setName} successful`);
    else this.events.record(regarding, "Warning", `Failed${reasonVerb}`, `${verb} Pod ${podName} in StatefulSet ${setName} failed error: ${error instanceof Error ? error.message : String(error)}`);
  }

  private async createClaims(work: Work, ordinal: number, podName: string): Promise<void> {
    const { set, signal } = work;
    const namespace = set.metadata?.namespace ?? "";
    const regarding = typed(set, "apps/v1", "StatefulSet");
    const setName = set.metadata?.name ?? "";
    for (const claim of claimsFor(set, ordinal)) {
      const claimName = claim.metadata?.name ?? "";
      if (this.claims.get(`${namespace}/${claimName}`) !== undefined) continue;
      try {
        await this.client.create<PersistentVolumeClaim>(inNamespace(resources.persistentVolumeClaims, namespace), claim, { fieldManager, signal });
        this.events.record(regarding, "Normal", "SuccessfulCreate", `create Claim ${claimName} Pod ${podName} in StatefulSet ${setName} success`);
      } catch (error) {
        if (hasReason(error, "AlreadyExists")) continue;
        this.events.record(regarding, "Warning", "FailedCreate", `create Claim ${claimName} for Pod ${podName} in StatefulSet ${setName} failed error: ${(error as Error).message}`);
        throw error;
      }
    }
  }

  /** Owner references on the claims of every member, as persistentVolumeClaimRetentionPolicy asks. */
  private async applyRetentionPolicy(work: Work, byOrdinal: ReadonlyMap<number, Pod>): Promise<void> {
    const { set, signal } = work;
    const namespace = set.metadata?.namespace ?? "";
    const start = set.spec?.ordinals?.start ?? 0;
    const end = start + (set.spec?.replicas ?? 1);
    const api = inNamespace(resources.persistentVolumeClaims, namespace);
    for (const [ordinal, pod] of byOrdinal) {
      for (const wanted of claimsFor(set, ordinal)) {
        const claim = this.claims.get(`${namespace}/${wanted.metadata?.name ?? ""}`);
        if (claim === undefined) continue;
        const refs = retentionOwnerRefs(set, claim, { setUid: work.owner.uid, pod, condemned: ordinal < start || ordinal >= end });
        if (refs === undefined) continue;
        const patch = { metadata: { ownerReferences: refs.length === 0 ? null : refs, uid: claim.metadata?.uid, resourceVersion: claim.metadata?.resourceVersion } };
        try {
          await this.client.patch<PersistentVolumeClaim>(api, claim.metadata?.name ?? "", "merge", patch, { fieldManager, signal });
        } catch (error) {
          // A stale claim: its update event brings another sync.
          if (!hasReason(error, "NotFound", "Conflict")) throw error;
        }
      }
    }
  }

  /** Old revisions no member uses, beyond revisionHistoryLimit, oldest first. */
  private async pruneHistory(work: Work, revisions: readonly ControllerRevision[], pods: readonly Pod[]): Promise<void> {
    const { set, signal } = work;
    const live = new Set([work.current.metadata?.name, work.update.metadata?.name, ...pods.map(revisionOfPod)]);
    const api = inNamespace(resources.controllerRevisions, set.metadata?.namespace ?? "");
    for (const revision of revisionsToPrune(revisions, (r) => live.has(r.metadata?.name), set.spec?.revisionHistoryLimit ?? defaultRevisionHistoryLimit)) {
      try {
        await this.client.delete(api, revision.metadata?.name ?? "", { signal });
      } catch (error) {
        if (!hasReason(error, "NotFound")) throw error;
      }
    }
  }

  private async writeStatus(set: StatefulSet, status: StatefulSetStatus, signal: AbortSignal): Promise<void> {
    if (canonicalJson(set.status ?? {}) === canonicalJson(status)) return;
    const { name, namespace, resourceVersion, uid } = set.metadata ?? {};
    const body: StatefulSet = { apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name, namespace, resourceVersion, uid }, status };
    try {
      await this.client.updateStatus<StatefulSet>(inNamespace(resources.statefulSets, namespace ?? ""), body, { fieldManager, signal });
    } catch (error) {
      // A stale cache: the watch brings the newer object and another sync.
      if (!hasReason(error, "Conflict")) throw error;
    }
  }
}

function revisionFor(set: StatefulSet, owner: Owner, revisions: readonly ControllerRevision[], collisionCount: number | undefined): ControllerRevision {
  const data = templatePatch(set.spec?.template);
  const hash = revisionDataHash(data, collisionCount);
  return {
    apiVersion: "apps/v1",
    kind: "ControllerRevision",
    metadata: {
      name: `${set.metadata?.name ?? ""}-${hash}`,
      namespace: set.metadata?.namespace ?? "",
      labels: { ...set.spec?.template?.metadata?.labels, [revisionHashLabel]: hash },
      ...(set.metadata?.annotations === undefined ? {} : { annotations: set.metadata.annotations }),
      ownerReferences: [controllerRefFor(owner)],
    },
    data,
    revision: nextRevisionNumber(revisions),
  };
}

/** The pod template a revision recorded (its patch replaces the whole template). */
function templateOf(set: StatefulSet, revision: ControllerRevision): PodTemplateSpec {
  const recorded = (revision.data as { spec?: { template?: PodTemplateSpec & { $patch?: string } } } | undefined)?.spec?.template;
  if (recorded === undefined) return set.spec?.template ?? {};
  const { $patch: _replace, ...template } = recorded;
  return template;
}

/** The controller manager's entry for this controller. */
export function statefulSetControllerFor(context: ControllerContext): StatefulSetController {
  const cache = <T extends KubeObject>(resource: ResourceRef) => informerCache(context.informers.informerFor<T>(resource));
  return new StatefulSetController({
    client: context.client,
    statefulSets: cache<StatefulSet>(resources.statefulSets),
    pods: cache<Pod>(resources.pods),
    claims: cache<PersistentVolumeClaim>(resources.persistentVolumeClaims),
    revisions: cache<ControllerRevision>(resources.controllerRevisions),
    events: context.events("statefulset-controller"),
    workers: context.workers,
  });
}
