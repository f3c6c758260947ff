// What the garbage collector does with one object, decided from what it
// knows of the object's owners (upstream's attemptToDeleteItem and
// processDeletingDependentsItem), as data for the shell to carry out.
import type { OwnerReference } from "kubernetes-types/meta/v1";

export const orphanFinalizer = "orphan";
export const foregroundFinalizer = "foregroundDeletion";

/**
 * present: the owner exists with the referenced uid.
 * absent: no object of that kind and name has that uid (deleted, or re-created as a different object).
 * waitingForDependentsDeletion: the owner is being deleted in the foreground.
 * unresolvable: the reference cannot be checked (unknown kind, a namespaced owner of a cluster-scoped object): never acted on.
 */
export type OwnerState = "present" | "absent" | "waitingForDependentsDeletion" | "unresolvable";

export interface ResolvedOwner {
  ref: OwnerReference;
  state: OwnerState;
}

export type PropagationPolicy = "Background" | "Foreground" | "Orphan";

export type DependentAction =
  | { action: "none" }
  /** Keep the object, with only these owner references left. */
  | { action: "setOwnerReferences"; ownerReferences: OwnerReference[] }
  | { action: "delete"; propagationPolicy: PropagationPolicy };

export interface DependentFacts {
  deleting: boolean;
  finalizers: readonly string[];
  /** Whether anything names this object as its owner. */
  hasDependents: boolean;
}

export function planDependent(dependent: DependentFacts, owners: readonly ResolvedOwner[]): DependentAction {
  // An object on its way out is finished by its own finalizers, not by its owners.
  if (dependent.deleting || owners.length === 0) return { action: "none" };
  const solid = owners.filter((o) => o.state === "present" || o.state === "unresolvable");
  const dangling = owners.filter((o) => o.state === "absent");
  const waiting = owners.filter((o) => o.state === "waitingForDependentsDeletion");
  if (solid.length > 0) {
    if (dangling.length === 0 && waiting.length === 0) return { action: "none" };
    // Owners still holding the object keep it; references to owners that are gone (or going) are dropped.
    const dropped = new Set([...dangling, ...waiting].map((o) => o.ref.uid));
    return { action: "setOwnerReferences", ownerReferences: owners.map((o) => o.ref).filter((ref) => !dropped.has(ref.uid)) };
  }
  // An owner waits for this object, which has dependents of its own: those go first.
  if (waiting.length > 0 && dependent.hasDependents) return { action: "delete", propagationPolicy: "Foreground" };
  if (dependent.finalizers.includes(orphanFinalizer)) return { action: "delete", propagationPolicy: "Orphan" };
  if (dependent.finalizers.includes(foregroundFinalizer)) return { action: "delete", propagationPolicy: "Foreground" };
  return { action: "delete", propagationPolicy: "Background" };
}

export interface DependentRef {
  uid: string;
  deleting: boolean;
  owners: readonly OwnerReference[];
}

export interface ForegroundPlan {
  /** No dependent blocks the owner any more: its foregroundDeletion finalizer may go. */
  removeFinalizer: boolean;
  /** Dependents still to be deleted (each decides its own propagation). */
  deleteDependents: string[];
}

export function planForegroundOwner(ownerUid: string, dependents: readonly DependentRef[]): ForegroundPlan {
  const blocking = dependents.filter((d) => d.owners.some((o) => o.uid === ownerUid && o.blockOwnerDeletion === true));
  return {
    removeFinalizer: blocking.length === 0,
    deleteDependents: dependents.filter((d) => !d.deleting).map((d) => d.uid),
  };
}

/** The owner references left once those naming ownerUid are removed. */
export function withoutOwner(refs: readonly OwnerReference[], ownerUid: string): OwnerReference[] {
  return refs.filter((ref) => ref.uid !== ownerUid);
}

export function withoutFinalizer(finalizers: readonly string[], finalizer: string): string[] {
  return finalizers.filter((f) => f !== finalizer);
}
