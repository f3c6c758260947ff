// The protobuf codec's public face: the envelope functions and their errors.
export { decodeKubernetesProtobuf, encodeKubernetesProtobuf } from "./kubernetes-protobuf.ts";
export type { DecodedObject } from "./kubernetes-protobuf.ts";
export { ProtobufDecodeError, ProtobufEncodeError } from "./protobuf-errors.ts";
