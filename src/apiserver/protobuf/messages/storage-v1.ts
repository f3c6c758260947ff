import type { MessageTable } from "../message-schema.ts";

/** The storage.k8s.io/v1 messages Skiff reads and writes as protobuf. */
export const storageV1Messages: MessageTable = {
  "storage.v1.StorageClass": [
    { number: 1, jsonName: "metadata", type: "meta.v1.ObjectMeta", omitEmpty: true },
    { number: 2, jsonName: "provisioner", type: "string" },
    { number: 3, jsonName: "parameters", type: "string", map: true, omitEmpty: true },
    { number: 4, jsonName: "reclaimPolicy", type: "string", pointer: true, omitEmpty: true },
    { number: 5, jsonName: "mountOptions", type: "string", repeated: true, omitEmpty: true },
    { number: 6, jsonName: "allowVolumeExpansion", type: "bool", pointer: true, omitEmpty: true },
    { number: 7, jsonName: "volumeBindingMode", type: "string", pointer: true, omitEmpty: true },
    { number: 8, jsonName: "allowedTopologies", type: "core.v1.TopologySelectorTerm", repeated: true, omitEmpty: true },
  ],
  "storage.v1.StorageClassList": [
    { number: 1, jsonName: "metadata", type: "meta.v1.ListMeta", omitEmpty: true },
    { number: 2, jsonName: "items", type: "storage.v1.StorageClass", repeated: true },
  ],
};
