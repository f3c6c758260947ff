// Completion indexes of Indexed Jobs: the annotation and label a pod carries,
// and status.completedIndexes in upstream's compressed form ("1,3-5,7").
import type { Pod } from "kubernetes-types/core/v1";

export const completionIndexKey = "batch.kubernetes.io/job-completion-index";

/** The pod's completion index, or undefined when it has none or a malformed one. */
export function completionIndexOf(pod: Pod): number | undefined {
  const text = pod.metadata?.annotations?.[completionIndexKey];
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  const index = Number(text);
  return Number.isSafeInteger(index) ? index : undefined;
}

/** Parses status.completedIndexes, keeping indexes below completions and skipping malformed parts. */
export function parseIndexes(text: string | undefined, completions: number): Set<number> {
  const indexes = new Set<number>();
  for (const part of (text ?? "").split(",")) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (match === null) continue;
    const first = Number(match[1]);
    const last = Math.min(match[2] === undefined ? first : Number(match[2]), completions - 1);
    for (let index = first; index <= last; index++) indexes.add(index);
  }
  return indexes;
}

/** Sorted indexes as upstream writes them: every run of consecutive indexes becomes "a-b". */
export function formatIndexes(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] ?? 0) + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}

/** The lowest count indexes below completions that are neither done nor held by an active pod. */
export function indexesToCreate(completions: number, succeeded: ReadonlySet<number>, activeIndexes: ReadonlySet<number>, count: number): number[] {
  const chosen: number[] = [];
  for (let index = 0; index < completions && chosen.length < count; index++) {
    if (!succeeded.has(index) && !activeIndexes.has(index)) chosen.push(index);
  }
  return chosen;
}
