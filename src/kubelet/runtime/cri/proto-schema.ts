// A message-schema table read from proto3 text: the subset our CRI proto
// uses (top-level messages, enums and services; scalar, enum, message,
// repeated and map fields). The field numbers in the text are the wire
// format; protobuf-codec.ts encodes and decodes by this table.

export type ScalarType =
  | "double"
  | "float"
  | "int32"
  | "int64"
  | "uint32"
  | "uint64"
  | "sint32"
  | "sint64"
  | "fixed32"
  | "fixed64"
  | "sfixed32"
  | "sfixed64"
  | "bool"
  | "string"
  | "bytes";

const scalarTypes: ReadonlySet<string> = new Set<ScalarType>([
  "double",
  "float",
  "int32",
  "int64",
  "uint32",
  "uint64",
  "sint32",
  "sint64",
  "fixed32",
  "fixed64",
  "sfixed32",
  "sfixed64",
  "bool",
  "string",
  "bytes",
]);

/** What a field (or a map's value) holds. */
export type ValueType = { kind: "scalar"; type: ScalarType } | { kind: "enum"; type: EnumSchema } | { kind: "message"; type: MessageSchema };

export interface FieldSchema {
  name: string;
  number: number;
  /** "map": value is keyed by the scalar key. */
  label: "single" | "repeated" | "map";
  value: ValueType;
  /** For maps: the key's scalar type. */
  key?: ScalarType;
}

export interface MessageSchema {
  name: string;
  fields: FieldSchema[];
  byNumber: Map<number, FieldSchema>;
  byName: Map<string, FieldSchema>;
}

export interface EnumSchema {
  name: string;
  numberOf: Map<string, number>;
  nameOf: Map<number, string>;
  /** The name of value 0 (proto3's default), or 0 when the enum lacks one. */
  zero: string | number;
}

export interface MethodSchema {
  request: MessageSchema;
  response: MessageSchema;
}

export interface ProtoSchema {
  package: string;
  messages: Map<string, MessageSchema>;
  enums: Map<string, EnumSchema>;
  services: Map<string, Map<string, MethodSchema>>;
}

export class ProtoSyntaxError extends Error {
  readonly reason = "ProtoSyntaxError" as const;
}

const tokenPattern = /\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/|"(?:[^"\\]|\\.)*"|[A-Za-z_][A-Za-z0-9_.]*|-?\d+|[{}()[\];=<>,]/y;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  tokenPattern.lastIndex = 0;
  while (tokenPattern.lastIndex < text.length) {
    const at = tokenPattern.lastIndex;
    const match = tokenPattern.exec(text);
    if (match === null) throw new ProtoSyntaxError(`unexpected ${JSON.stringify(text.slice(at, at + 20))} at offset ${at}`);
    const token = match[0];
    if (!/^\s/.test(token) && !token.startsWith("//") && !token.startsWith("/*")) tokens.push(token);
  }
  return tokens;
}

interface RawField {
  name: string;
  number: number;
  label: FieldSchema["label"];
  type: string;
  key?: string;
}

