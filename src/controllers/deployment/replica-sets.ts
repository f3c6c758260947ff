// Which ReplicaSet of a Deployment is the new one, what a new one looks like,
// the annotations the Deployment keeps on its ReplicaSets (revision, sizes,
// copied user annotations), and which old ones revisionHistoryLimit lets go.
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import type { PodTemplateSpec } from "kubernetes-types/core/v1";
import { canonicalJson } from "../hashing.ts";
import { byCreation, desiredReplicasAnnotation, maxReplicasAnnotation, maxSurge, specReplicas } from "./rollout.ts";

export const podTemplateHashLabel = "pod-template-hash";
export const revisionAnnotation = "deployment.kubernetes.io/revision";
export const revisionHistoryAnnotation = "deployment.kubernetes.io/revision-history";

/** Deployment annotations that are the controller's own or kubectl's, never copied to ReplicaSets. */
const notCopied: ReadonlySet<string> = new Set([
  "kubectl.kubernetes.io/last-applied-configuration",
  revisionAnnotation,
  revisionHistoryAnnotation,
  desiredReplicasAnnotation,
  maxReplicasAnnotation,
  "deprecated.deployment.rollback.to",
]);

function withoutHashLabel(template: PodTemplateSpec | undefined): PodTemplateSpec {
  const copy: PodTemplateSpec = structuredClone(template ?? {});
  if (copy.metadata?.labels !== undefined) {
    delete copy.metadata.labels[podTemplateHashLabel];
  }
  return copy;
}

/** Same pod template once the pod-template-hash label is ignored on both sides. */
export function equalIgnoringHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return canonicalJson(withoutHashLabel(a)) === canonicalJson(withoutHashLabel(b));
}

/** The oldest ReplicaSet whose template is the Deployment's. */
export function findNewReplicaSet(deployment: Deployment, sets: readonly ReplicaSet[]): ReplicaSet | undefined {
  return [...sets].sort(byCreation).find((rs) => equalIgnoringHash(rs.spec?.template, deployment.spec?.template));
}

/** The revision annotation as a number; 0 when absent or malformed. */
export function revisionOf(object: { metadata?: { annotations?: Record<string, string> } }): number {
  const text = object.metadata?.annotations?.[revisionAnnotation];
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : 0;
}

export function maxRevision(sets: readonly ReplicaSet[]): number {
  return sets.reduce((max, rs) => Math.max(max, revisionOf(rs)), 0);
}

/** The ReplicaSet a Deployment creates for its current template. */
export function newReplicaSetFor(deployment: Deployment, hash: string, replicas: number): ReplicaSet {
  const meta = deployment.metadata ?? {};
  const template = structuredClone(deployment.spec?.template ?? {});
  const labels = { ...(template.metadata?.labels ?? {}), [podTemplateHashLabel]: hash };
  template.metadata = { ...(template.metadata ?? {}), labels };
  const selector = structuredClone(deployment.spec?.selector ?? {});
  selector.matchLabels = { ...(selector.matchLabels ?? {}), [podTemplateHashLabel]: hash };
  return {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: {
      name: `${meta.name ?? ""}-${hash}`,
      namespace: meta.namespace ?? "default",
      labels,
      ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: meta.name ?? "", uid: meta.uid ?? "", controller: true, blockOwnerDeletion: true }],
    },
    spec: { replicas, minReadySeconds: deployment.spec?.minReadySeconds ?? 0, selector, template },
  };
}

/**
 * The annotations rs should carry as (or when becoming) the new ReplicaSet at
 * revision: the Deployment's own annotations copied, the revision raised (the
 * old one appended to revision-history), and on creation the size annotations.
 * Undefined when nothing changes.
 */
export function newReplicaSetAnnotations(deployment: Deployment, rs: ReplicaSet, revision: number, creating: boolean): Record<string, string> | undefined {
  const annotations = { ...(rs.metadata?.annotations ?? {}) };
  let changed = false;
  for (const [key, value] of Object.entries(deployment.metadata?.annotations ?? {})) {
    if (notCopied.has(key) || annotations[key] === value) continue;
    annotations[key] = value;
    changed = true;
  }
  const previous = annotations[revisionAnnotation];
  if (revisionOf(rs) < revision) {
    annotations[revisionAnnotation] = String(revision);
    changed = true;
    if (previous !== undefined && previous !== "") {
      const history = annotations[revisionHistoryAnnotation];
      annotations[revisionHistoryAnnotation] = history ? `${history},${previous}` : previous;
    }
  }
  if (creating) {
    const sizes = sizeAnnotations(deployment, rs);
    if (sizes !== undefined) {
      Object.assign(annotations, sizes);
      changed = true;
    }
  }
  return changed ? annotations : undefined;
}

/** desired-replicas and max-replicas for the Deployment's current size, if rs carries others. */
export function sizeAnnotations(deployment: Deployment, rs: ReplicaSet): Record<string, string> | undefined {
  const desired = String(specReplicas(deployment));
  const max = String(specReplicas(deployment) + maxSurge(deployment));
  const current = rs.metadata?.annotations ?? {};
  if (current[desiredReplicasAnnotation] === desired && current[maxReplicasAnnotation] === max) return undefined;
  return { [desiredReplicasAnnotation]: desired, [maxReplicasAnnotation]: max };
}

/**
 * Old ReplicaSets beyond revisionHistoryLimit, lowest revision first, that are
 * empty and settled (no pods, spec observed) and so safe to delete.
 */
export function replicaSetsToCleanUp(deployment: Deployment, oldSets: readonly ReplicaSet[]): ReplicaSet[] {
  const limit = deployment.spec?.revisionHistoryLimit;
  if (limit === undefined) return [];
  const alive = oldSets.filter((rs) => rs.metadata?.deletionTimestamp == null);
  const excess = alive.length - limit;
  if (excess <= 0) return [];
  const byRevision = [...alive].sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
  return byRevision
    .slice(0, excess)
    .filter((rs) => (rs.status?.replicas ?? 0) === 0 && specReplicas(rs) === 0 && (rs.metadata?.generation ?? 0) <= (rs.status?.observedGeneration ?? 0));
}
