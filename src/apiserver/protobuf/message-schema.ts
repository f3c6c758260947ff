// The shape of our protobuf schema table. Field facts (numbers, names) follow
// upstream's generated.proto; the JSON rules follow the Go structs those
// messages come from, because a Go API server answers with the Go struct
// marshalled to JSON, and clients expect exactly that shape.

export type ScalarType = "string" | "bool" | "int32" | "int64" | "bytes";

/**
 * Messages whose Go type marshals to JSON by hand instead of field by field:
 * time and microTime (RFC 3339 strings), quantity (string), intOrString
 * (number or string), rawExtension and fieldsV1 (embedded JSON), and
 * wrappedStringList (a message with one repeated string that is a plain
 * array in JSON, like authentication's ExtraValue).
 */
export type WellKnownType =
  | "time"
  | "microTime"
  | "quantity"
  | "intOrString"
  | "rawExtension"
  | "fieldsV1"
  | "wrappedStringList";

/** A key of the message table: "<package>.<Message>", e.g. "core.v1.Container". */
export type MessageName = `${string}.${string}`;

export type FieldType = ScalarType | WellKnownType | MessageName;

export interface FieldSchema {
  readonly number: number;
  /** The JSON key; for an inline field, the proto name (its members go into the parent object). */
  readonly jsonName: string;
  /** For a map, the type of its values (keys are always strings). */
  readonly type: FieldType;
  readonly repeated?: true;
  readonly map?: true;
  /** The Go field is a pointer: absent on the wire means nil, present means a value even when zero. */
  readonly pointer?: true;
  /** The Go json tag has omitempty: zero scalars, nil pointers and empty lists or maps are left out. */
  readonly omitEmpty?: true;
  /** The Go field is embedded with `json:",inline"`. */
  readonly inline?: true;
}

/** Fields in Go struct order, which is the key order of the JSON object. */
export type MessageSchema = readonly FieldSchema[];

export type MessageTable = Readonly<Record<MessageName, MessageSchema>>;

const wellKnownTypes: ReadonlySet<string> = new Set<WellKnownType>([
  "time",
  "microTime",
  "quantity",
  "intOrString",
  "rawExtension",
  "fieldsV1",
  "wrappedStringList",
]);

export function isWellKnownType(type: FieldType): type is WellKnownType {
  return wellKnownTypes.has(type);
}

export function isMessageName(type: FieldType): type is MessageName {
  return type.includes(".");
}
