// Events, in both APIs. core/v1 keeps upstream's lenient legacy rules;
// events.k8s.io/v1 adds the strict ones. Both are checked on upstream's
// internal field names (involvedObject, message, ...), which is what the
// error paths show.
import { invalid, required, FieldPath, type FieldError } from "./field-error.ts";
import { isObject, jsonEqual, obj, str, text, type JsonObject } from "./json.ts";
import { byteLength, isDNS1123Subdomain, isQualifiedName, nameIsDNSSubdomain } from "./names.ts";
import { validateObjectMeta, validateObjectMetaUpdate } from "./object-meta.ts";

const reportingInstanceLimit = 128;
const actionLimit = 128;
const reasonLimit = 128;
const noteLimit = 1024;

/** An event in upstream's internal shape. */
interface InternalEvent {
  namespace: string;
  involvedObject: JsonObject;
  eventTime: string | undefined;
  reportingController: string;
  reportingInstance: string;
  action: string;
  reason: string;
  message: string;
  type: string;
  series: JsonObject | undefined;
  firstTimestamp: unknown;
  lastTimestamp: unknown;
  count: unknown;
  source: JsonObject;
  related: unknown;
}

function fromCoreV1(event: JsonObject): InternalEvent {
  return {
    namespace: text(obj(event.metadata).namespace),
    involvedObject: obj(event.involvedObject),
    eventTime: str(event.eventTime),
    reportingController: text(event.reportingComponent),
    reportingInstance: text(event.reportingInstance),
    action: text(event.action),
    reason: text(event.reason),
    message: text(event.message),
    type: text(event.type),
    series: isObject(event.series) ? event.series : undefined,
    firstTimestamp: event.firstTimestamp,
    lastTimestamp: event.lastTimestamp,
    count: event.count,
    source: obj(event.source),
    related: event.related,
  };
}

function fromEventsV1(event: JsonObject): InternalEvent {
  return {
    namespace: text(obj(event.metadata).namespace),
    involvedObject: obj(event.regarding),
    eventTime: str(event.eventTime),
    reportingController: text(event.reportingController),
    reportingInstance: text(event.reportingInstance),
    action: text(event.action),
    reason: text(event.reason),
    message: text(event.note),
    type: text(event.type),
    series: isObject(event.series) ? event.series : undefined,
    firstTimestamp: event.deprecatedFirstTimestamp,
    lastTimestamp: event.deprecatedLastTimestamp,
    count: event.deprecatedCount,
    source: obj(event.deprecatedSource),
    related: event.related,
  };
}

const isSet = (v: unknown): boolean => v !== undefined && v !== null && v !== "" && v !== 0;

function legacyValidateEvent(e: InternalEvent): FieldError[] {
  const errs: FieldError[] = [];
  const involvedNamespace = text(e.involvedObject.namespace);
  const mismatch = invalid(FieldPath.of("involvedObject", "namespace"), involvedNamespace, "does not match event.namespace");
  if (e.eventTime === undefined) {
    if (involvedNamespace === "") {
      if (e.namespace !== "" && e.namespace !== "default") errs.push(mismatch);
    } else if (e.namespace !== involvedNamespace) {
      errs.push(mismatch);
    }
  } else {
    if (involvedNamespace === "" && e.namespace !== "default" && e.namespace !== "kube-system") errs.push(mismatch);
    if (e.reportingController === "") errs.push(required("reportingController"));
    errs.push(...isQualifiedName(e.reportingController).map((m) => invalid("reportingController", e.reportingController, m)));
    if (e.reportingInstance === "") errs.push(required("reportingInstance"));
    if (byteLength(e.reportingInstance) > reportingInstanceLimit) errs.push(invalid("reportingInstance", "", `can have at most ${reportingInstanceLimit} characters`));
    if (e.action === "") errs.push(required("action"));
    if (byteLength(e.action) > actionLimit) errs.push(invalid("action", "", `can have at most ${actionLimit} characters`));
    if (e.reason === "") errs.push(required("reason"));
    if (byteLength(e.reason) > reasonLimit) errs.push(invalid("reason", "", `can have at most ${reasonLimit} characters`));
    if (byteLength(e.message) > noteLimit) errs.push(invalid("message", "", `can have at most ${noteLimit} characters`));
  }
  errs.push(...isDNS1123Subdomain(e.namespace).map((m) => invalid("namespace", e.namespace, m)));
  return errs;
}

function validateSeries(e: InternalEvent): FieldError[] {
  if (e.series === undefined) return [];
  const errs: FieldError[] = [];
  const count = typeof e.series.count === "number" ? e.series.count : 0;
  if (count < 2) errs.push(invalid("series.count", "", "should be at least 2"));
  if (str(e.series.lastObservedTime) === undefined) errs.push(required("series.lastObservedTime"));
  return errs;
}

/**
 * core/v1 Events: the legacy rules. Upstream skips metadata here and leaves
 * a missing name to its storage layer; this checks metadata instead.
 */
export function validateCoreEvent(event: JsonObject): FieldError[] {
  return [...validateObjectMeta(event.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain }), ...legacyValidateEvent(fromCoreV1(event))];
}

export function validateCoreEventUpdate(event: JsonObject, old: JsonObject): FieldError[] {
  return [...validateObjectMetaUpdate(event.metadata, old.metadata), ...legacyValidateEvent(fromCoreV1(event))];
}

export function validateEventsV1Event(event: JsonObject): FieldError[] {
  const e = fromEventsV1(event);
  const errs = [...legacyValidateEvent(e), ...validateObjectMeta(event.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain }), ...validateSeries(e)];
  if (e.eventTime === undefined) errs.push(required("eventTime"));
  if (e.type !== "Normal" && e.type !== "Warning") errs.push(invalid("type", "", `has invalid value: ${e.type}`));
  if (isSet(e.firstTimestamp)) errs.push(invalid("firstTimestamp", "", "needs to be unset"));
  if (isSet(e.lastTimestamp)) errs.push(invalid("lastTimestamp", "", "needs to be unset"));
  if (isSet(e.count)) errs.push(invalid("count", "", "needs to be unset"));
  if (text(e.source.component) !== "" || text(e.source.host) !== "") errs.push(invalid("source", "", "needs to be unset"));
  return errs;
}

export function validateEventsV1EventUpdate(event: JsonObject, old: JsonObject): FieldError[] {
  const e = fromEventsV1(event);
  const o = fromEventsV1(old);
  const errs = [...legacyValidateEvent(e), ...validateObjectMetaUpdate(event.metadata, old.metadata)];
  if (!jsonEqual(e.series, o.series)) errs.push(...validateSeries(e));
  const immutable: (keyof InternalEvent)[] = [
    "involvedObject",
    "reason",
    "message",
    "source",
    "firstTimestamp",
    "lastTimestamp",
    "count",
    "type",
    "eventTime",
    "action",
    "related",
    "reportingController",
    "reportingInstance",
  ];
  for (const field of immutable) {
    if (!jsonEqual(e[field], o[field])) errs.push(invalid(field, e[field] ?? null, "field is immutable"));
  }
  return errs;
}
