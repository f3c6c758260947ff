// Records core/v1 Events about objects for a component, the way kubectl
// describe shows them. event() never blocks and never throws: events wait in a
// bounded queue (dropped when it is full) split into lanes by involved object;
// each lane's writer sends its events in order, through the EventCorrelator
// (repeats patch count and lastTimestamp). Several lanes write at once so a
// busy component (the scheduler binding a thousand pods a second) is not held
// to one round trip per event. A write
// the server refuses is dropped; one that got no answer is retried a few
// times, then dropped.
import type { Event as CoreEvent, ObjectReference } from "kubernetes-types/core/v1";
import { realClock, sleep, type Clock } from "./clock.ts";
import { ApiStatusError, hasReason } from "./errors.ts";
import { EventCorrelator, eventName, formatTime, type CorrelatorOptions } from "./event-correlator.ts";
import type { KubeClient, KubeObject } from "./kube-client.ts";
import { inNamespace, resources } from "./resources.ts";

export type EventType = "Normal" | "Warning";

export interface EventRecorderOptions {
  /** Source component and reportingComponent, e.g. "deployment-controller". */
  component: string;
  /** Source host and reportingInstance; usually the node or process identity. */
  host?: string;
  clock?: Clock;
  /** Events waiting to be written beyond this are dropped (upstream: 1000). */
  queueSize?: number;
  /** Events written at once, each lane in order (default 8). */
  concurrency?: number;
  /** Writes per event when the server does not answer (upstream: 12). */
  maxAttempts?: number;
  /** Pause between those writes (upstream: 10 s). */
  retryDelayMs?: number;
  correlator?: Omit<CorrelatorOptions, "clock">;
  /** Told about each event that was not written and why. */
  onDrop?: (event: CoreEvent | undefined, why: string) => void;
  /** Where a full queue is reported, once when it fills and once when it drains (default console.warn). */
  warn?: (message: string) => void;
}

export class EventRecorder {
  private readonly clock: Clock;
  private readonly correlator: EventCorrelator;
  private readonly lanes: CoreEvent[][];
  private readonly pumps: (Promise<void> | undefined)[];
  private queued = 0;
  /** Events refused since the queue last filled up; undefined while it has room. */
  private overflow: number | undefined;
  private readonly closing = new AbortController();
  private droppedCount = 0;

  constructor(
    private readonly client: KubeClient,
    private readonly options: EventRecorderOptions,
  ) {
    this.clock = options.clock ?? realClock;
    this.correlator = new EventCorrelator({ ...options.correlator, clock: this.clock });
    const lanes = Math.max(1, options.concurrency ?? 8);
    this.lanes = Array.from({ length: lanes }, () => []);
    this.pumps = Array.from({ length: lanes }, () => undefined);
  }

