import type { MessageTable } from "../message-schema.ts";

/** The events.k8s.io/v1 messages Skiff reads and writes as protobuf. */
export const eventsV1Messages: MessageTable = {
  "events.v1.Event": [
    { number: 1, jsonName: "metadata", type: "meta.v1.ObjectMeta" },
    { number: 2, jsonName: "eventTime", type: "microTime" },
    { number: 3, jsonName: "series", type: "events.v1.EventSeries", pointer: true, omitEmpty: true },
    { number: 4, jsonName: "reportingController", type: "string", omitEmpty: true },
    { number: 5, jsonName: "reportingInstance", type: "string", omitEmpty: true },
    { number: 6, jsonName: "action", type: "string", omitEmpty: true },
    { number: 7, jsonName: "reason", type: "string", omitEmpty: true },
    { number: 8, jsonName: "regarding", type: "core.v1.ObjectReference", omitEmpty: true },
    { number: 9, jsonName: "related", type: "core.v1.ObjectReference", pointer: true, omitEmpty: true },
    { number: 10, jsonName: "note", type: "string", omitEmpty: true },
    { number: 11, jsonName: "type", type: "string", omitEmpty: true },
    { number: 12, jsonName: "deprecatedSource", type: "core.v1.EventSource", omitEmpty: true },
    { number: 13, jsonName: "deprecatedFirstTimestamp", type: "time", omitEmpty: true },
    { number: 14, jsonName: "deprecatedLastTimestamp", type: "time", omitEmpty: true },
    { number: 15, jsonName: "deprecatedCount", type: "int32", omitEmpty: true },
  ],
  "events.v1.EventList": [
    { number: 1, jsonName: "metadata", type: "meta.v1.ListMeta", omitEmpty: true },
    { number: 2, jsonName: "items", type: "events.v1.Event", repeated: true },
  ],
  "events.v1.EventSeries": [
    { number: 1, jsonName: "count", type: "int32" },
    { number: 2, jsonName: "lastObservedTime", type: "microTime" },
  ],
};
