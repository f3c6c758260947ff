// The Deployment controller: one ReplicaSet per pod template revision, named
// <deployment>-<pod-template-hash>; a rollout moves replicas from old
// ReplicaSets to the new one within maxSurge/maxUnavailable (or all at once
// for Recreate); a resize mid-rollout spreads proportionally; old empty
// ReplicaSets beyond revisionHistoryLimit are deleted; status and conditions
// are what `kubectl rollout status` waits on. The arithmetic lives in
// deployment/*.ts; this file reads caches, decides in upstream's order, writes.
import type { Deployment, DeploymentStatus, ReplicaSet } from "kubernetes-types/apps/v1";
import type { Pod } from "kubernetes-types/core/v1";
import { LabelSelectorError, labelSelectorFromObject, type LabelSelector } from "../api/label-selector.ts";
import { realClock, type Clock } from "../client/clock.ts";
import { hasReason } from "../client/errors.ts";
import type { KubeClient, ResourceRef } from "../client/kube-client.ts";
import { objectKey } from "../client/object-key.ts";
import { inNamespace, resources } from "../client/resources.ts";
import { adoptionPatch, claim, controllerRefOf, releasePatch, type Owner } from "./controller-ref.ts";
import {
  findNewReplicaSet,
  maxRevision,
  newReplicaSetAnnotations,
  newReplicaSetFor,
  replicaSetsToCleanUp,
  revisionAnnotation,
  sizeAnnotations,
  equalIgnoringHash,
} from "./deployment/replica-sets.ts";
import {
  activeOrLatest,
  activeReplicaSets,
  actualReplicaCount,
  isSaturated,
  isScalingEvent,
  newReplicaSetReplicas,
  proportionalResizes,
  scaleDownOldReplicaSets,
  specReplicas,
} from "./deployment/rollout.ts";
import { calculateStatus, condition, findCondition, hasProgressDeadline, isComplete, msUntilProgressCheck, pauseCondition, rolloutStatus, setCondition } from "./deployment/status.ts";
import { typed, type EventSink } from "./event-sink.ts";
import { canonicalJson, computePodTemplateHash } from "./hashing.ts";
import { Runner, TerminalSyncError, type Reconciler, type Requeue, type RunnerOptions } from "./runner.ts";
import type { WatchedCache } from "./watched-cache.ts";

export interface DeploymentControllerOptions {
  client: KubeClient;
  deployments: WatchedCache<Deployment>;
  replicaSets: WatchedCache<ReplicaSet>;
  pods: WatchedCache<Pod>;
  events: EventSink;
  clock?: Clock;
  workers?: number;
  runner?: Omit<RunnerOptions, "workers" | "clock">;
}

const fieldManager = "deployment-controller";

/** One sync's view: the Deployment as last written and its ReplicaSets as last written. */
interface Work {
  d: Deployment;
  sets: ReplicaSet[];
  signal: AbortSignal;
  /** Set when the sync wants another look later. */
  requeueAfterMs?: number;
}

export class DeploymentController implements Reconciler {
  readonly name = "deployment";
  private readonly runner: Runner;
  private readonly client: KubeClient;
  private readonly deployments: WatchedCache<Deployment>;
  private readonly replicaSets: WatchedCache<ReplicaSet>;
  private readonly pods: WatchedCache<Pod>;
  private readonly events: EventSink;
  private readonly clock: Clock;

  constructor(options: DeploymentControllerOptions) {
    this.client = options.client;
    this.deployments = options.deployments;
    this.replicaSets = options.replicaSets;
    this.pods = options.pods;
    this.events = options.events;
    this.clock = options.clock ?? realClock;
    this.runner = new Runner(this, { ...options.runner, workers: options.workers ?? 5, clock: this.clock });
    const enqueue = (d: Deployment) => this.runner.enqueue(objectKey(d));
    this.deployments.subscribe({ onAdd: enqueue, onUpdate: (_previous, d) => enqueue(d), onDelete: enqueue });
    this.replicaSets.subscribe({
      onAdd: (rs) => this.replicaSetChanged(undefined, rs),
      onUpdate: (previous, rs) => this.replicaSetChanged(previous, rs),
      onDelete: (rs) => {
        const d = this.owningDeployment(rs);
        if (d !== undefined) enqueue(d);
      },
    });
    // Recreate waits for old pods to be gone, which only pod deletions reveal.
    this.pods.subscribe({ onAdd: () => {}, onUpdate: () => {}, onDelete: (pod) => this.podDeleted(pod) });
  }

