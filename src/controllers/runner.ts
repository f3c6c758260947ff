// The one place the controller retry contract lives (DESIGN §6 "One reconcile
// shape"). A controller's sync(key) either returns (done: forget the key's
// failures), returns a delay (look again later), throws (back off and retry),
// or throws a TerminalSyncError (log it and drop the key). N workers pull keys
// from a rate-limited queue that never hands one key to two workers at once.
import { realClock, type Clock } from "../client/clock.ts";
import { RateLimitingQueue } from "../client/rate-limiting-queue.ts";
import type { RateLimiter } from "../client/rate-limiter.ts";

/** What sync asks for besides "done": to be looked at again after a delay. */
export interface Requeue {
  requeueAfterMs: number;
}

export interface Reconciler {
  /** Names the controller in logs, e.g. "replicaset". */
  readonly name: string;
  sync(key: string, signal: AbortSignal): Promise<Requeue | void>;
}

/** A failure retrying cannot cure (a malformed key, an impossible spec): logged, never retried. */
export class TerminalSyncError extends Error {
  readonly reason = "TerminalSyncError" as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TerminalSyncError";
  }
}

export type SyncOutcome = "synced" | "requeued" | "retrying" | "dropped";

export interface RunnerOptions {
  workers?: number;
  clock?: Clock;
  rateLimiter?: RateLimiter<string>;
  /** Told about failures; the default writes one line to stderr. */
  report?: (controller: string, key: string, outcome: "retrying" | "dropped", error: unknown) => void;
  /** Told after each sync, for tests and metrics. */
  observe?: (key: string, outcome: SyncOutcome) => void;
}

function reportToStderr(controller: string, key: string, outcome: "retrying" | "dropped", error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${controller} controller: sync ${key} failed (${outcome === "dropped" ? "dropping the key" : "will retry"}): ${message}\n`);
}

export class Runner {
  private readonly queue: RateLimitingQueue<string>;
  private readonly workers: number;
  private readonly report: NonNullable<RunnerOptions["report"]>;
  private readonly observe: RunnerOptions["observe"];

  constructor(
    private readonly reconciler: Reconciler,
    options: RunnerOptions = {},
  ) {
    const queueOptions: ConstructorParameters<typeof RateLimitingQueue<string>>[0] = { clock: options.clock ?? realClock };
    if (options.rateLimiter !== undefined) queueOptions.rateLimiter = options.rateLimiter;
    this.queue = new RateLimitingQueue<string>(queueOptions);
    this.workers = Math.max(1, options.workers ?? 1);
    this.report = options.report ?? reportToStderr;
    this.observe = options.observe;
  }

  /** For event handlers: the only thing they do. */
  enqueue(key: string): void {
    this.queue.add(key);
  }

  enqueueAfter(key: string, delayMs: number): void {
    this.queue.addAfter(key, delayMs);
  }

  /** Runs the workers until signal aborts; resolves once every worker has finished its current key. */
  async start(signal: AbortSignal): Promise<void> {
    const stop = () => this.queue.shutDown();
    if (signal.aborted) stop();
    else signal.addEventListener("abort", stop, { once: true });
    await Promise.all(Array.from({ length: this.workers }, () => this.work(signal)));
  }

  private async work(signal: AbortSignal): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      try {
        const outcome = await this.syncOnce(key, signal);
        this.observe?.(key, outcome);
      } finally {
        this.queue.done(key);
      }
    }
  }

  private async syncOnce(key: string, signal: AbortSignal): Promise<SyncOutcome> {
    try {
      const result = await this.reconciler.sync(key, signal);
      this.queue.forget(key);
      if (result !== undefined && !signal.aborted) {
        this.queue.addAfter(key, result.requeueAfterMs);
        return "requeued";
      }
      return "synced";
    } catch (error) {
      if (error instanceof TerminalSyncError) {
        this.queue.forget(key);
        this.report(this.reconciler.name, key, "dropped", error);
        return "dropped";
      }
      if (!signal.aborted) {
        this.report(this.reconciler.name, key, "retrying", error);
        this.queue.addRateLimited(key);
      }
      return "retrying";
    }
  }
}
