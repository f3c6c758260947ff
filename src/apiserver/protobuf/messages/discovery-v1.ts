import type { MessageTable } from "../message-schema.ts";

/** The discovery.k8s.io/v1 messages Skiff reads and writes as protobuf. */
export const discoveryV1Messages: MessageTable = {
  "discovery.v1.Endpoint": [
    { number: 1, jsonName: "addresses", type: "string", repeated: true },
    { number: 2, jsonName: "conditions", type: "discovery.v1.EndpointConditions", omitEmpty: true },
    { number: 3, jsonName: "hostname", type: "string", pointer: true, omitEmpty: true },
    { number: 4, jsonName: "targetRef", type: "core.v1.ObjectReference", pointer: true, omitEmpty: true },
    { number: 5, jsonName: "deprecatedTopology", type: "string", map: true, omitEmpty: true },
    { number: 6, jsonName: "nodeName", type: "string", pointer: true, omitEmpty: true },
    { number: 7, jsonName: "zone", type: "string", pointer: true, omitEmpty: true },
    { number: 8, jsonName: "hints", type: "discovery.v1.EndpointHints", pointer: true, omitEmpty: true },
  ],
  "discovery.v1.EndpointConditions": [
    { number: 1, jsonName: "ready", type: "bool", pointer: true, omitEmpty: true },
    { number: 2, jsonName: "serving", type: "bool", pointer: true, omitEmpty: true },
    { number: 3, jsonName: "terminating", type: "bool", pointer: true, omitEmpty: true },
  ],
  "discovery.v1.EndpointHints": [
    { number: 1, jsonName: "forZones", type: "discovery.v1.ForZone", repeated: true, omitEmpty: true },
  ],
  "discovery.v1.EndpointPort": [
    { number: 1, jsonName: "name", type: "string", pointer: true, omitEmpty: true },
    { number: 2, jsonName: "protocol", type: "string", pointer: true, omitEmpty: true },
    { number: 3, jsonName: "port", type: "int32", pointer: true, omitEmpty: true },
    { number: 4, jsonName: "appProtocol", type: "string", pointer: true, omitEmpty: true },
  ],
  "discovery.v1.EndpointSlice": [
    { number: 1, jsonName: "metadata", type: "meta.v1.ObjectMeta", omitEmpty: true },
    { number: 4, jsonName: "addressType", type: "string" },
    { number: 2, jsonName: "endpoints", type: "discovery.v1.Endpoint", repeated: true },
    { number: 3, jsonName: "ports", type: "discovery.v1.EndpointPort", repeated: true },
  ],
  "discovery.v1.EndpointSliceList": [
    { number: 1, jsonName: "metadata", type: "meta.v1.ListMeta", omitEmpty: true },
    { number: 2, jsonName: "items", type: "discovery.v1.EndpointSlice", repeated: true },
  ],
  "discovery.v1.ForZone": [
    { number: 1, jsonName: "name", type: "string" },
  ],
};