  start(signal: AbortSignal): Promise<void> {
    return this.runner.start(signal);
  }

  private owningDeployment(rs: ReplicaSet): Deployment | undefined {
    const ref = controllerRefOf(rs);
    if (ref === undefined || ref.kind !== "Deployment") return undefined;
    const d = this.deployments.get(`${rs.metadata?.namespace ?? ""}/${ref.name}`);
    return d?.metadata?.uid === ref.uid ? d : undefined;
  }

  private replicaSetChanged(previous: ReplicaSet | undefined, rs: ReplicaSet): void {
    if (previous !== undefined && previous.metadata?.resourceVersion === rs.metadata?.resourceVersion) return;
    const previousRef = previous === undefined ? undefined : controllerRefOf(previous);
    const ref = controllerRefOf(rs);
    if (previous !== undefined && previousRef !== undefined && previousRef.uid !== ref?.uid) {
      const old = this.owningDeployment(previous);
      if (old !== undefined) this.runner.enqueue(objectKey(old));
    }
    if (ref !== undefined) {
      const d = this.owningDeployment(rs);
      if (d !== undefined) this.runner.enqueue(objectKey(d));
      return;
    }
    const labelsChanged = previous === undefined || canonicalJson(previous.metadata?.labels ?? {}) !== canonicalJson(rs.metadata?.labels ?? {});
    if (!labelsChanged && previousRef === undefined) return;
    for (const d of this.deployments.list(rs.metadata?.namespace ?? "")) {
      const selector = safeSelector(d);
      if (selector !== undefined && !selector.isEmpty() && selector.matches(rs.metadata?.labels)) this.runner.enqueue(objectKey(d));
    }
  }

  private podDeleted(pod: Pod): void {
    const ref = controllerRefOf(pod);
    if (ref?.kind !== "ReplicaSet") return;
    const rs = this.replicaSets.get(`${pod.metadata?.namespace ?? ""}/${ref.name}`);
    if (rs === undefined || rs.metadata?.uid !== ref.uid) return;
    const d = this.owningDeployment(rs);
    if (d?.spec?.strategy?.type === "Recreate") this.runner.enqueue(objectKey(d));
  }

  async sync(key: string, signal: AbortSignal): Promise<Requeue | void> {
    const cached = this.deployments.get(key);
    if (cached === undefined) return;
    const d = structuredClone(cached);
    const selector = safeSelector(d);
    if (selector === undefined) throw new TerminalSyncError(`Deployment ${key} has an invalid selector`);
    if (selector.isEmpty()) {
      this.events.record(typed(d, "apps/v1", "Deployment"), "Warning", "SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.");
      if ((d.status?.observedGeneration ?? 0) < (d.metadata?.generation ?? 0)) {
        await this.writeStatus({ d, sets: [], signal }, { ...d.status, observedGeneration: d.metadata?.generation ?? 0 });
      }
      return;
    }
    const work: Work = { d, sets: await this.claimReplicaSets(d, selector, signal), signal };
    if (d.metadata?.deletionTimestamp != null) {
      await this.syncStatusOnly(work);
      return this.result(work);
    }
    await this.notePause(work);
    if (d.spec?.paused === true) {
      await this.syncScale(work);
      return this.result(work);
    }
    const { newSet, oldSets } = this.split(work);
    if (isScalingEvent(d, newSet === undefined ? oldSets : [...oldSets, newSet])) {
      await this.syncScale(work);
      return this.result(work);
    }
    switch (d.spec?.strategy?.type ?? "RollingUpdate") {
      case "Recreate":
        await this.rolloutRecreate(work);
        break;
      default:
        await this.rolloutRolling(work);
    }
    return this.result(work);
  }

