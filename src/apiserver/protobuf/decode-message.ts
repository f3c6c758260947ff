// Turns one protobuf message into the JSON object a Go API server would
// print for it: the Go struct's json tags decide which absent or zero fields
// appear (as zero, null, or not at all), because that is what a JSON client
// of upstream sees after a protobuf write.
import { formatRfc3339, goZeroTimeSeconds } from "./go-time.ts";
import type { JsonObject, JsonValue } from "./json-value.ts";
import { isMessageName, isWellKnownType } from "./message-schema.ts";
import type { FieldSchema, FieldType, MessageName, ScalarType, WellKnownType } from "./message-schema.ts";
import { messageSchema } from "./message-table.ts";
import { ProtobufDecodeError } from "./protobuf-errors.ts";
import { readFields, readVarint } from "./wire-reader.ts";
import type { WireFields, WireValue } from "./wire-reader.ts";

const utf8 = new TextDecoder("utf-8");
const noBytes = new Uint8Array(0);

/** Decodes the bytes of message `name`; `path` names the place in the object for error messages. */
export function decodeMessage(name: MessageName, bytes: Uint8Array, path: string): JsonObject {
  const schema = messageSchema(name);
  if (schema === undefined) throw new ProtobufDecodeError(`${path}: no protobuf schema for message ${name}`);
  const fields = readMessageFields(bytes, path);
  const object: JsonObject = {};
  for (const field of schema) {
    const occurrences = fields.get(field.number) ?? [];
    const fieldPath = `${path}.${field.jsonName}`;
    if (field.inline) {
      Object.assign(object, decodeMessage(messageType(field, fieldPath), mergedBytes(occurrences, fieldPath), path));
      continue;
    }
    const value = decodeField(field, occurrences, fieldPath);
    if (value !== undefined) object[field.jsonName] = value;
  }
  return object;
}

function readMessageFields(bytes: Uint8Array, path: string): WireFields {
  return withPath(path, () => readFields(bytes));
}

/** Runs a wire-level read, prefixing its errors with the place in the object. */
function withPath<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ProtobufDecodeError) throw new ProtobufDecodeError(`${path}: ${error.message}`, { cause: error });
    throw error;
  }
}

/** The JSON value of one field, or undefined when Go's encoder would leave the key out. */
function decodeField(field: FieldSchema, occurrences: readonly WireValue[], path: string): JsonValue | undefined {
  const absent = occurrences.length === 0;
  if (field.repeated) {
    if (absent) return field.omitEmpty ? undefined : null;
    return occurrences.flatMap((occurrence) => decodeRepeatedOccurrence(field.type, occurrence, path));
  }
  if (field.map) {
    if (absent) return field.omitEmpty ? undefined : null;
    return decodeMap(field.type, occurrences, path);
  }
  const last = occurrences[occurrences.length - 1];
  if (field.pointer || field.type === "bytes") {
    if (last === undefined) return field.omitEmpty ? undefined : null;
    const value = decodeSingular(field.type, occurrences, path);
    return field.omitEmpty && field.type === "bytes" && value === "" ? undefined : value;
  }
  if (isMessageName(field.type) || isWellKnownType(field.type)) return decodeSingular(field.type, occurrences, path);
  const value = last === undefined ? scalarZero(field.type) : decodeScalar(field.type, last, path);
  return field.omitEmpty && value === scalarZero(field.type) ? undefined : value;
}

function decodeSingular(type: FieldType, occurrences: readonly WireValue[], path: string): JsonValue {
  if (isMessageName(type)) return decodeMessage(type, mergedBytes(occurrences, path), path);
  // Go unmarshals these types by hand, replacing rather than merging: the last occurrence wins.
  const last = occurrences[occurrences.length - 1];
  if (isWellKnownType(type)) return decodeWellKnown(type, last === undefined ? noBytes : lengthDelimited(last, path), path);
  return last === undefined ? scalarZero(type) : decodeScalar(type, last, path);
}

/** One occurrence of a repeated field: a packed run of numbers yields several elements. */
function decodeRepeatedOccurrence(type: FieldType, occurrence: WireValue, path: string): JsonValue[] {
  const packable = type === "bool" || type === "int32" || type === "int64";
  if (packable && occurrence.wireType === "lengthDelimited") {
    return [...readPacked(type, occurrence.value, path)];
  }
  return [decodeSingular(type, [occurrence], path)];
}

function* readPacked(type: "bool" | "int32" | "int64", bytes: Uint8Array, path: string): Generator<JsonValue> {
  let offset = 0;
  while (offset < bytes.length) {
    const { value, next } = withPath(path, () => readVarint(bytes, offset));
    offset = next;
    yield decodeScalar(type, { wireType: "varint", value }, path);
  }
}

