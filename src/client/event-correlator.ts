// Decides what recording an Event means for the API (client-go's
// EventCorrelator), without I/O:
// - an event identical to one seen within the dedupe window (same source,
//   involved object, type, reason and message) becomes a patch of the earlier
//   Event's count, lastTimestamp and message instead of a new Event;
// - the 10th event within 10 minutes that differs only by message from earlier
//   ones becomes one Event with the message "(combined from similar events): ...";
// - each source may send 25 events about one object, then one per 5 minutes.
import type { Event as CoreEvent } from "kubernetes-types/core/v1";
import { realClock, type Clock } from "./clock.ts";
import { LruMap } from "./lru-map.ts";
import { TokenBucket } from "./token-bucket.ts";

export interface CorrelatorOptions {
  clock?: Clock;
  cacheEntries?: number;
  /** Similar events (differing only by message) before they are combined. */
  aggregateMaxEvents?: number;
  aggregateWindowMs?: number;
  /** How long an identical repeat still patches the earlier Event. */
  dedupeWindowMs?: number;
  spamBurst?: number;
  spamQps?: number;
}

/** The fields a repeat of an Event changes, sent as a strategic merge patch. */
export interface EventRepeatPatch {
  count: number;
  lastTimestamp: string;
  message?: string;
}

export type Correlation = { action: "create"; event: CoreEvent } | { action: "patch"; event: CoreEvent; patch: EventRepeatPatch } | { action: "skip" };

interface Observation {
  count: number;
  firstTimestamp: string;
  name: string;
  resourceVersion: string;
  lastSeenMs: number;
}

interface AggregateRecord {
  messages: Set<string>;
  lastSeenMs: number;
}

export const combinedMessagePrefix = "(combined from similar events): ";

/** Identical events share this key: source, involved object, type, reason and message. */
export function eventKey(event: CoreEvent): string {
  const o = event.involvedObject;
  return [event.source?.component, event.source?.host, o.kind, o.namespace, o.name, o.fieldPath, o.uid, o.apiVersion, event.type, event.reason, event.message].map((f) => f ?? "").join("\u0000");
}

/** Similar events (every field of eventKey but the message, plus the reporting controller and instance) share this key. */
export function aggregateKey(event: CoreEvent): string {
  const o = event.involvedObject;
  return [event.source?.component, event.source?.host, o.kind, o.namespace, o.name, o.uid, o.apiVersion, event.type, event.reason, event.reportingComponent, event.reportingInstance].map((f) => f ?? "").join("\u0000");
}

/** The spam budget is per source and involved object. */
export function spamKey(event: CoreEvent): string {
  const o = event.involvedObject;
  return [event.source?.component, event.source?.host, o.kind, o.namespace, o.name, o.uid, o.apiVersion].map((f) => f ?? "").join("\u0000");
}

/** `<object name>.<hex nanoseconds>`, the name upstream recorders give Events. */
export function eventName(objectName: string, nanoseconds: bigint): string {
  return `${objectName}.${nanoseconds.toString(16)}`;
}