  private result(work: Work): Requeue | void {
    if (work.requeueAfterMs !== undefined) return { requeueAfterMs: work.requeueAfterMs };
  }

  /** The Deployment's ReplicaSets: owned ones that still match, plus matching orphans it adopts. */
  private async claimReplicaSets(d: Deployment, selector: LabelSelector, signal: AbortSignal): Promise<ReplicaSet[]> {
    const namespace = d.metadata?.namespace ?? "";
    const owner = ownerOf(d);
    const claims = claim(owner, selector, this.replicaSets.list(namespace));
    const api = inNamespace(resources.replicaSets, namespace);
    const owned = claims.owned.filter((rs) => !claims.adopt.includes(rs)).map((rs) => structuredClone(rs));
    if (claims.adopt.length > 0) {
      const fresh = await this.client.get<Deployment>(inNamespace(resources.deployments, namespace), d.metadata?.name ?? "", { signal });
      if (fresh.metadata?.uid !== d.metadata?.uid || fresh.metadata?.deletionTimestamp != null) throw new Error(`Deployment ${objectKey(d)} changed identity or is being deleted; not adopting`);
      for (const rs of claims.adopt) {
        try {
          owned.push(await this.client.patch<ReplicaSet>(api, rs.metadata?.name ?? "", "merge", adoptionPatch(owner, rs), { fieldManager, signal }));
        } catch (error) {
          if (!hasReason(error, "NotFound")) throw error;
        }
      }
    }
    for (const rs of claims.release) {
      try {
        await this.client.patch<ReplicaSet>(api, rs.metadata?.name ?? "", "merge", releasePatch(owner, rs), { fieldManager, signal });
      } catch (error) {
        if (!hasReason(error, "NotFound", "Invalid")) throw error;
      }
    }
    return owned;
  }

  private split(work: Work): { newSet: ReplicaSet | undefined; oldSets: ReplicaSet[] } {
    const newSet = findNewReplicaSet(work.d, work.sets);
    return { newSet, oldSets: work.sets.filter((rs) => rs !== newSet) };
  }

