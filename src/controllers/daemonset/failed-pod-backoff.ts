// How often a DaemonSet may replace a failed pod on one node (upstream's
// failedPodsBackoff: 1 s doubling to 15 min per DaemonSet and node). A kubelet
// that rejects the pod at once would otherwise make the controller and the
// kubelet fight in a tight loop.
export const initialBackoffMs = 1_000;
export const maxBackoffMs = 15 * 60 * 1000;

interface Entry {
  durationMs: number;
  lastUpdateMs: number;
}

export class FailedPodBackoff {
  private readonly entries = new Map<string, Entry>();

  /** Milliseconds until key may replace a failed pod again, or 0 when it may now. */
  remainingMs(key: string, nowMs: number): number {
    const entry = this.entries.get(key);
    if (entry === undefined) return 0;
    return Math.max(entry.lastUpdateMs + entry.durationMs - nowMs, 0);
  }

  /** Records a replacement: the next one waits twice as long, unless the last was long ago. */
  next(key: string, nowMs: number): void {
    const entry = this.entries.get(key);
    const expired = entry === undefined || nowMs - entry.lastUpdateMs > 2 * maxBackoffMs;
    this.entries.set(key, { durationMs: expired ? initialBackoffMs : Math.min(entry.durationMs * 2, maxBackoffMs), lastUpdateMs: nowMs });
  }

  /** Forgets every key of a DaemonSet that is gone. */
  forget(prefix: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }
}

export function failedPodBackoffKey(dsKey: string, node: string): string {
  return `${dsKey}/${node}`;
}
