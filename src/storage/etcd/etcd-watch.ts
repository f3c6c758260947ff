// One etcd watch as an async iterable of event batches, resumed on another
// member when its stream breaks: it asks again from the revision after the
// last one delivered, so every event arrives once and in order.
import { status as grpcStatus } from "@grpc/grpc-js";
import { StoreError } from "../store.ts";
import type { EtcdClient, WatchStream } from "./etcd-client.ts";
import { isServiceError } from "./etcd-client.ts";
import type { WatchEventMessage, WatchResponse } from "./etcd-messages.ts";

export interface EtcdWatchRequest {
  key: Buffer;
  rangeEnd: Buffer;
  /** Events with revision > fromRevision. */
  fromRevision: number;
  signal: AbortSignal;
  /** Give up with "Unavailable" when no member has answered for this long. */
  reconnectTimeoutMs: number;
  /** For messages. */
  description: string;
}

// Stop reading from etcd while this many responses wait for the consumer:
// gRPC flow control then slows etcd down instead of this process's memory growing.
const pauseAtQueuedResponses = 256;
const firstReconnectDelayMs = 50;
const maxReconnectDelayMs = 1_000;

type StreamOutcome = { kind: "response"; response: WatchResponse } | { kind: "broken"; cause: unknown };

export async function* watchEtcd(client: EtcdClient, request: EtcdWatchRequest): AsyncGenerator<WatchEventMessage[]> {
  const { signal } = request;
  let nextRevision = request.fromRevision + 1;
  let failingSince: number | undefined;
  let reconnectDelayMs = firstReconnectDelayMs;
  while (!signal.aborted) {
    if (client.isClosed) throw closedError(request.description);
    const session = new WatchSession(client.openWatchStream(), signal);
    try {
      session.send({ create: { key: request.key, rangeEnd: request.rangeEnd, startRevision: nextRevision, prevKv: true } });
      while (true) {
        const outcome = await session.next();
        if (outcome === undefined) return;
        if (outcome.kind === "broken") {
          if (client.isClosed) throw closedError(request.description, outcome.cause);
          break;
        }
        const { response } = outcome;
        if (response.created) {
          failingSince = undefined;
          reconnectDelayMs = firstReconnectDelayMs;
        }
        if (response.canceled) {
          if (response.compactRevision > 0) {
            throw new StoreError(
              "Expired",
              `watch ${request.description} from revision ${nextRevision - 1}: etcd compacted history up to revision ${response.compactRevision}`,
            );
          }
          // Canceled for another reason (the member lost its leader, ...): resume elsewhere.
          break;
        }
        const last = response.events.at(-1);
        if (last === undefined) continue;
        nextRevision = last.kv.modRevision + 1;
        yield response.events;
      }
    } finally {
      session.close();
    }
    client.failOver();
    const now = Date.now();
    failingSince ??= now;
    if (now - failingSince >= request.reconnectTimeoutMs) {
      throw new StoreError(
        "Unavailable",
        `watch ${request.description}: no etcd member of ${client.endpoints.join(", ")} answered for ${request.reconnectTimeoutMs} ms`,
      );
    }
    await abortableDelay(reconnectDelayMs, signal);
    reconnectDelayMs = Math.min(reconnectDelayMs * 2, maxReconnectDelayMs);
  }
}

/** One gRPC Watch stream turned into a pull-based queue that ends when the signal aborts. */
class WatchSession {
  private readonly queue: StreamOutcome[] = [];
  private wake: (() => void) | undefined;
  private paused = false;
  private finished = false;
  private readonly onAbort = (): void => this.wake?.();

  constructor(
    private readonly stream: WatchStream,
    private readonly signal: AbortSignal,
  ) {
    stream.on("data", (response: WatchResponse) => this.push({ kind: "response", response }));
    stream.on("error", (cause: unknown) => this.finish(cause));
    stream.on("end", () => this.finish(new Error("etcd ended the watch stream")));
    signal.addEventListener("abort", this.onAbort, { once: true });
  }

  send(message: Parameters<WatchStream["write"]>[0]): void {
    this.stream.write(message);
  }

  /** The next response or breakage; undefined once the signal aborted. */
  async next(): Promise<StreamOutcome | undefined> {
    while (this.queue.length === 0 && !this.signal.aborted) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = undefined;
    }
    if (this.signal.aborted) return undefined;
    const outcome = this.queue.shift();
    if (this.paused && this.queue.length < pauseAtQueuedResponses / 2) {
      this.paused = false;
      this.stream.resume();
    }
    return outcome;
  }

  close(): void {
    this.signal.removeEventListener("abort", this.onAbort);
    if (this.finished) return;
    this.finished = true;
    // Cancelling ends our side at once; etcd drops its watchers with the stream.
    this.stream.cancel();
  }

  private push(outcome: StreamOutcome): void {
    this.queue.push(outcome);
    if (!this.paused && this.queue.length >= pauseAtQueuedResponses) {
      this.paused = true;
      this.stream.pause();
    }
    this.wake?.();
  }

  private finish(cause: unknown): void {
    if (this.finished) return;
    this.finished = true;
    // Our own cancel() also surfaces here as CANCELLED: nothing to report then.
    if (isServiceError(cause) && cause.code === grpcStatus.CANCELLED && this.signal.aborted) return;
    this.push({ kind: "broken", cause });
  }
}

function closedError(description: string, cause?: unknown): StoreError {
  return new StoreError("Unavailable", `watch ${description}: the store is closed`, undefined, { cause });
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
