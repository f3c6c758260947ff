// How long a work queue waits before retrying a key (client-go's
// workqueue.TypedRateLimiter family). when() both answers and counts a failure;
// forget() clears a key's history once it succeeded.
import { realClock, type Clock } from "./clock.ts";
import { TokenBucket } from "./token-bucket.ts";

export interface RateLimiter<K> {
  /** Milliseconds to wait before the next attempt of item; counts one more failure. */
  when(item: K): number;
  /** Stops tracking item (it succeeded or was dropped). */
  forget(item: K): void;
  /** Failures counted for item since it was last forgotten. */
  numRequeues(item: K): number;
}

/** baseDelay * 2^failures, capped at maxDelay: a key that keeps failing backs off alone. */
export class ItemExponentialFailureRateLimiter<K> implements RateLimiter<K> {
  private readonly failures = new Map<K, number>();

  constructor(
    private readonly baseDelayMs: number,
    private readonly maxDelayMs: number,
  ) {}

  when(item: K): number {
    const exponent = this.failures.get(item) ?? 0;
    this.failures.set(item, exponent + 1);
    return Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** exponent);
  }

  forget(item: K): void {
    this.failures.delete(item);
  }

  numRequeues(item: K): number {
    return this.failures.get(item) ?? 0;
  }
}

/** One token bucket for all keys: bounds the overall retry rate, whatever the key. */
export class BucketRateLimiter<K> implements RateLimiter<K> {
  constructor(private readonly bucket: TokenBucket) {}

  when(_item: K): number {
    return this.bucket.reserve();
  }

  forget(_item: K): void {}

  numRequeues(_item: K): number {
    return 0;
  }
}

/** The longest wait any of the limiters asks for. */
export class MaxOfRateLimiter<K> implements RateLimiter<K> {
  private readonly limiters: readonly RateLimiter<K>[];

  constructor(...limiters: RateLimiter<K>[]) {
    this.limiters = limiters;
  }

  when(item: K): number {
    // Every limiter must see the failure, so no short-circuit.
    return this.limiters.reduce((longest, limiter) => Math.max(longest, limiter.when(item)), 0);
  }

  forget(item: K): void {
    for (const limiter of this.limiters) limiter.forget(item);
  }

  numRequeues(item: K): number {
    return this.limiters.reduce((most, limiter) => Math.max(most, limiter.numRequeues(item)), 0);
  }
}

/** Upstream's DefaultControllerRateLimiter: 5 ms doubling to 1000 s per key, and 10 qps with a burst of 100 overall. */
export function defaultControllerRateLimiter<K>(clock: Clock = realClock): RateLimiter<K> {
  return new MaxOfRateLimiter<K>(new ItemExponentialFailureRateLimiter<K>(5, 1_000_000), new BucketRateLimiter<K>(new TokenBucket(10, 100, clock)));
}
