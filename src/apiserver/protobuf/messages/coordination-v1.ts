import type { MessageTable } from "../message-schema.ts";

/** The coordination.k8s.io/v1 messages Skiff reads and writes as protobuf. */
export const coordinationV1Messages: MessageTable = {
  "coordination.v1.Lease": [
    { number: 1, jsonName: "metadata", type: "meta.v1.ObjectMeta", omitEmpty: true },
    { number: 2, jsonName: "spec", type: "coordination.v1.LeaseSpec", omitEmpty: true },
  ],
  "coordination.v1.LeaseList": [
    { number: 1, jsonName: "metadata", type: "meta.v1.ListMeta", omitEmpty: true },
    { number: 2, jsonName: "items", type: "coordination.v1.Lease", repeated: true },
  ],
  "coordination.v1.LeaseSpec": [
    { number: 1, jsonName: "holderIdentity", type: "string", pointer: true, omitEmpty: true },
    { number: 2, jsonName: "leaseDurationSeconds", type: "int32", pointer: true, omitEmpty: true },
    { number: 3, jsonName: "acquireTime", type: "microTime", pointer: true, omitEmpty: true },
    { number: 4, jsonName: "renewTime", type: "microTime", pointer: true, omitEmpty: true },
    { number: 5, jsonName: "leaseTransitions", type: "int32", pointer: true, omitEmpty: true },
    { number: 6, jsonName: "strategy", type: "string", pointer: true, omitEmpty: true },
    { number: 7, jsonName: "preferredHolder", type: "string", pointer: true, omitEmpty: true },
  ],
};