  /**
   * The new ReplicaSet, brought up to date (revision, annotations,
   * minReadySeconds) or, when create is set and there is none, created.
   */
  private async newReplicaSet(work: Work, create: boolean): Promise<ReplicaSet | undefined> {
    const { d, signal } = work;
    const { newSet: existing, oldSets } = this.split(work);
    const revision = maxRevision(oldSets) + 1;
    const api = inNamespace(resources.replicaSets, d.metadata?.namespace ?? "");
    if (existing !== undefined) {
      const annotations = newReplicaSetAnnotations(d, existing, revision, false);
      const minReadySeconds = d.spec?.minReadySeconds ?? 0;
      let current = existing;
      if (annotations !== undefined || (existing.spec?.minReadySeconds ?? 0) !== minReadySeconds) {
        const next = structuredClone(existing);
        next.metadata = { ...next.metadata, annotations: annotations ?? next.metadata?.annotations ?? {} };
        next.spec = { ...next.spec!, minReadySeconds };
        current = await this.client.update<ReplicaSet>(api, next, { fieldManager, signal });
        this.replace(work, existing, current);
      }
      await this.noteRevision(work, current.metadata?.annotations?.[revisionAnnotation]);
      if (hasProgressDeadline(d) && findCondition(d.status, "Progressing") === undefined) {
        const status = structuredClone(d.status ?? {});
        setCondition(status, condition("Progressing", "True", "FoundNewReplicaSet", `Found new replica set "${current.metadata?.name ?? ""}"`, this.clock.now()));
        await this.writeStatus(work, status);
      }
      return current;
    }
    if (!create) return undefined;

    const hash = computePodTemplateHash(d.spec?.template ?? {}, d.status?.collisionCount);
    const draft = newReplicaSetFor(d, hash, 0);
    const replicas = newReplicaSetReplicas(d, [...oldSets, draft], draft);
    draft.spec!.replicas = replicas;
    draft.metadata!.annotations = newReplicaSetAnnotations(d, draft, revision, true) ?? {};
    let created: ReplicaSet;
    let alreadyExisted = false;
    try {
      created = await this.client.create<ReplicaSet>(api, draft, { fieldManager, signal });
    } catch (error) {
      if (hasReason(error, "AlreadyExists")) {
        const found = await this.client.get<ReplicaSet>(api, draft.metadata?.name ?? "", { signal });
        if (controllerRefOf(found)?.uid === d.metadata?.uid && equalIgnoringHash(found.spec?.template, d.spec?.template)) {
          created = found;
          alreadyExisted = true;
        } else {
          // Another template already has this hash: count a collision so the next hash differs.
          await this.writeStatus(work, { ...d.status, collisionCount: (d.status?.collisionCount ?? 0) + 1 });
          throw error;
        }
      } else {
        if (hasProgressDeadline(d)) {
          const status = structuredClone(d.status ?? {});
          const message = `Failed to create new replica set "${draft.metadata?.name ?? ""}": ${(error as Error).message}`;
          setCondition(status, condition("Progressing", "False", "ReplicaSetCreateError", message, this.clock.now()));
          await this.writeStatus(work, status).catch(() => undefined);
        }
        this.events.record(typed(d, "apps/v1", "Deployment"), "Warning", "FailedCreate", `Failed to create new replica set "${draft.metadata?.name ?? ""}": ${(error as Error).message}`);
        throw error;
      }
    }
    work.sets.push(created);
    if (!alreadyExisted && replicas > 0) {
      this.events.record(typed(d, "apps/v1", "Deployment"), "Normal", "ScalingReplicaSet", `Scaled up replica set ${created.metadata?.name ?? ""} to ${replicas}`);
    }
    await this.noteRevision(work, String(revision));
    if (!alreadyExisted && hasProgressDeadline(d)) {
      const status = structuredClone(work.d.status ?? {});
      setCondition(status, condition("Progressing", "True", "NewReplicaSetCreated", `Created new replica set "${created.metadata?.name ?? ""}"`, this.clock.now()));
      await this.writeStatus(work, status);
    }
    return created;
  }

  /** The Deployment carries its current revision as an annotation (kubectl rollout history reads it). */
  private async noteRevision(work: Work, revision: string | undefined): Promise<void> {
    if (revision === undefined || work.d.metadata?.annotations?.[revisionAnnotation] === revision) return;
    const api = inNamespace(resources.deployments, work.d.metadata?.namespace ?? "");
    const patch = { metadata: { annotations: { [revisionAnnotation]: revision } } };
    const written = await this.client.patch<Deployment>(api, work.d.metadata?.name ?? "", "merge", patch, { fieldManager, signal: work.signal });
    work.d = { ...work.d, metadata: { ...work.d.metadata, annotations: written.metadata?.annotations ?? {}, resourceVersion: written.metadata?.resourceVersion ?? "" } };
  }

  private replace(work: Work, previous: ReplicaSet, next: ReplicaSet): void {
    const index = work.sets.indexOf(previous);
    if (index >= 0) work.sets[index] = next;
  }

  /** Resizes rs (and refreshes its size annotations); records the upstream event when the size changed. */
  private async scale(work: Work, rs: ReplicaSet, size: number, direction?: "up" | "down"): Promise<ReplicaSet> {
    const sizeChanges = specReplicas(rs) !== size;
    const annotations = sizeAnnotations(work.d, rs);
    if (!sizeChanges && annotations === undefined) return rs;
    const next = structuredClone(rs);
    next.spec = { ...next.spec!, replicas: size };
    next.metadata = { ...next.metadata, annotations: { ...(next.metadata?.annotations ?? {}), ...annotations } };
    const written = await this.client.update<ReplicaSet>(inNamespace(resources.replicaSets, rs.metadata?.namespace ?? ""), next, { fieldManager, signal: work.signal });
    this.replace(work, rs, written);
    if (sizeChanges) {
      const operation = direction ?? (specReplicas(rs) < size ? "up" : "down");
      this.events.record(typed(work.d, "apps/v1", "Deployment"), "Normal", "ScalingReplicaSet", `Scaled ${operation} replica set ${rs.metadata?.name ?? ""} to ${size} from ${specReplicas(rs)}`);
    }
    return written;
  }

