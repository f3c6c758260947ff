// ControllerRevisions: the history of a StatefulSet's or DaemonSet's pod
// template (upstream's controller history). Each revision stores a patch that
// restores its template (what `kubectl rollout undo` applies), a revision
// number, and a hash in its name and label. The pure part decides which
// revision is the update revision and which old ones to prune; ensureRevision
// does the writes, bumping the collision count when a name is taken by a
// different template.
import type { ControllerRevision } from "kubernetes-types/apps/v1";
import type { PodTemplateSpec } from "kubernetes-types/core/v1";
import { hasReason } from "../../client/errors.ts";
import type { KubeClient, ResourceRef } from "../../client/kube-client.ts";
import { controllerRefOf } from "../controller-ref.ts";
import { canonicalJson, fnv32a, safeEncodeString } from "../hashing.ts";

export const revisionHashLabel = "controller-revision-hash";

/** The data of a revision: a strategic merge patch that puts template back whole. */
export function templatePatch(template: PodTemplateSpec | undefined): Record<string, unknown> {
  return { spec: { template: { ...structuredClone(template ?? {}), $patch: "replace" } } };
}

export function sameData(a: ControllerRevision, b: ControllerRevision): boolean {
  return canonicalJson(a.data ?? null) === canonicalJson(b.data ?? null);
}

/** FNV-32a of the revision data, then the collision count as decimal digits, in the safe alphabet. */
export function revisionDataHash(data: unknown, collisionCount: number | undefined): string {
  let hash = fnv32a(new TextEncoder().encode(canonicalJson(data)));
  if (collisionCount !== undefined) hash = fnv32a(new TextEncoder().encode(String(collisionCount)), hash);
  return safeEncodeString(String(hash));
}

export function nextRevisionNumber(revisions: readonly ControllerRevision[]): number {
  return revisions.reduce((max, revision) => Math.max(max, revision.revision), 0) + 1;
}

export function byRevision(a: ControllerRevision, b: ControllerRevision): number {
  return a.revision - b.revision || (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? "");
}

export type RevisionChoice =
  /** The newest revision already holds the template. */
  | { kind: "latest"; revision: ControllerRevision }
  /** An older revision holds it (a rollback): renumber it to come last. */
  | { kind: "renumber"; revision: ControllerRevision; to: number }
  | { kind: "create" };

export function chooseUpdateRevision(revisions: readonly ControllerRevision[], candidate: ControllerRevision): RevisionChoice {
  const sorted = [...revisions].sort(byRevision);
  const equal = sorted.filter((revision) => sameData(revision, candidate));
  const newestEqual = equal[equal.length - 1];
  if (newestEqual === undefined) return { kind: "create" };
  if (newestEqual === sorted[sorted.length - 1]) return { kind: "latest", revision: newestEqual };
  return { kind: "renumber", revision: newestEqual, to: nextRevisionNumber(sorted) };
}

/** StatefulSet history: keeps limit revisions that nothing uses; deletes older unused ones, oldest first. */
export function revisionsToPrune(revisions: readonly ControllerRevision[], isLive: (revision: ControllerRevision) => boolean, limit: number): ControllerRevision[] {
  const dead = revisions.filter((revision) => !isLive(revision)).sort(byRevision);
  return dead.slice(0, Math.max(dead.length - Math.max(limit, 0), 0));
}

/**
 * DaemonSet history: keeps limit old revisions in all (used ones count too);
 * deletes unused ones, oldest first, until that holds or only used ones remain.
 */
export function oldRevisionsToPrune(old: readonly ControllerRevision[], isLive: (revision: ControllerRevision) => boolean, limit: number): ControllerRevision[] {
  const excess = old.length - Math.max(limit, 0);
  if (excess <= 0) return [];
  return [...old].sort(byRevision).filter((revision) => !isLive(revision)).slice(0, excess);
}

/** Thrown when a revision name is taken by another template: the caller records the new collision count and retries. */
export class RevisionCollisionError extends Error {
  readonly reason = "RevisionCollision" as const;
  constructor(
    readonly revisionName: string,
    readonly collisionCount: number,
  ) {
    super(`controller revision ${revisionName} exists with different data; collision count is now ${collisionCount}`);
    this.name = "RevisionCollisionError";
  }
}

/**
 * The update revision, written if needed. build makes the revision for a
 * collision count; revisions are the owner's existing ones. A name taken by
 * other data throws RevisionCollisionError carrying the bumped count.
 */
export async function ensureRevision(
  client: KubeClient,
  api: ResourceRef,
  revisions: readonly ControllerRevision[],
  build: (collisionCount: number | undefined) => ControllerRevision,
  collisionCount: number | undefined,
  ownerUid: string,
  signal: AbortSignal,
): Promise<ControllerRevision> {
  const candidate = build(collisionCount);
  const choice = chooseUpdateRevision(revisions, candidate);
  switch (choice.kind) {
    case "latest":
      return choice.revision;
    case "renumber":
      return client.patch<ControllerRevision>(api, choice.revision.metadata?.name ?? "", "merge", { revision: choice.to }, { signal });
    case "create":
      try {
        return await client.create<ControllerRevision>(api, candidate, { signal });
      } catch (error) {
        if (!hasReason(error, "AlreadyExists")) throw error;
      }
  }
  const existing = await client.get<ControllerRevision>(api, candidate.metadata?.name ?? "", { signal });
  if (controllerRefOf(existing)?.uid === ownerUid && sameData(existing, candidate)) return existing;
  throw new RevisionCollisionError(candidate.metadata?.name ?? "", (collisionCount ?? 0) + 1);
}
