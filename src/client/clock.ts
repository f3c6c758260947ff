// Time as the client machinery sees it: read the time, arm a timer. Queues,
// rate limiters, informers, the event recorder and leader election take a
// Clock so tests can drive them with testing/fake-clock.ts instead of waiting.

/** Cancels a timer armed with Clock.setTimer; harmless after it fired. */
export type CancelTimer = () => void;

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  setTimer(delayMs: number, callback: () => void): CancelTimer;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimer(delayMs, callback) {
    const timer = setTimeout(callback, Math.max(0, delayMs));
    return () => clearTimeout(timer);
  },
};

/** Resolves after delayMs, or at once when signal aborts (callers check signal.aborted). */
export function sleep(clock: Clock, delayMs: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const finish = () => {
      cancel();
      signal?.removeEventListener("abort", finish);
      resolve();
    };
    const cancel = clock.setTimer(delayMs, finish);
    signal?.addEventListener("abort", finish, { once: true });
  });
}

/** Spreads retries of many clients apart: a delay in [delayMs, delayMs * (1 + factor)). */
export function jittered(delayMs: number, factor: number, random: () => number = Math.random): number {
  return delayMs * (1 + factor * random());
}
