// A token bucket with the semantics of golang.org/x/time/rate, which both
// client-go's request throttle and the work queue's overall limiter use: the
// bucket starts full (burst tokens), refills at qps tokens per second, and a
// reservation may drive it below zero; the deficit is the caller's wait.
import { realClock, sleep, type Clock } from "./clock.ts";
import { InvalidClientOptionError } from "./errors.ts";

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private readonly clock: Clock;

  constructor(
    readonly qps: number,
    readonly burst: number,
    clock: Clock = realClock,
  ) {
    if (!(qps > 0) || !(burst >= 1)) throw new InvalidClientOptionError(`token bucket needs qps > 0 and burst >= 1, got qps=${qps} burst=${burst}`);
    this.clock = clock;
    this.tokens = burst;
    this.updatedAt = clock.now();
  }

  /** Takes one token now and returns how many milliseconds the caller must wait before using it. */
  reserve(): number {
    this.refill();
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens / this.qps) * 1000;
  }

  /** Takes a token only if one is available now. */
  tryAccept(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Waits for a token; an abort ends the wait early (the reservation is not returned). */
  async wait(signal?: AbortSignal): Promise<void> {
    const delay = this.reserve();
    if (delay > 0) await sleep(this.clock, delay, signal);
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.updatedAt);
    this.updatedAt = now;
    this.tokens = Math.min(this.burst, this.tokens + (elapsed / 1000) * this.qps);
  }
}