/** Parses proto3 text into a schema with every type name resolved; throws ProtoSyntaxError on anything outside the subset. */
export function parseProto(text: string): ProtoSchema {
  const tokens = tokenize(text);
  let i = 0;
  const peek = () => tokens[i];
  const next = (): string => {
    const token = tokens[i++];
    if (token === undefined) throw new ProtoSyntaxError("unexpected end of proto text");
    return token;
  };
  const expect = (want: string) => {
    const got = next();
    if (got !== want) throw new ProtoSyntaxError(`expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
  };
  const identifier = (): string => {
    const token = next();
    if (!/^[A-Za-z_]/.test(token)) throw new ProtoSyntaxError(`expected a name, got ${JSON.stringify(token)}`);
    return token;
  };
  const integer = (): number => {
    const token = next();
    if (!/^-?\d+$/.test(token)) throw new ProtoSyntaxError(`expected a number, got ${JSON.stringify(token)}`);
    return Number(token);
  };

  let packageName = "";
  const rawMessages = new Map<string, RawField[]>();
  const enums = new Map<string, EnumSchema>();
  const rawServices = new Map<string, Map<string, { request: string; response: string }>>();

  const parseField = (owner: string): RawField => {
    let label: FieldSchema["label"] = "single";
    let type = identifier();
    let key: string | undefined;
    if (type === "repeated") {
      label = "repeated";
      type = identifier();
    } else if (type === "map") {
      label = "map";
      expect("<");
      key = identifier();
      expect(",");
      type = identifier();
      expect(">");
    } else if (type === "optional" || type === "oneof" || type === "message" || type === "enum" || type === "reserved" || type === "option") {
      throw new ProtoSyntaxError(`${owner}: "${type}" is outside the supported subset`);
    }
    const name = identifier();
    expect("=");
    const number = integer();
    if (number < 1 || number > 0x1fffffff) throw new ProtoSyntaxError(`${owner}.${name}: field number ${number} out of range`);
    expect(";");
    return { name, number, label, type, ...(key !== undefined ? { key } : {}) };
  };

  while (i < tokens.length) {
    const keyword = next();
    switch (keyword) {
      case "syntax": {
        expect("=");
        const value = next();
        if (value !== '"proto3"') throw new ProtoSyntaxError(`only proto3 is supported, got syntax ${value}`);
        expect(";");
        break;
      }
      case "package":
        packageName = identifier();
        expect(";");
        break;
      case "message": {
        const name = identifier();
        if (rawMessages.has(name) || enums.has(name)) throw new ProtoSyntaxError(`${name} is declared twice`);
        expect("{");
        const fields: RawField[] = [];
        while (peek() !== "}") fields.push(parseField(name));
        expect("}");
        rawMessages.set(name, fields);
        break;
      }
      case "enum": {
        const name = identifier();
        if (rawMessages.has(name) || enums.has(name)) throw new ProtoSyntaxError(`${name} is declared twice`);
        expect("{");
        const numberOf = new Map<string, number>();
        const nameOf = new Map<number, string>();
        while (peek() !== "}") {
          const value = identifier();
          expect("=");
          const number = integer();
          expect(";");
          numberOf.set(value, number);
          if (!nameOf.has(number)) nameOf.set(number, value);
        }
        expect("}");
        enums.set(name, { name, numberOf, nameOf, zero: nameOf.get(0) ?? 0 });
        break;
      }
      case "service": {
        const name = identifier();
        expect("{");
        const methods = new Map<string, { request: string; response: string }>();
        while (peek() !== "}") {
          expect("rpc");
          const method = identifier();
          expect("(");
          const request = identifier();
          if (request === "stream") throw new ProtoSyntaxError(`${name}.${method}: streaming calls are outside the supported subset`);
          expect(")");
          expect("returns");
          expect("(");
          const response = identifier();
          if (response === "stream") throw new ProtoSyntaxError(`${name}.${method}: streaming calls are outside the supported subset`);
          expect(")");
          if (peek() === "{") {
            expect("{");
            expect("}");
          } else expect(";");
          methods.set(method, { request, response });
        }
        expect("}");
        rawServices.set(name, methods);
        break;
      }
      default:
        throw new ProtoSyntaxError(`unexpected ${JSON.stringify(keyword)} at top level`);
    }
  }

  // Messages first as empty shells, so fields can refer to any message, in any order, and to themselves.
  const messages = new Map<string, MessageSchema>();
  for (const name of rawMessages.keys()) messages.set(name, { name, fields: [], byNumber: new Map(), byName: new Map() });
  const local = (type: string) => (packageName !== "" && type.startsWith(`${packageName}.`) ? type.slice(packageName.length + 1) : type);
  const valueType = (owner: string, type: string): ValueType => {
    if (scalarTypes.has(type)) return { kind: "scalar", type: type as ScalarType };
    const message = messages.get(local(type));
    if (message !== undefined) return { kind: "message", type: message };
    const enumType = enums.get(local(type));
    if (enumType !== undefined) return { kind: "enum", type: enumType };
    throw new ProtoSyntaxError(`${owner}: unknown type ${type}`);
  };
  for (const [name, raw] of rawMessages) {
    const message = messages.get(name)!;
    for (const field of raw) {
      const owner = `${name}.${field.name}`;
      if (message.byNumber.has(field.number)) throw new ProtoSyntaxError(`${owner}: field number ${field.number} is used twice`);
      if (message.byName.has(field.name)) throw new ProtoSyntaxError(`${owner}: declared twice`);
      if (field.key !== undefined && (!scalarTypes.has(field.key) || ["double", "float", "bytes"].includes(field.key))) {
        throw new ProtoSyntaxError(`${owner}: map key type ${field.key} is not allowed`);
      }
      const value = valueType(owner, field.type);
      const schema: FieldSchema = { name: field.name, number: field.number, label: field.label, value, ...(field.key !== undefined ? { key: field.key as ScalarType } : {}) };
      message.fields.push(schema);
      message.byNumber.set(schema.number, schema);
      message.byName.set(schema.name, schema);
    }
  }
  const services = new Map<string, Map<string, MethodSchema>>();
  for (const [name, raw] of rawServices) {
    const methods = new Map<string, MethodSchema>();
    for (const [method, { request, response }] of raw) {
      const resolve = (type: string) => {
        const message = messages.get(local(type));
        if (message === undefined) throw new ProtoSyntaxError(`${name}.${method}: unknown message ${type}`);
        return message;
      };
      methods.set(method, { request: resolve(request), response: resolve(response) });
    }
    services.set(name, methods);
  }
  return { package: packageName, messages, enums, services };
}
