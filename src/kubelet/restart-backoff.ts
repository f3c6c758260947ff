// CrashLoopBackOff arithmetic (upstream's flowcontrol.Backoff as the kubelet
// uses it): the first restart is immediate, then a container that exited
// waits 10 s, 20 s, 40 s ... up to 5 minutes after its exit before the next
// restart. A container that exits more than 10 minutes after the last restart
// decision starts over at 10 s.

export const initialBackoffMs = 10_000;
export const maxBackoffMs = 300_000;
const resetAfterMs = 2 * maxBackoffMs;

/** What the kubelet remembers about one container's restarts. */
export interface BackoffEntry {
  delayMs: number;
  /** When the last restart was decided. */
  lastRestartMs: number;
}

export type BackoffDecision =
  /** Restart now and remember entry. */
  | { restart: true; entry: BackoffEntry }
  /** Still backing off: look again after remainingMs. */
  | { restart: false; delayMs: number; remainingMs: number };

function expired(entry: BackoffEntry, eventMs: number): boolean {
  return eventMs - entry.lastRestartMs > resetAfterMs;
}

/** Whether a container that exited at finishedMs may restart at nowMs, given what was remembered. */
export function restartDecision(entry: BackoffEntry | undefined, finishedMs: number, nowMs: number): BackoffDecision {
  if (entry !== undefined && !expired(entry, nowMs)) {
    const remainingMs = finishedMs + entry.delayMs - nowMs;
    if (remainingMs > 0) return { restart: false, delayMs: entry.delayMs, remainingMs };
  }
  const delayMs = entry === undefined || expired(entry, finishedMs) ? initialBackoffMs : Math.min(entry.delayMs * 2, maxBackoffMs);
  return { restart: true, entry: { delayMs, lastRestartMs: nowMs } };
}