/** metav1.Time: RFC 3339 in UTC, whole seconds. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");
}

export class EventCorrelator {
  private readonly clock: Clock;
  private readonly observations: LruMap<string, Observation>;
  private readonly aggregates: LruMap<string, AggregateRecord>;
  private readonly spam: LruMap<string, TokenBucket>;
  private readonly maxEvents: number;
  private readonly aggregateWindowMs: number;
  private readonly dedupeWindowMs: number;
  private readonly spamBurst: number;
  private readonly spamQps: number;
  private lastNanos = 0n;

  constructor(options: CorrelatorOptions = {}) {
    this.clock = options.clock ?? realClock;
    const entries = options.cacheEntries ?? 4096;
    this.observations = new LruMap(entries);
    this.aggregates = new LruMap(entries);
    this.spam = new LruMap(entries);
    this.maxEvents = options.aggregateMaxEvents ?? 10;
    this.aggregateWindowMs = options.aggregateWindowMs ?? 600_000;
    this.dedupeWindowMs = options.dedupeWindowMs ?? 600_000;
    this.spamBurst = options.spamBurst ?? 25;
    this.spamQps = options.spamQps ?? 1 / 300;
  }

  /** What to send for a newly recorded event. */
  correlate(event: CoreEvent): Correlation {
    const { event: aggregated, key } = this.aggregate(event);
    const observed = this.observe(aggregated, key);
    if (!this.allowedBySpamFilter(observed.event)) return { action: "skip" };
    return observed;
  }

  /** Records what the server stored, so the next repeat patches the right Event. */
  stored(event: CoreEvent): void {
    this.observations.set(eventKey(event), {
      count: event.count ?? 1,
      firstTimestamp: event.firstTimestamp ?? "",
      name: event.metadata?.name ?? "",
      resourceVersion: event.metadata?.resourceVersion ?? "",
      lastSeenMs: this.clock.now(),
    });
  }

  /** A nanosecond stamp for an Event name, unique within this process even within one millisecond. */
  uniqueNanos(): bigint {
    const now = BigInt(this.clock.now()) * 1_000_000n;
    this.lastNanos = now > this.lastNanos ? now : this.lastNanos + 1n;
    return this.lastNanos;
  }

  private aggregate(event: CoreEvent): { event: CoreEvent; key: string } {
    const now = this.clock.now();
    const key = aggregateKey(event);
    let record = this.aggregates.get(key);
    if (record === undefined || now - record.lastSeenMs > this.aggregateWindowMs) record = { messages: new Set(), lastSeenMs: now };
    record.messages.add(event.message ?? "");
    record.lastSeenMs = now;
    this.aggregates.set(key, record);
    if (record.messages.size < this.maxEvents) return { event, key: eventKey(event) };
    // Keep the set at the threshold so every further similar event stays combined.
    record.messages.delete(record.messages.values().next().value as string);
    const time = formatTime(now);
    const combined: CoreEvent = {
      metadata: { name: eventName(event.involvedObject.name ?? "", this.uniqueNanos()), namespace: event.metadata?.namespace ?? "default" },
      involvedObject: event.involvedObject,
      count: 1,
      firstTimestamp: time,
      lastTimestamp: time,
      message: combinedMessagePrefix + (event.message ?? ""),
      type: event.type,
      reason: event.reason,
      ...(event.source ? { source: event.source } : {}),
    };
    return { event: combined, key };
  }

  private observe(event: CoreEvent, key: string): Exclude<Correlation, { action: "skip" }> {
    const now = this.clock.now();
    const last = this.observations.get(key);
    if (last === undefined || now - last.lastSeenMs > this.dedupeWindowMs) {
      this.observations.set(key, { count: event.count ?? 1, firstTimestamp: event.firstTimestamp ?? "", name: event.metadata?.name ?? "", resourceVersion: "", lastSeenMs: now });
      return { action: "create", event };
    }
    const count = last.count + 1;
    const repeated: CoreEvent = {
      ...event,
      metadata: { ...event.metadata, name: last.name, ...(last.resourceVersion ? { resourceVersion: last.resourceVersion } : {}) },
      firstTimestamp: last.firstTimestamp,
      count,
    };
    this.observations.set(key, { ...last, count, lastSeenMs: now });
    const patch: EventRepeatPatch = { count, lastTimestamp: event.lastTimestamp ?? formatTime(now) };
    if (event.message) patch.message = event.message;
    return { action: "patch", event: repeated, patch };
  }

  private allowedBySpamFilter(event: CoreEvent): boolean {
    const key = spamKey(event);
    let bucket = this.spam.get(key);
    if (bucket === undefined) bucket = new TokenBucket(this.spamQps, this.spamBurst, this.clock);
    this.spam.set(key, bucket);
    return bucket.tryAccept();
  }
}
