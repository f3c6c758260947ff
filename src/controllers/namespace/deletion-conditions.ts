// The status conditions a terminating namespace carries while the namespace
// controller empties it, with upstream's types, reasons and messages: each
// type is present, False with an "ok" reason while nothing is wrong.
import type { NamespaceCondition } from "kubernetes-types/core/v1";

/** What one pass over a terminating namespace found. */
export interface DeletionOutcome {
  /** Listing the resource types failed. */
  discoveryError?: string;
  /** One message per resource type whose content could not be deleted. */
  deleteErrors: string[];
  /** Objects left per resource, keyed "<plural>.<group>". */
  remaining: ReadonlyMap<string, number>;
  /** Objects left per finalizer they carry. */
  finalizersRemaining: ReadonlyMap<string, number>;
}

const conditionTypes = [
  "NamespaceDeletionDiscoveryFailure",
  "NamespaceDeletionGroupVersionParsingFailure",
  "NamespaceDeletionContentFailure",
  "NamespaceContentRemaining",
  "NamespaceFinalizersRemaining",
] as const;
type ConditionType = (typeof conditionTypes)[number];

const fine: Record<ConditionType, { reason: string; message: string }> = {
  NamespaceDeletionDiscoveryFailure: { reason: "ResourcesDiscovered", message: "All resources successfully discovered" },
  NamespaceDeletionGroupVersionParsingFailure: { reason: "ParsedGroupVersions", message: "All legacy kube types successfully parsed" },
  NamespaceDeletionContentFailure: { reason: "ContentDeleted", message: "All content successfully deleted, may be waiting on finalization" },
  NamespaceContentRemaining: { reason: "ContentRemoved", message: "All content successfully removed" },
  NamespaceFinalizersRemaining: { reason: "ContentRemoved", message: "All content successfully removed" },
};

function problems(outcome: DeletionOutcome): Partial<Record<ConditionType, { reason: string; message: string }>> {
  const found: Partial<Record<ConditionType, { reason: string; message: string }>> = {};
  if (outcome.discoveryError !== undefined) found.NamespaceDeletionDiscoveryFailure = { reason: "DiscoveryFailed", message: outcome.discoveryError };
  if (outcome.deleteErrors.length > 0) {
    const messages = [...outcome.deleteErrors].sort();
    found.NamespaceDeletionContentFailure = { reason: "ContentDeletionFailed", message: `Failed to delete all resource types, ${messages.length} remaining: ${messages.join(", ")}` };
  }
  const remaining = counted(outcome.remaining, (resource, n) => `${resource} has ${n} resource instances`);
  if (remaining.length > 0) found.NamespaceContentRemaining = { reason: "SomeResourcesRemain", message: `Some resources are remaining: ${remaining.join(", ")}` };
  const finalizers = counted(outcome.finalizersRemaining, (finalizer, n) => `${finalizer} in ${n} resource instances`);
  if (finalizers.length > 0) found.NamespaceFinalizersRemaining = { reason: "SomeFinalizerRemain", message: `Some finalizers are remaining: ${finalizers.join(", ")}` };
  return found;
}

function counted(counts: ReadonlyMap<string, number>, describe: (name: string, n: number) => string): string[] {
  return [...counts].filter(([, n]) => n > 0).map(([name, n]) => describe(name, n)).sort();
}

/**
 * The conditions after a pass: one per type, in upstream's order after any
 * conditions of other types; lastTransitionTime moves only when status flips.
 * Answers undefined when nothing changed (no write needed).
 */
export function deletionConditions(current: readonly NamespaceCondition[], outcome: DeletionOutcome, now: string): NamespaceCondition[] | undefined {
  const found = problems(outcome);
  const next = current.map((c) => ({ ...c }));
  let changed = false;
  for (const type of conditionTypes) {
    const problem = found[type];
    const wanted = { type, status: problem === undefined ? "False" : "True", ...(problem ?? fine[type]) };
    const existing = next.find((c) => c.type === type);
    if (existing === undefined) {
      next.push({ ...wanted, lastTransitionTime: now });
      changed = true;
    } else if (existing.status !== wanted.status || existing.reason !== wanted.reason || existing.message !== wanted.message) {
      if (existing.status !== wanted.status) existing.lastTransitionTime = now;
      Object.assign(existing, wanted);
      changed = true;
    }
  }
  return changed ? next : undefined;
}

/** "<plural>.<group>", as upstream names a resource in these messages ("pods." for the core group). */
export function resourceLabel(plural: string, group: string): string {
  return `${plural}.${group}`;
}
