// The Kubernetes protobuf envelope (media type application/vnd.kubernetes.protobuf):
// the magic "k8s\0" followed by a runtime.Unknown message that carries the
// apiVersion and kind beside the object's own message bytes.
import { decodeMessage } from "./decode-message.ts";
import { encodeMessage } from "./encode-message.ts";
import type { JsonObject } from "./json-value.ts";
import { messageNameForKind } from "./kind-messages.ts";
import { ProtobufDecodeError, ProtobufEncodeError } from "./protobuf-errors.ts";
import { readFields } from "./wire-reader.ts";
import type { WireFields } from "./wire-reader.ts";
import { WireWriter } from "./wire-writer.ts";


const magic = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);
const utf8 = new TextDecoder("utf-8");

/** Field numbers of runtime.Unknown and of its runtime.TypeMeta. */
const unknownField = { typeMeta: 1, raw: 2, contentEncoding: 3, contentType: 4 } as const;
const typeMetaField = { apiVersion: 1, kind: 2 } as const;

export interface DecodedObject {
  readonly apiVersion: string;
  readonly kind: string;
  /** The object as a JSON request would carry it, apiVersion and kind included. */
  readonly object: JsonObject;
}

/** Decodes a k8s protobuf envelope into the JSON object the same request would have carried as JSON. */
export function decodeKubernetesProtobuf(body: Uint8Array): DecodedObject {
  if (body.length < magic.length || magic.some((byte, index) => body[index] !== byte)) {
    throw new ProtobufDecodeError('body does not start with the Kubernetes protobuf prefix "k8s\\0"');
  }
  const envelope = readEnvelopeFields(body.subarray(magic.length), "envelope");
  const contentEncoding = stringField(envelope, unknownField.contentEncoding, "envelope.contentEncoding");
  if (contentEncoding !== "") throw new ProtobufDecodeError(`unsupported content encoding "${contentEncoding}"`);
  const typeMeta = readEnvelopeFields(bytesField(envelope, unknownField.typeMeta, "envelope.typeMeta"), "envelope.typeMeta");
  const apiVersion = stringField(typeMeta, typeMetaField.apiVersion, "envelope.typeMeta.apiVersion");
  const kind = stringField(typeMeta, typeMetaField.kind, "envelope.typeMeta.kind");
  const messageName = messageNameForKind(apiVersion, kind);
  if (messageName === undefined) {
    throw new ProtobufDecodeError(`no protobuf schema for kind "${kind}" in "${apiVersion || "(no apiVersion)"}"`);
  }
  const fields = decodeMessage(messageName, bytesField(envelope, unknownField.raw, "envelope.raw"), kind);
  return { apiVersion, kind, object: { kind, apiVersion, ...fields } };
}

/** Encodes an object as a k8s protobuf envelope, byte for byte as a Go client would; the inverse of decodeKubernetesProtobuf. */
export function encodeKubernetesProtobuf(apiVersion: string, kind: string, object: object): Uint8Array {
  const messageName = messageNameForKind(apiVersion, kind);
  if (messageName === undefined) {
    throw new ProtobufEncodeError(`no protobuf schema for kind "${kind}" in "${apiVersion || "(no apiVersion)"}"`);
  }
  const typeMeta = new WireWriter();
  typeMeta.stringField(typeMetaField.apiVersion, apiVersion);
  typeMeta.stringField(typeMetaField.kind, kind);
  const envelope = new WireWriter();
  envelope.bytesField(unknownField.typeMeta, typeMeta.finish());
  envelope.bytesField(unknownField.raw, encodeMessage(messageName, object, kind));
  envelope.stringField(unknownField.contentEncoding, "");
  envelope.stringField(unknownField.contentType, "");
  const message = envelope.finish();
  const body = new Uint8Array(magic.length + message.length);
  body.set(magic);
  body.set(message, magic.length);
  return body;
}

function readEnvelopeFields(bytes: Uint8Array, path: string): WireFields {
  try {
    return readFields(bytes);
  } catch (error) {
    if (error instanceof ProtobufDecodeError) throw new ProtobufDecodeError(`${path}: ${error.message}`, { cause: error });
    throw error;
  }
}

function bytesField(fields: WireFields, number: number, path: string): Uint8Array {
  const last = fields.get(number)?.at(-1);
  if (last === undefined) return new Uint8Array(0);
  if (last.wireType !== "lengthDelimited") throw new ProtobufDecodeError(`${path}: expected length-delimited bytes`);
  return last.value;
}

function stringField(fields: WireFields, number: number, path: string): string {
  return utf8.decode(bytesField(fields, number, path));
}