function decodeMap(valueType: FieldType, entries: readonly WireValue[], path: string): JsonObject {
  const object: JsonObject = {};
  for (const entry of entries) {
    const fields = readMessageFields(lengthDelimited(entry, path), path);
    const lastKey = fields.get(1)?.at(-1);
    const key = lastKey === undefined ? "" : utf8.decode(lengthDelimited(lastKey, path));
    // Defined rather than assigned, so a key such as "__proto__" stays an ordinary key as it does in JSON.parse.
    Object.defineProperty(object, key, {
      value: decodeSingular(valueType, fields.get(2) ?? [], `${path}[${JSON.stringify(key)}]`),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return object;
}

function decodeScalar(type: ScalarType, wire: WireValue, path: string): JsonValue {
  switch (type) {
    case "string":
      return utf8.decode(lengthDelimited(wire, path));
    case "bytes":
      return Buffer.from(lengthDelimited(wire, path)).toString("base64");
    case "bool":
      return varint(wire, path) !== 0n;
    case "int32":
      return Number(BigInt.asIntN(32, varint(wire, path)));
    case "int64":
      return Number(BigInt.asIntN(64, varint(wire, path)));
  }
}

function scalarZero(type: ScalarType): JsonValue {
  switch (type) {
    case "string":
    case "bytes":
      return "";
    case "bool":
      return false;
    case "int32":
    case "int64":
      return 0;
  }
}

function decodeWellKnown(type: WellKnownType, bytes: Uint8Array, path: string): JsonValue {
  const fields = readMessageFields(bytes, path);
  const lastOf = (number: number) => fields.get(number)?.at(-1);
  const int64Of = (number: number) => {
    const wire = lastOf(number);
    return wire === undefined ? 0n : BigInt.asIntN(64, varint(wire, path));
  };
  const stringOf = (number: number) => {
    const wire = lastOf(number);
    return wire === undefined ? "" : utf8.decode(lengthDelimited(wire, path));
  };
  switch (type) {
    case "time":
    case "microTime": {
      if (bytes.length === 0) return null;
      const seconds = int64Of(1);
      // Time keeps whole seconds only; MicroTime keeps microseconds.
      const nanos = type === "time" ? 0 : Math.trunc(Number(BigInt.asIntN(32, int64Of(2))) / 1000) * 1000;
      if (seconds === goZeroTimeSeconds && nanos === 0) return null;
      const text = formatRfc3339({ seconds, nanos }, type === "time" ? 0 : 6);
      if (text === undefined) throw new ProtobufDecodeError(`${path}: timestamp ${seconds}s is outside years 0001-9999`);
      return text;
    }
    case "quantity":
      return stringOf(1) || "0";
    case "intOrString": {
      const kind = int64Of(1);
      if (kind === 0n) return Number(BigInt.asIntN(32, int64Of(2)));
      if (kind === 1n) return stringOf(3);
      throw new ProtobufDecodeError(`${path}: IntOrString has unknown type ${kind}`);
    }
    case "rawExtension":
    case "fieldsV1": {
      const raw = lastOf(1);
      if (raw === undefined) return null;
      return parseEmbeddedJson(lengthDelimited(raw, path), path);
    }
    case "wrappedStringList": {
      const items = fields.get(1);
      return items === undefined ? null : items.map((item) => utf8.decode(lengthDelimited(item, path)));
    }
  }
}

function parseEmbeddedJson(bytes: Uint8Array, path: string): JsonValue {
  if (bytes.length === 0) return null;
  try {
    return JSON.parse(utf8.decode(bytes)) as JsonValue;
  } catch (error) {
    throw new ProtobufDecodeError(`${path}: embedded object is not JSON`, { cause: error });
  }
}

/** A singular message field sent several times is the merge of all of them, which protobuf defines as their concatenation. */
function mergedBytes(occurrences: readonly WireValue[], path: string): Uint8Array {
  const parts = occurrences.map((occurrence) => lengthDelimited(occurrence, path));
  return parts.length === 1 ? (parts[0] ?? noBytes) : Buffer.concat(parts);
}

function messageType(field: FieldSchema, path: string): MessageName {
  if (!isMessageName(field.type)) throw new ProtobufDecodeError(`${path}: inline field of non-message type ${field.type}`);
  return field.type;
}

function lengthDelimited(wire: WireValue, path: string): Uint8Array {
  if (wire.wireType !== "lengthDelimited") throw wireTypeError("lengthDelimited", wire, path);
  return wire.value;
}

function varint(wire: WireValue, path: string): bigint {
  if (wire.wireType !== "varint") throw wireTypeError("varint", wire, path);
  return wire.value;
}

function wireTypeError(expected: WireValue["wireType"], wire: WireValue, path: string): ProtobufDecodeError {
  return new ProtobufDecodeError(`${path}: expected wire type ${expected}, got ${wire.wireType}`);
}
