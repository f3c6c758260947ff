// Polls a condition in tests until it answers a value, within a bounded time;
// a timeout fails with the last error seen and whatever context the caller adds.

export interface EventuallyOptions {
  intervalMs?: number;
  /** Appended to the timeout message (e.g. a server's recent output). */
  context?: () => string;
  /** Runs before every poll (e.g. to advance a fake clock). */
  beforePoll?: () => Promise<void>;
}

export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000, options: EventuallyOptions = {}): Promise<T> {
  const intervalMs = options.intervalMs ?? 100;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (let attempt = 0; Date.now() < deadline && attempt <= timeoutMs / intervalMs + 1; attempt++) {
    await options.beforePoll?.();
    try {
      const value = await check();
      if (value !== undefined) return value;
      last = undefined;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  const context = options.context?.() ?? "";
  throw new Error(`timed out waiting for ${what}${last === undefined ? "" : `: ${String(last)}`}${context === "" ? "" : `\n${context}`}`);
}
