// Pure: when the proxy may sync next, as kube-proxy's bounded-frequency
// runner decides it: a token bucket of `burst` syncs (upstream: 2) that refills
// at one per minimum interval. A lone change after a quiet spell is synced at
// once; a stream of changes gets at most one sync per interval, each taking
// everything that arrived meanwhile.

export class SyncBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    readonly intervalMs: number,
    readonly burst = 2,
    now = 0,
  ) {
    this.tokens = burst;
    this.refilledAt = now;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.refilledAt);
    this.tokens = this.intervalMs <= 0 ? this.burst : Math.min(this.burst, this.tokens + elapsed / this.intervalMs);
    this.refilledAt = now;
  }

  /** Milliseconds until a sync may run; 0: now. */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) * this.intervalMs);
  }

  /** A sync runs now. */
  take(now: number): void {
    this.refill(now);
    this.tokens = Math.max(0, this.tokens - 1);
  }
}
