// A fake Clock for unit tests: time stands still until the test advances it,
// and timers fire in due order while it does.
import type { CancelTimer, Clock } from "../clock.ts";

interface PendingTimer {
  dueAt: number;
  sequence: number;
  callback: () => void;
}

export class FakeClock implements Clock {
  private current: number;
  private sequence = 0;
  private readonly timers = new Set<PendingTimer>();

  constructor(startMs = Date.UTC(2024, 0, 1)) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimer(delayMs: number, callback: () => void): CancelTimer {
    const timer: PendingTimer = { dueAt: this.current + Math.max(0, delayMs), sequence: this.sequence++, callback };
    this.timers.add(timer);
    return () => this.timers.delete(timer);
  }

  /** Timers armed and not yet fired or cancelled. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /**
   * Moves time forward by deltaMs, firing each timer that falls due at its own
   * time; timers that callbacks arm within the window fire too.
   */
  advance(deltaMs: number): void {
    const target = this.current + deltaMs;
    for (;;) {
      const next = this.earliestDue(target);
      if (next === undefined) break;
      this.timers.delete(next);
      this.current = next.dueAt;
      next.callback();
    }
    this.current = target;
  }

  /** Like advance, but lets promise callbacks run after each timer, for code that awaits between timers. */
  async advanceAsync(deltaMs: number): Promise<void> {
    const target = this.current + deltaMs;
    for (;;) {
      await settle();
      const next = this.earliestDue(target);
      if (next === undefined) break;
      this.timers.delete(next);
      this.current = next.dueAt;
      next.callback();
    }
    this.current = target;
    await settle();
  }

  private earliestDue(limit: number): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const t of this.timers) {
      if (t.dueAt > limit) continue;
      if (best === undefined || t.dueAt < best.dueAt || (t.dueAt === best.dueAt && t.sequence < best.sequence)) best = t;
    }
    return best;
  }
}

/** Lets every queued promise callback run (a macrotask turn). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
