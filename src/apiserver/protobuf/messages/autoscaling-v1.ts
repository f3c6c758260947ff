import type { MessageTable } from "../message-schema.ts";

/** The autoscaling/v1 messages Skiff reads and writes as protobuf. */
export const autoscalingV1Messages: MessageTable = {
  "autoscaling.v1.Scale": [
    { number: 1, jsonName: "metadata", type: "meta.v1.ObjectMeta", omitEmpty: true },
    { number: 2, jsonName: "spec", type: "autoscaling.v1.ScaleSpec", omitEmpty: true },
    { number: 3, jsonName: "status", type: "autoscaling.v1.ScaleStatus", omitEmpty: true },
  ],
  "autoscaling.v1.ScaleSpec": [
    { number: 1, jsonName: "replicas", type: "int32", omitEmpty: true },
  ],
  "autoscaling.v1.ScaleStatus": [
    { number: 1, jsonName: "replicas", type: "int32" },
    { number: 2, jsonName: "selector", type: "string", omitEmpty: true },
  ],
};
