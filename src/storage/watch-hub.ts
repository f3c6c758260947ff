// In-process watch fan-out for backends whose commits happen in this process
// (sqlite, memory). A watcher first replays its backlog from the backend's
// log, then receives events as they are published right after each commit.
// Both happen on the one JavaScript thread, so the switch from replay to live
// at the latest published revision can neither skip nor repeat an event.
//
// Events are built once and shared by every watcher that wants them, deeply
// frozen so one consumer cannot change what another sees: copying each event
// per watcher (a JSON parse each) would cost more than the write itself with
// a hundred watchers.
import type { Revision, StoredObject, WatchEvent, WatchOptions } from "./store.ts";
import { StoreError } from "./store.ts";

type AnyEvent = WatchEvent<StoredObject>;

export interface WatchLog {
  /** Events under `prefix` with after < revision <= through, in revision order. */
  readEvents(prefix: string, after: Revision, through: Revision): AnyEvent[];
}

/** One committed write, as a backend reports it to the hub. */
export interface CommittedChange {
  key: string;
  revision: Revision;
  /** Builds the event; called at most once, and only when some watcher wants it. */
  event(): AnyEvent;
}

export interface WatchHubOptions {
  /** Revisions read from the log per step while a watcher catches up; bounds the time one step blocks. */
  replayWindow?: number;
  /** Events queued for one watcher that is not reading before it is moved back to reading the log. */
  maxQueued?: number;
}

interface HubState {
  readonly log: WatchLog;
  readonly latest: Revision;
  readonly compacted: Revision;
  readonly replayWindow: number;
  readonly maxQueued: number;
  detach(subscription: Subscription): void;
  /** Calls `subscription.abort()` when `signal` aborts. */
  listenForAbort(signal: AbortSignal, subscription: Subscription): void;
}

const done: IteratorReturnResult<undefined> = { value: undefined, done: true };

export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const field of Object.values(value)) deepFreeze(field);
  }
  return value;
}

class Subscription implements AsyncIterableIterator<AnyEvent> {
  private queue: AnyEvent[] = [];
  private head = 0;
  /** Every matching event up to this revision is queued or delivered. */
  private position: Revision;
  /** The revision of the last event handed out. */
  private delivered: Revision;
  /** While true the log, not publish, feeds this watcher. */
  replaying = true;
  private failure: Error | undefined;
  private finished = false;
  private waiters: { resolve(result: IteratorResult<AnyEvent>): void; reject(error: unknown): void }[] = [];