  /** Events not written: queue full, refused by the server, out of attempts, or spam-filtered. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Queues an Event about object (an API object or a reference to one); returns at once. */
  event(object: KubeObject | ObjectReference, type: EventType, reason: string, message: string): void {
    const involved = referenceTo(object);
    if (!involved.name || !involved.kind) {
      this.drop(undefined, "the involved object has no kind or name");
      return;
    }
    if (this.closing.signal.aborted) {
      this.drop(undefined, "the recorder is closed");
      return;
    }
    if (this.queued >= (this.options.queueSize ?? 1000)) {
      // Upstream's broadcaster drops too when overwhelmed; say so once rather than per event or never.
      if (this.overflow === undefined) this.warn(`${this.options.component}: the event queue is full (${this.queued} waiting); dropping events until it drains`);
      this.overflow = (this.overflow ?? 0) + 1;
      this.drop(undefined, "the event queue is full");
      return;
    }
    const now = this.clock.now();
    const time = formatTime(now);
    const host = this.options.host ?? "";
    const lane = laneOf(involved, this.lanes.length);
    this.queued++;
    this.lanes[lane]!.push({
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: eventName(involved.name, this.correlator.uniqueNanos()), namespace: involved.namespace || "default" },
      involvedObject: involved,
      reason,
      message,
      type,
      count: 1,
      firstTimestamp: time,
      lastTimestamp: time,
      source: host ? { component: this.options.component, host } : { component: this.options.component },
      reportingComponent: this.options.component,
      reportingInstance: host,
    });
    // Deferred, so not even the first write runs on the caller's turn.
    this.pumps[lane] ??= Promise.resolve()
      .then(() => this.drain(lane))
      .finally(() => (this.pumps[lane] = undefined));
  }

  /** Resolves once every queued event has been written or dropped. */
  async flush(): Promise<void> {
    for (let busy = this.pumps.filter((p) => p !== undefined); busy.length > 0; busy = this.pumps.filter((p) => p !== undefined)) await Promise.all(busy);
  }

  /** Drops what is queued, stops retries, and ignores later events. */
  async close(): Promise<void> {
    this.closing.abort();
    await this.flush();
  }

  private async drain(lane: number): Promise<void> {
    const queue = this.lanes[lane]!;
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      this.queued--;
      if (this.closing.signal.aborted) {
        this.drop(next, "the recorder closed");
        continue;
      }
      await this.write(next);
    }
    if (this.queued === 0 && this.overflow !== undefined) {
      this.warn(`${this.options.component}: the event queue drained; ${this.overflow} events were dropped while it was full`);
      this.overflow = undefined;
    }
  }

  private warn(message: string): void {
    (this.options.warn ?? console.warn)(message);
  }

  private async write(event: CoreEvent): Promise<void> {
    const correlation = this.correlator.correlate(event);
    if (correlation.action === "skip") {
      this.drop(event, "too many events about this object (spam filter)");
      return;
    }
    const events = inNamespace(resources.events, correlation.event.metadata?.namespace ?? "default");
    const attempts = this.options.maxAttempts ?? 12;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        let stored: CoreEvent;
        if (correlation.action === "patch") {
          try {
            stored = await this.client.patch<CoreEvent>(events, correlation.event.metadata!.name!, "strategic", correlation.patch);
          } catch (e) {
            if (!hasReason(e, "NotFound")) throw e;
            // The earlier Event expired on the server: write the repeat as a new one.
            const { resourceVersion: _gone, ...metadata } = correlation.event.metadata ?? {};
            stored = await this.client.create<CoreEvent>(events, { ...correlation.event, metadata });
          }
        } else {
          stored = await this.client.create<CoreEvent>(events, correlation.event);
        }
        this.correlator.stored(stored);
        return;
      } catch (e) {
        if (e instanceof ApiStatusError) {
          this.drop(event, `the server refused it: ${e.message}`);
          return;
        }
        if (attempt === attempts || this.closing.signal.aborted) {
          this.drop(event, `no answer after ${attempt} attempts: ${e instanceof Error ? e.message : String(e)}`);
          return;
        }
        await sleep(this.clock, this.options.retryDelayMs ?? 10_000, this.closing.signal);
      }
    }
  }

  private drop(event: CoreEvent | undefined, why: string): void {
    this.droppedCount++;
    this.options.onDrop?.(event, why);
  }
}

/** Events about one object share a lane, so their repeats are counted in order. */
function laneOf(involved: ObjectReference, lanes: number): number {
  const key = involved.uid || `${involved.namespace ?? ""}/${involved.name ?? ""}`;
  let hash = 0;
  for (let i = 0; i < key.length; i++) hash = (hash * 31 + key.charCodeAt(i)) >>> 0;
  return hash % lanes;
}

/** A reference to obj as Events name it; a reference passes through. */
export function referenceTo(obj: KubeObject | ObjectReference): ObjectReference {
  if (!("metadata" in obj)) return obj as ObjectReference;
  const o = obj as KubeObject;
  const ref: ObjectReference = {};
  if (o.kind) ref.kind = o.kind;
  if (o.apiVersion) ref.apiVersion = o.apiVersion;
  if (o.metadata?.namespace) ref.namespace = o.metadata.namespace;
  if (o.metadata?.name) ref.name = o.metadata.name;
  if (o.metadata?.uid) ref.uid = o.metadata.uid;
  if (o.metadata?.resourceVersion) ref.resourceVersion = o.metadata.resourceVersion;
  return ref;
}
