// `kubectl get events`, for core/v1 Events and for events.k8s.io/v1 Events
// (upstream serves both from one storage, so both print alike).
import type { Event as CoreEvent } from "kubernetes-types/core/v1";
import type { Event as EventsEvent } from "kubernetes-types/events/v1";
import { column, definePrinter, nameColumn, wide } from "./printer.ts";
import { parseTimestamp, since } from "./timestamps.ts";

const columns = [
  column("Last Seen", "string", "Time since the event was last observed."),
  column("Type", "string", "Normal or Warning."),
  column("Reason", "string", "Short machine-readable reason for the event."),
  column("Object", "string", "The object the event is about."),
  column("Subobject", "string", "The part of the object the event is about.", wide),
  column("Source", "string", "The component that reported the event.", wide),
  column("Message", "string", "Human-readable description of the event."),
  column("First Seen", "string", "Time since the event was first observed.", wide),
  column("Count", "string", "Number of times the event was observed.", wide),
  { ...nameColumn, priority: 1 },
];

function sinceOrUnknown(value: string | undefined, now: Date): string | undefined {
  return parseTimestamp(value) ? since(value, now) : undefined;
}

function cells(event: CoreEvent, now: Date) {
  const firstSeen = sinceOrUnknown(event.firstTimestamp, now) ?? since(event.eventTime, now);
  let lastSeen = sinceOrUnknown(event.lastTimestamp, now) ?? firstSeen;
  let count = event.count ?? 0;
  if (event.series) {
    lastSeen = since(event.series.lastObservedTime, now);
    count = event.series.count ?? 0;
  } else if (count === 0) {
    // Events recorded through events.k8s.io carry no count when seen once.
    count = 1;
  }
  const involved = event.involvedObject;
  const kind = (involved.kind ?? "").toLowerCase();
  const component = event.source?.component || event.reportingComponent || "";
  const instance = event.source?.host || event.reportingInstance || "";
  return [
    lastSeen,
    event.type ?? "",
    event.reason ?? "",
    involved.name ? `${kind}/${involved.name}` : kind,
    involved.fieldPath ?? "",
    instance ? `${component}, ${instance}` : component,
    (event.message ?? "").trim(),
    firstSeen,
    count,
    event.metadata?.name ?? "",
  ];
}

export const eventPrinter = definePrinter<CoreEvent>(columns, cells);

/** Reads an events.k8s.io/v1 Event through the core/v1 field names it maps to. */
function asCoreEvent(event: EventsEvent): CoreEvent {
  return {
    metadata: event.metadata ?? {},
    involvedObject: event.regarding ?? {},
    type: event.type,
    reason: event.reason,
    message: event.note,
    source: event.deprecatedSource,
    firstTimestamp: event.deprecatedFirstTimestamp,
    lastTimestamp: event.deprecatedLastTimestamp,
    count: event.deprecatedCount,
    eventTime: event.eventTime,
    series: event.series && { count: event.series.count, lastObservedTime: event.series.lastObservedTime },
    reportingComponent: event.reportingController,
    reportingInstance: event.reportingInstance,
  };
}

export const eventsGroupEventPrinter = definePrinter<EventsEvent>(columns, (event, now) =>
  cells(asCoreEvent(event), now),
);
