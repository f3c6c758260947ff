// The automatic compaction policy: every interval, drop history older than
// the latest revision minus the revisions to keep (like kube-apiserver's
// periodic compaction of etcd, and kine's).
import type { Revision } from "./store.ts";

export interface CompactionPolicy {
  /** How often to compact. */
  intervalMs: number;
  /** Revisions kept readable behind the latest (list at a revision, watch from a revision). */
  keepRevisions: number;
  /** Told about a failed compaction; the next interval tries again. */
  onError?: (error: unknown) => void;
}

export const defaultCompactionPolicy: CompactionPolicy = { intervalMs: 5 * 60_000, keepRevisions: 1_000 };

export interface Compactable {
  currentRevision(): Promise<Revision>;
  compact(revision: Revision): Promise<void>;
}

/** The revision one compaction round compacts to, or undefined when nothing is due. */
export function compactionTarget(latest: Revision, compacted: Revision, keepRevisions: number): Revision | undefined {
  const target = latest - keepRevisions;
  return target > compacted ? target : undefined;
}

/** Starts compacting on `policy`'s interval; the returned function stops it. The timer never keeps the process alive. */
export function startAutoCompaction(store: Compactable, compactedRevision: () => Revision, policy: CompactionPolicy): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void (async () => {
      const target = compactionTarget(await store.currentRevision(), compactedRevision(), policy.keepRevisions);
      if (target !== undefined) await store.compact(target);
    })()
      .catch((error: unknown) => policy.onError?.(error))
      .finally(() => (running = false));
  }, policy.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
