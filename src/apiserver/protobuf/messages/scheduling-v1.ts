import type { MessageTable } from "../message-schema.ts";

/** The scheduling.k8s.io/v1 messages Skiff reads and writes as protobuf. */
export const schedulingV1Messages: MessageTable = {
  "scheduling.v1.PriorityClass": [
    { number: 1, jsonName: "metadata", type: "meta.v1.ObjectMeta", omitEmpty: true },
    { number: 2, jsonName: "value", type: "int32" },
    { number: 3, jsonName: "globalDefault", type: "bool", omitEmpty: true },
    { number: 4, jsonName: "description", type: "string", omitEmpty: true },
    { number: 5, jsonName: "preemptionPolicy", type: "string", pointer: true, omitEmpty: true },
  ],
  "scheduling.v1.PriorityClassList": [
    { number: 1, jsonName: "metadata", type: "meta.v1.ListMeta", omitEmpty: true },
    { number: 2, jsonName: "items", type: "scheduling.v1.PriorityClass", repeated: true },
  ],
};