  constructor(
    private readonly hub: HubState,
    readonly prefix: string,
    fromRevision: Revision,
    readonly signal: AbortSignal,
    failure: Error | undefined,
  ) {
    this.position = fromRevision;
    this.delivered = fromRevision;
    this.failure = failure;
    hub.listenForAbort(signal, this);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<AnyEvent> {
    return this;
  }

  next(): Promise<IteratorResult<AnyEvent>> {
    if (this.finished) return Promise.resolve(done);
    if (this.signal.aborted) {
      this.finish();
      return Promise.resolve(done);
    }
    const event = this.take();
    if (event !== undefined) return Promise.resolve({ value: event, done: false });
    if (this.failure !== undefined) return this.fail(this.failure);
    if (this.replaying) return this.replay();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  return(): Promise<IteratorResult<AnyEvent>> {
    this.finish();
    return Promise.resolve(done);
  }

  abort(): void {
    this.finish();
  }

  /** A live event, in revision order; events at or before the position were already taken from the log. */
  offer(change: CommittedChange, build: () => AnyEvent): void {
    if (change.revision <= this.position) return;
    this.position = change.revision;
    if (!change.key.startsWith(this.prefix)) return;
    const waiter = this.waiters.shift();
    if (waiter !== undefined) {
      const event = build();
      this.delivered = event.revision;
      waiter.resolve({ value: event, done: false });
      return;
    }
    this.queue.push(build());
    if (this.queue.length - this.head > this.hub.maxQueued) {
      // A watcher that does not keep up costs no memory: it re-reads from the log.
      this.queue = [];
      this.head = 0;
      this.position = this.delivered;
      this.replaying = true;
    }
  }

  terminate(error: Error): void {
    this.failure = error;
    const waiters = this.waiters.splice(0);
    if (waiters.length > 0) this.finish();
    for (const waiter of waiters) waiter.reject(error);
  }

  private take(): AnyEvent | undefined {
    if (this.head >= this.queue.length) return undefined;
    const event = this.queue[this.head++]!;
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    }
    this.delivered = event.revision;
    return event;
  }

  private async replay(): Promise<IteratorResult<AnyEvent>> {
    // Bounded: each step advances by up to replayWindow revisions towards the latest.
    for (;;) {
      this.readLogStep();
      const event = this.take();
      if (event !== undefined) return { value: event, done: false };
      if (this.failure !== undefined) return this.fail(this.failure);
      if (!this.replaying) return this.next();
      // An empty window: let other work run before reading the next one.
      await new Promise((resolve) => setImmediate(resolve));
      if (this.finished || this.signal.aborted) return this.next();
    }
  }

  private readLogStep(): void {
    const { compacted, latest, replayWindow, log } = this.hub;
    if (this.position + 1 < compacted) {
      this.failure = new StoreError("Expired", `watch from revision ${this.position}: history before ${compacted} is compacted`);
      return;
    }
    const through = Math.min(latest, this.position + replayWindow);
    if (through > this.position) {
      for (const event of log.readEvents(this.prefix, this.position, through)) this.queue.push(deepFreeze(event));
      this.position = through;
    }
    if (this.position >= latest) this.replaying = false;
  }

  private fail(error: Error): Promise<never> {
    this.finish();
    return Promise.reject(error);
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.queue = [];
    this.head = 0;
    this.hub.detach(this);
    for (const waiter of this.waiters.splice(0)) waiter.resolve(done);
  }
}

export class WatchHub implements HubState {
  private readonly subscriptions = new Set<Subscription>();
  /**
   * Watches grouped by their signal: one abort listener per signal, however
   * many watches share it (a process-wide signal may end thousands).
   */
  private readonly bySignal = new WeakMap<AbortSignal, Set<Subscription>>();
  private latestRevision: Revision;
  private compactedRevision: Revision;
  private closedBy: StoreError | undefined;
  readonly replayWindow: number;
  readonly maxQueued: number;

  constructor(
    readonly log: WatchLog,
    revisions: { latest: Revision; compacted: Revision },
    options: WatchHubOptions = {},
  ) {
    this.latestRevision = revisions.latest;
    this.compactedRevision = revisions.compacted;
    this.replayWindow = options.replayWindow ?? 1_000;
    this.maxQueued = options.maxQueued ?? 10_000;
  }

  get latest(): Revision {
    return this.latestRevision;
  }

  get compacted(): Revision {
    return this.compactedRevision;
  }

  /** Watchers replaying from before `revision` fail Expired from now on. */
  compactedTo(revision: Revision): void {
    this.compactedRevision = Math.max(this.compactedRevision, revision);
  }

  /** Committed changes in revision order; must be called right after the commit, before anything else reads the log. */
  publish(changes: readonly CommittedChange[]): void {
    for (const change of changes) {
      let built: AnyEvent | undefined;
      const build = () => (built ??= deepFreeze(change.event()));
      for (const subscription of this.subscriptions) {
        if (!subscription.replaying) subscription.offer(change, build);
      }
      this.latestRevision = change.revision;
    }
  }

  watch<T extends StoredObject>(options: WatchOptions): AsyncIterable<WatchEvent<T>> {
    return {
      [Symbol.asyncIterator]: () => {
        const subscription = new Subscription(this, options.prefix, options.fromRevision, options.signal, this.closedBy);
        if (this.closedBy === undefined && !options.signal.aborted) this.subscriptions.add(subscription);
        return subscription as unknown as AsyncIterator<WatchEvent<T>>;
      },
    };
  }

  detach(subscription: Subscription): void {
    this.subscriptions.delete(subscription);
    this.bySignal.get(subscription.signal)?.delete(subscription);
  }

  listenForAbort(signal: AbortSignal, subscription: Subscription): void {
    let group = this.bySignal.get(signal);
    if (group === undefined) {
      const created = new Set<Subscription>();
      signal.addEventListener("abort", () => {
        for (const member of [...created]) member.abort();
      }, { once: true });
      this.bySignal.set(signal, created);
      group = created;
    }
    group.add(subscription);
  }

  /** Ends every watch with `reason`; later watches fail with it at once. */
  close(reason: StoreError): void {
    this.closedBy = reason;
    for (const subscription of [...this.subscriptions]) subscription.terminate(reason);
    this.subscriptions.clear();
  }

  get watcherCount(): number {
    return this.subscriptions.size;
  }
}