  private async rolloutRolling(work: Work): Promise<void> {
    const newSet = await this.newReplicaSet(work, true);
    if (newSet === undefined) return;
    const d = work.d;
    const oldSets = () => work.sets.filter((rs) => rs.metadata?.uid !== newSet.metadata?.uid);
    const current = () => work.sets.find((rs) => rs.metadata?.uid === newSet.metadata?.uid) ?? newSet;

    // Grow the new ReplicaSet first, as far as the surge allows.
    if (specReplicas(current()) !== specReplicas(d)) {
      const target = specReplicas(current()) > specReplicas(d) ? specReplicas(d) : newReplicaSetReplicas(d, work.sets, current());
      if (target !== specReplicas(current())) {
        await this.scale(work, current(), target);
        await this.syncRolloutStatus(work, current());
        return;
      }
    }
    // Then shrink old ReplicaSets as far as availability allows.
    const resizes = scaleDownOldReplicaSets(d, activeReplicaSets(oldSets()), current());
    let scaledDown = false;
    for (const rs of [...oldSets()]) {
      const size = resizes.get(rs.metadata?.name ?? "");
      if (size !== undefined && size < specReplicas(rs)) {
        await this.scale(work, rs, size);
        scaledDown = true;
      }
    }
    if (scaledDown) {
      await this.syncRolloutStatus(work, current());
      return;
    }
    if (isComplete(d, work.d.status ?? {})) await this.cleanUp(work, oldSets());
    await this.syncRolloutStatus(work, current());
  }

  private async rolloutRecreate(work: Work): Promise<void> {
    let newSet = await this.newReplicaSet(work, false);
    const oldSets = () => work.sets.filter((rs) => rs.metadata?.uid !== newSet?.metadata?.uid);
    let scaledDown = false;
    for (const rs of activeReplicaSets(oldSets())) {
      await this.scale(work, rs, 0);
      scaledDown = true;
    }
    if (scaledDown || this.oldPodsRunning(oldSets())) {
      await this.syncRolloutStatus(work, newSet);
      return;
    }
    newSet ??= await this.newReplicaSet(work, true);
    if (newSet === undefined) return;
    const current = work.sets.find((rs) => rs.metadata?.uid === newSet!.metadata?.uid) ?? newSet;
    newSet = await this.scale(work, current, specReplicas(work.d));
    if (isComplete(work.d, work.d.status ?? {})) await this.cleanUp(work, oldSets());
    await this.syncRolloutStatus(work, newSet);
  }

  /** Recreate starts new pods only once every old pod has stopped. */
  private oldPodsRunning(oldSets: readonly ReplicaSet[]): boolean {
    if (actualReplicaCount(oldSets) > 0) return true;
    const oldUids = new Set(oldSets.map((rs) => rs.metadata?.uid ?? ""));
    const namespace = oldSets[0]?.metadata?.namespace;
    if (namespace === undefined) return false;
    return this.pods
      .list(namespace)
      .some((pod) => oldUids.has(controllerRefOf(pod)?.uid ?? "") && pod.status?.phase !== "Failed" && pod.status?.phase !== "Succeeded");
  }

