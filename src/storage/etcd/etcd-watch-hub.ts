// Watchers of one prefix share one etcd watch. etcd sends every watch its
// own copy of each event, so a hundred watchers of one prefix would cost a
// hundred streams of identical bytes to receive and decode; here they cost
// one, and each event is decoded once and shared, deeply frozen, as the
// in-process backends share theirs. A watcher joins a running feed only
// when the feed stands exactly at the watcher's fromRevision (every later
// event is then still to come); otherwise it gets a feed of its own.
import type { StoredObject, WatchEvent } from "../store.ts";
import { deepFreeze } from "../watch-hub.ts";
import type { EtcdClient } from "./etcd-client.ts";
import type { WatchEventMessage } from "./etcd-messages.ts";
import { watchEtcd } from "./etcd-watch.ts";

type SharedEvent = WatchEvent<StoredObject>;
/** Turns an etcd event into the store's; may throw, which ends the feed with that error. */
export type DecodeWatchEvent = (message: WatchEventMessage) => SharedEvent;

export interface HubWatchRequest {
  key: Buffer;
  rangeEnd: Buffer;
  /** Events with revision > fromRevision. */
  fromRevision: number;
  signal: AbortSignal;
  /** For messages. */
  description: string;
}

// A watcher this many batches behind holds its feed back: etcd's stream is
// paused (and its gRPC window fills) until the watcher catches up or leaves.
const maxQueuedBatches = 256;

export class EtcdWatchHub {
  private readonly feeds = new Map<string, Set<SharedFeed>>();

  constructor(
    private readonly client: EtcdClient,
    private readonly reconnectTimeoutMs: number,
    /** Ends every feed (and so every watcher) when the store closes. */
    private readonly closing: AbortSignal,
    private readonly decode: DecodeWatchEvent,
  ) {}

  async *watch(request: HubWatchRequest): AsyncGenerator<readonly SharedEvent[]> {
    if (request.signal.aborted) return;
    const feed = this.feedAt(request);
    const subscriber = feed.subscribe(request.signal);
    try {
      while (true) {
        const batch = await subscriber.next();
        if (batch === undefined) return;
        yield batch;
      }
    } finally {
      feed.unsubscribe(subscriber);
    }
  }

  private feedAt(request: HubWatchRequest): SharedFeed {
    const range = `${request.key.toString("hex")}-${request.rangeEnd.toString("hex")}`;
    let feeds = this.feeds.get(range);
    if (feeds === undefined) {
      feeds = new Set();
      this.feeds.set(range, feeds);
    }
    for (const feed of feeds) if (feed.acceptsFrom(request.fromRevision)) return feed;
    const feed = new SharedFeed(request.fromRevision, () => {
      feeds.delete(feed);
      if (feeds.size === 0 && this.feeds.get(range) === feeds) this.feeds.delete(range);
    });
    feeds.add(feed);
    feed.start(this.client, { ...request, reconnectTimeoutMs: this.reconnectTimeoutMs }, this.closing, this.decode);
    return feed;
  }
}

class SharedFeed {
  /** Every event up to this revision has been handed to the subscribers. */
  private position: number;
  private readonly subscribers = new Set<Subscriber>();
  private readonly controller = new AbortController();
  private ended = false;
  private wakePump: (() => void) | undefined;

  constructor(
    fromRevision: number,
    private readonly onEnd: () => void,
  ) {
    this.position = fromRevision;
  }

  acceptsFrom(fromRevision: number): boolean {
    return !this.ended && !this.controller.signal.aborted && this.position === fromRevision;
  }

  start(
    client: EtcdClient,
    request: HubWatchRequest & { reconnectTimeoutMs: number },
    closing: AbortSignal,
    decode: DecodeWatchEvent,
  ): void {
    const signal = AbortSignal.any([this.controller.signal, closing]);
    void this.pump(watchEtcd(client, { ...request, signal }), decode);
  }

  subscribe(signal: AbortSignal): Subscriber {
    // An aborted watcher leaves at once, even if nobody reads its iterator
    // again: it must not hold the feed back for the others.
    const subscriber = new Subscriber(
      signal,
      () => this.wakePump?.(),
      () => this.unsubscribe(subscriber),
    );
    this.subscribers.add(subscriber);
    return subscriber;
  }

  unsubscribe(subscriber: Subscriber): void {
    if (!this.subscribers.delete(subscriber)) return;
    subscriber.detach();
    this.wakePump?.();
    if (this.subscribers.size === 0) this.controller.abort();
  }

  private async pump(messages: AsyncGenerator<WatchEventMessage[]>, decode: DecodeWatchEvent): Promise<void> {
    let failure: { error: unknown } | undefined;
    try {
      for await (const batch of messages) {
        const events = batch.map((message) => deepFreeze(decode(message)));
        this.position = (batch.at(-1) as WatchEventMessage).kv.modRevision;
        for (const subscriber of this.subscribers) subscriber.push(events);
        while (!this.controller.signal.aborted && [...this.subscribers].some((subscriber) => subscriber.backlog >= maxQueuedBatches)) {
          await new Promise<void>((resolve) => (this.wakePump = resolve));
          this.wakePump = undefined;
        }
      }
    } catch (error) {
      failure = { error };
    } finally {
      this.ended = true;
      this.onEnd();
      for (const subscriber of this.subscribers) subscriber.end(failure);
    }
  }
}

class Subscriber {
  private readonly queue: (readonly SharedEvent[])[] = [];
  private wake: (() => void) | undefined;
  private finished: { failure?: { error: unknown } } | undefined;
  private readonly onAbort = (): void => {
    this.leave();
    this.wake?.();
  };

  constructor(
    private readonly signal: AbortSignal,
    private readonly onDrain: () => void,
    private readonly leave: () => void,
  ) {
    signal.addEventListener("abort", this.onAbort, { once: true });
  }

  get backlog(): number {
    return this.queue.length;
  }

  push(batch: readonly SharedEvent[]): void {
    this.queue.push(batch);
    this.wake?.();
  }

  end(failure: { error: unknown } | undefined): void {
    this.finished = failure === undefined ? {} : { failure };
    this.wake?.();
  }

  /** The next batch; undefined when the watch is over; throws the feed's failure after the queued batches. */
  async next(): Promise<readonly SharedEvent[] | undefined> {
    while (this.queue.length === 0 && this.finished === undefined && !this.signal.aborted) {
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
    if (this.signal.aborted) return undefined;
    const batch = this.queue.shift();
    if (batch !== undefined) {
      if (this.queue.length === maxQueuedBatches - 1) this.onDrain();
      return batch;
    }
    if (this.finished?.failure !== undefined) throw this.finished.failure.error;
    return undefined;
  }

  detach(): void {
    this.signal.removeEventListener("abort", this.onAbort);
  }
}
