// Writes a JSON object as one protobuf message the way Go's generated
// marshallers do: fields in number order, non-pointer fields always (zero
// when absent), pointers and lists only when set, map keys sorted. Following
// Go byte for byte lets tests compare our output with real client bytes.
// Keys the schema does not know are ignored, as Go's JSON decoding ignores them.
import { goZeroTimeSeconds, parseRfc3339 } from "./go-time.ts";
import type { JsonValue } from "./json-value.ts";
import { isMessageName, isWellKnownType } from "./message-schema.ts";
import type { FieldSchema, FieldType, MessageName, MessageSchema, ScalarType, WellKnownType } from "./message-schema.ts";
import { messageSchema } from "./message-table.ts";
import { ProtobufEncodeError } from "./protobuf-errors.ts";
import { WireWriter } from "./wire-writer.ts";

const utf8 = new TextEncoder();

/** Encodes `value` (an object, or null for the empty message) as message `name`; `path` names it in errors. */
export function encodeMessage(name: MessageName, value: unknown, path: string): Uint8Array {
  const schema = messageSchema(name);
  if (schema === undefined) throw new ProtobufEncodeError(`${path}: no protobuf schema for message ${name}`);
  const object = asObject(value, path);
  const writer = new WireWriter();
  for (const field of inNumberOrder(schema)) {
    const fieldPath = `${path}.${field.jsonName}`;
    if (field.inline) {
      if (!isMessageName(field.type)) throw new ProtobufEncodeError(`${fieldPath}: inline field of type ${field.type}`);
      writer.bytesField(field.number, encodeMessage(field.type, object, path));
      continue;
    }
    writeField(writer, field, Object.hasOwn(object, field.jsonName) ? object[field.jsonName] : undefined, fieldPath);
  }
  return writer.finish();
}

const numberOrders = new WeakMap<MessageSchema, readonly FieldSchema[]>();

function inNumberOrder(schema: MessageSchema): readonly FieldSchema[] {
  let ordered = numberOrders.get(schema);
  if (ordered === undefined) {
    ordered = [...schema].sort((a, b) => a.number - b.number);
    numberOrders.set(schema, ordered);
  }
  return ordered;
}

function writeField(writer: WireWriter, field: FieldSchema, value: unknown, path: string): void {
  if (field.repeated) {
    if (value === undefined || value === null) return;
    if (!Array.isArray(value)) throw new ProtobufEncodeError(`${path}: expected a list`);
    value.forEach((element: unknown, index) => writeSingular(writer, field.number, field.type, element, `${path}[${index}]`));
    return;
  }
  if (field.map) {
    if (value === undefined || value === null) return;
    const entries = Object.entries(asObject(value, path)).sort(([a], [b]) => Buffer.compare(utf8.encode(a), utf8.encode(b)));
    for (const [key, entryValue] of entries) {
      const entryPath = `${path}[${JSON.stringify(key)}]`;
      const entry = new WireWriter();
      entry.stringField(1, key);
      // Go leaves out a nil []byte value but always writes strings and messages.
      if (!(field.type === "bytes" && entryValue === null)) writeSingular(entry, 2, field.type, entryValue, entryPath);
      writer.bytesField(field.number, entry.finish());
    }
    return;
  }
  if ((field.pointer || field.type === "bytes") && (value === undefined || value === null)) return;
  writeSingular(writer, field.number, field.type, value, path);
}

function writeSingular(writer: WireWriter, number: number, type: FieldType, value: unknown, path: string): void {
  if (isMessageName(type)) writer.bytesField(number, encodeMessage(type, value, path));
  else if (isWellKnownType(type)) writer.bytesField(number, encodeWellKnown(type, value, path));
  else writeScalar(writer, number, type, value, path);
}

function writeScalar(writer: WireWriter, number: number, type: ScalarType, value: unknown, path: string): void {
  const present = value !== undefined && value !== null;
  switch (type) {
    case "string":
      if (present && typeof value !== "string") throw new ProtobufEncodeError(`${path}: expected a string`);
      writer.stringField(number, present ? value : "");
      return;
    case "bytes":
      if (present && typeof value !== "string") throw new ProtobufEncodeError(`${path}: expected base64 bytes`);
      writer.bytesField(number, present ? Buffer.from(value, "base64") : new Uint8Array(0));
      return;
    case "bool":
      if (present && typeof value !== "boolean") throw new ProtobufEncodeError(`${path}: expected a boolean`);
      writer.varintField(number, present ? value : false);
      return;
    case "int32":
    case "int64":
      if (present && !Number.isSafeInteger(value)) throw new ProtobufEncodeError(`${path}: expected an integer`);
      writer.varintField(number, present ? (value as number) : 0);
      return;
  }
}

function encodeWellKnown(type: WellKnownType, value: unknown, path: string): Uint8Array {
  const writer = new WireWriter();
  const present = value !== undefined && value !== null;
  switch (type) {
    case "time":
    case "microTime": {
      if (!present) break;
      const timestamp = typeof value === "string" ? parseRfc3339(value) : undefined;
      if (timestamp === undefined) throw new ProtobufEncodeError(`${path}: expected an RFC 3339 time`);
      // Time keeps whole seconds only; MicroTime keeps microseconds.
      const nanos = type === "time" ? 0 : Math.trunc(timestamp.nanos / 1000) * 1000;
      if (timestamp.seconds === goZeroTimeSeconds && nanos === 0) break;
      writer.varintField(1, timestamp.seconds);
      writer.varintField(2, nanos);
      break;
    }
    case "quantity":
      if (present && typeof value !== "string" && typeof value !== "number") {
        throw new ProtobufEncodeError(`${path}: expected a quantity`);
      }
      writer.stringField(1, present ? String(value) : "0");
      break;
    case "intOrString":
      if (typeof value === "string") {
        writer.varintField(1, 1);
        writer.varintField(2, 0);
        writer.stringField(3, value);
      } else if (!present || Number.isSafeInteger(value)) {
        writer.varintField(1, 0);
        writer.varintField(2, present ? (value as number) : 0);
        writer.stringField(3, "");
      } else {
        throw new ProtobufEncodeError(`${path}: expected an integer or a string`);
      }
      break;
    case "rawExtension":
    case "fieldsV1":
      if (present) writer.stringField(1, JSON.stringify(value));
      break;
    case "wrappedStringList":
      if (!present) break;
      if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
        throw new ProtobufEncodeError(`${path}: expected a list of strings`);
      }
      for (const item of value) writer.stringField(1, item);
      break;
  }
  return writer.finish();
}

function asObject(value: unknown, path: string): Readonly<Record<string, JsonValue | undefined>> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw new ProtobufEncodeError(`${path}: expected an object`);
  return value as Record<string, JsonValue | undefined>;
}