  /** A resize (or a paused Deployment): sizes change, the template does not roll. */
  private async syncScale(work: Work): Promise<void> {
    const newSet = await this.newReplicaSet(work, false);
    const oldSets = work.sets.filter((rs) => rs !== newSet);
    await this.scaleAll(work, newSet, oldSets);
    const refreshedNew = newSet === undefined ? undefined : (work.sets.find((rs) => rs.metadata?.uid === newSet.metadata?.uid) ?? newSet);
    const refreshedOld = work.sets.filter((rs) => rs !== refreshedNew);
    if (work.d.spec?.paused === true) await this.cleanUp(work, refreshedOld);
    const status = calculateStatus(work.d, work.sets, refreshedNew, this.clock.now());
    await this.writeStatus(work, status);
  }

  private async scaleAll(work: Work, newSet: ReplicaSet | undefined, oldSets: ReplicaSet[]): Promise<void> {
    const d = work.d;
    const only = activeOrLatest(newSet, oldSets);
    if (only !== undefined) {
      if (specReplicas(only) !== specReplicas(d)) await this.scale(work, only, specReplicas(d));
      return;
    }
    if (isSaturated(d, newSet)) {
      for (const rs of activeReplicaSets(oldSets)) await this.scale(work, rs, 0);
      return;
    }
    if ((d.spec?.strategy?.type ?? "RollingUpdate") !== "RollingUpdate") return;
    const { resizes, direction } = proportionalResizes(d, newSet === undefined ? oldSets : [...oldSets, newSet]);
    for (const rs of [...work.sets]) {
      const size = resizes.get(rs.metadata?.name ?? "");
      if (size !== undefined && (size !== specReplicas(rs) || sizeAnnotations(d, rs) !== undefined)) await this.scale(work, rs, size, direction);
    }
  }

  private async cleanUp(work: Work, oldSets: readonly ReplicaSet[]): Promise<void> {
    const api = inNamespace(resources.replicaSets, work.d.metadata?.namespace ?? "");
    for (const rs of replicaSetsToCleanUp(work.d, oldSets)) {
      try {
        await this.client.delete(api, rs.metadata?.name ?? "", { signal: work.signal });
      } catch (error) {
        if (!hasReason(error, "NotFound")) throw error;
      }
    }
  }

  private async syncRolloutStatus(work: Work, newSet: ReplicaSet | undefined): Promise<void> {
    const now = this.clock.now();
    const status = rolloutStatus(work.d, work.sets, newSet, now);
    const wait = msUntilProgressCheck(work.d, status, now);
    if (wait !== undefined) work.requeueAfterMs = wait;
    await this.writeStatus(work, status);
  }

  private async syncStatusOnly(work: Work): Promise<void> {
    const newSet = findNewReplicaSet(work.d, work.sets);
    await this.writeStatus(work, calculateStatus(work.d, work.sets, newSet, this.clock.now()));
  }

  /** Progressing says Paused/Resumed when the pause flag flips. */
  private async notePause(work: Work): Promise<void> {
    const next = pauseCondition(work.d, this.clock.now());
    if (next === undefined) return;
    const status = structuredClone(work.d.status ?? {});
    setCondition(status, next);
    await this.writeStatus(work, status);
  }

  private async writeStatus(work: Work, status: DeploymentStatus): Promise<void> {
    if (canonicalJson(work.d.status ?? {}) === canonicalJson(status)) return;
    const api: ResourceRef = inNamespace(resources.deployments, work.d.metadata?.namespace ?? "");
    const written = await this.client.updateStatus<Deployment>(api, { ...work.d, status }, { fieldManager, signal: work.signal });
    work.d = { ...work.d, metadata: { ...work.d.metadata, resourceVersion: written.metadata?.resourceVersion ?? "" }, status: written.status ?? status };
  }
}

function safeSelector(d: Deployment): LabelSelector | undefined {
  try {
    return labelSelectorFromObject(d.spec?.selector);
  } catch (error) {
    if (error instanceof LabelSelectorError) return undefined;
    throw error;
  }
}

function ownerOf(d: Deployment): Owner {
  return { apiVersion: "apps/v1", kind: "Deployment", name: d.metadata?.name ?? "", uid: d.metadata?.uid ?? "", deleting: d.metadata?.deletionTimestamp != null };
}

