// A delaying queue that asks a RateLimiter how long to wait before a retry
// (client-go's RateLimitingInterface): the retry half of the controller contract.
import { realClock, type Clock } from "./clock.ts";
import { DelayingQueue } from "./delaying-queue.ts";
import { defaultControllerRateLimiter, type RateLimiter } from "./rate-limiter.ts";

export class RateLimitingQueue<K = string> extends DelayingQueue<K> {
  private readonly limiter: RateLimiter<K>;

  constructor(options: { rateLimiter?: RateLimiter<K>; clock?: Clock } = {}) {
    const clock = options.clock ?? realClock;
    super(clock);
    this.limiter = options.rateLimiter ?? defaultControllerRateLimiter<K>(clock);
  }

  /** Adds item once the rate limiter allows: the back-off after a failed attempt. */
  addRateLimited(item: K): void {
    this.addAfter(item, this.limiter.when(item));
  }

  /** Clears item's failure history (after a success); does not remove it from the queue. */
  forget(item: K): void {
    this.limiter.forget(item);
  }

  numRequeues(item: K): number {
    return this.limiter.numRequeues(item);
  }
}
