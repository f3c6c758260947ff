// Records core/v1 Events about objects for a component, the way kubectl
// describe shows them. event() never blocks and never throws: events wait in a
// bounded queue (dropped when it is full) and one writer sends them in order,
// through the EventCorrelator (repeats patch count and lastTimestamp). A write
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
  /** Writes per event when the server does not answer (upstream: 12). */
  maxAttempts?: number;
  /** Pause between those writes (upstream: 10 s). */
  retryDelayMs?: number;
  correlator?: Omit<CorrelatorOptions, "clock">;
  /** Told about each event that was not written and why. */
  onDrop?: (event: CoreEvent | undefined, why: string) => void;
}

export class EventRecorder {
  private readonly clock: Clock;
  private readonly correlator: EventCorrelator;
  private readonly queue: CoreEvent[] = [];
  private pump: Promise<void> | undefined;
  private readonly closing = new AbortController();
  private droppedCount = 0;

  constructor(
    private readonly client: KubeClient,
    private readonly options: EventRecorderOptions,
  ) {
    this.clock = options.clock ?? realClock;
    this.correlator = new EventCorrelator({ ...options.correlator, clock: this.clock });
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
    if (this.queue.length >= (this.options.queueSize ?? 1000)) {
      this.drop(undefined, "the event queue is full");
      return;
    }
    const now = this.clock.now();
    const time = formatTime(now);
    const host = this.options.host ?? "";
    this.queue.push({
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
    this.pump ??= Promise.resolve()
      .then(() => this.drain())
      .finally(() => (this.pump = undefined));
  }

  /** Resolves once every queued event has been written or dropped. */
  async flush(): Promise<void> {
    while (this.pump !== undefined) await this.pump;
  }

  /** Drops what is queued, stops retries, and ignores later events. */
  async close(): Promise<void> {
    this.closing.abort();
    await this.flush();
  }

  private async drain(): Promise<void> {
    for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) {
      if (this.closing.signal.aborted) {
        this.drop(next, "the recorder closed");
        continue;
      }
      await this.write(next);
    }
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
