// Protocol Buffers binary encoding of plain objects, driven by a schema
// table (proto-schema.ts). Objects use the proto's field names; enums are
// their names (numbers are accepted too); 64-bit integers are numbers
// (bigints and decimal strings are accepted when encoding). Decoding fills
// in proto3 defaults ("" / 0 / false / first enum name / empty bytes, []
// for repeated, {} for maps, null for absent messages) and skips fields the
// schema does not know, as every protobuf reader must.
import type { EnumSchema, FieldSchema, MessageSchema, ScalarType, ValueType } from "./proto-schema.ts";

export class ProtobufError extends Error {
  readonly reason = "ProtobufError" as const;
}

/** Wire types (groups, 3 and 4, are not supported). */
const Wire = { Varint: 0, Fixed64: 1, LengthDelimited: 2, Fixed32: 5 } as const;
type Wire = (typeof Wire)[keyof typeof Wire];

function wireOf(value: ValueType): Wire {
  if (value.kind !== "scalar") return value.kind === "enum" ? Wire.Varint : Wire.LengthDelimited;
  switch (value.type) {
    case "double":
    case "fixed64":
    case "sfixed64":
      return Wire.Fixed64;
    case "float":
    case "fixed32":
    case "sfixed32":
      return Wire.Fixed32;
    case "string":
    case "bytes":
      return Wire.LengthDelimited;
    default:
      return Wire.Varint;
  }
}

const twoTo32 = 0x1_0000_0000;

// ---------------------------------------------------------------- encoding

class Writer {
  private buffer = Buffer.allocUnsafe(256);
  private length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + n));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  byte(b: number): void {
    this.reserve(1);
    this.buffer[this.length++] = b;
  }

  /** An unsigned varint of a non-negative integer below 2^64, given as its low and high 32 bits. */
  varint(lo: number, hi: number): void {
    this.reserve(10);
    while (hi !== 0 || lo > 0x7f) {
      this.buffer[this.length++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    this.buffer[this.length++] = lo;
  }

  uint(n: number): void {
    this.varint(n >>> 0, Math.floor(n / twoTo32) >>> 0);
  }

  tag(number: number, wire: Wire): void {
    this.uint(number * 8 + wire);
  }

  bytes(data: Uint8Array): void {
    this.uint(data.length);
    this.reserve(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
  }

  fixed32(write: (buffer: Buffer, offset: number) => void): void {
    this.reserve(4);
    write(this.buffer, this.length);
    this.length += 4;
  }

  fixed64(write: (buffer: Buffer, offset: number) => void): void {
    this.reserve(8);
    write(this.buffer, this.length);
    this.length += 8;
  }

  finish(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

/** A 64-bit integer given as number, bigint or decimal string, as its two's complement low/high words. */
function words64(value: unknown, where: string, unsigned: boolean): [number, number] {
  let big: bigint;
  if (typeof value === "bigint") big = value;
  else if (typeof value === "number" && Number.isInteger(value)) {
    if (value >= 0 && value < twoTo32) return [value, 0];
    big = BigInt(value);
  } else if (typeof value === "string" && /^-?\d+$/.test(value)) big = BigInt(value);
  else throw new ProtobufError(`${where}: expected an integer, got ${JSON.stringify(value)}`);
  const min = unsigned ? 0n : -(1n << 63n);
  const max = unsigned ? (1n << 64n) - 1n : (1n << 63n) - 1n;
  if (big < min || big > max) throw new ProtobufError(`${where}: ${big} is out of range`);
  const bits = BigInt.asUintN(64, big);
  return [Number(bits & 0xffff_ffffn), Number(bits >> 32n)];
}

function int32Of(value: unknown, where: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new ProtobufError(`${where}: expected an integer in [${min}, ${max}], got ${JSON.stringify(value)}`);
  }
  return value;
}

function enumNumber(type: EnumSchema, value: unknown, where: string): number {
  if (typeof value === "string") {
    const number = type.numberOf.get(value);
    if (number === undefined) throw new ProtobufError(`${where}: ${JSON.stringify(value)} is not a ${type.name}`);
    return number;
  }
  return int32Of(value, where, -0x8000_0000, 0x7fff_ffff);
}

/** Whether a singular value equals proto3's default, which the encoding leaves out. */
function isDefault(value: ValueType, v: unknown): boolean {
  if (value.kind === "message") return false;
  if (value.kind === "enum") return v === 0 || v === value.type.zero;
  switch (value.type) {
    case "string":
      return v === "";
    case "bytes":
      return v instanceof Uint8Array && v.length === 0;
    case "bool":
      return v === false;
    default:
      return v === 0 || v === 0n || v === "0";
  }
}

function writeScalar(w: Writer, type: ScalarType, v: unknown, where: string): void {
  switch (type) {
    case "string":
      if (typeof v !== "string") throw new ProtobufError(`${where}: expected a string, got ${typeof v}`);
      w.bytes(Buffer.from(v, "utf8"));
      return;
    case "bytes":
      if (!(v instanceof Uint8Array)) throw new ProtobufError(`${where}: expected bytes (a Buffer or Uint8Array), got ${typeof v}`);
      w.bytes(v);
      return;
    case "bool":
      if (typeof v !== "boolean") throw new ProtobufError(`${where}: expected a boolean, got ${typeof v}`);
      w.byte(v ? 1 : 0);
      return;
    case "int32": {
      // Negative int32s are sign-extended to 64 bits: ten bytes on the wire.
      const n = int32Of(v, where, -0x8000_0000, 0x7fff_ffff);
      w.varint(n >>> 0, n < 0 ? 0xffff_ffff : 0);
      return;
    }
    case "uint32":
      w.varint(int32Of(v, where, 0, 0xffff_ffff), 0);
      return;
    case "sint32": {
      const n = int32Of(v, where, -0x8000_0000, 0x7fff_ffff);
      w.varint(((n << 1) ^ (n >> 31)) >>> 0, 0);
      return;
    }
    case "int64":
    case "uint64": {
      const [lo, hi] = words64(v, where, type === "uint64");
      w.varint(lo, hi);
      return;
    }
    case "sint64": {
      const [lo, hi] = words64(v, where, false);
      const big = (BigInt(hi) << 32n) | BigInt(lo);
      const zigzag = BigInt.asUintN(64, (big << 1n) ^ (BigInt.asIntN(64, big) >> 63n));
      w.varint(Number(zigzag & 0xffff_ffffn), Number(zigzag >> 32n));
      return;
    }
    case "fixed32":
      w.fixed32((b, o) => b.writeUInt32LE(int32Of(v, where, 0, 0xffff_ffff), o));
      return;
    case "sfixed32":
      w.fixed32((b, o) => b.writeInt32LE(int32Of(v, where, -0x8000_0000, 0x7fff_ffff), o));
      return;
    case "float":
      if (typeof v !== "number") throw new ProtobufError(`${where}: expected a number, got ${typeof v}`);
      w.fixed32((b, o) => b.writeFloatLE(v, o));
      return;
    case "fixed64":
    case "sfixed64": {
      const [lo, hi] = words64(v, where, type === "fixed64");
      w.fixed64((b, o) => {
        b.writeUInt32LE(lo, o);
        b.writeUInt32LE(hi, o + 4);
      });
      return;
    }
    case "double":
      if (typeof v !== "number") throw new ProtobufError(`${where}: expected a number, got ${typeof v}`);
      w.fixed64((b, o) => b.writeDoubleLE(v, o));
      return;
  }
}

function writeValue(w: Writer, value: ValueType, v: unknown, where: string): void {
  if (value.kind === "scalar") writeScalar(w, value.type, v, where);
  else if (value.kind === "enum") writeScalar(w, "int32", enumNumber(value.type, v, where), where);
  else w.bytes(encodeMessage(value.type, v, where));
}

function writeField(w: Writer, field: FieldSchema, v: unknown, where: string): void {
  const wire = wireOf(field.value);
  if (field.label === "single") {
    if (isDefault(field.value, v)) return;
    w.tag(field.number, wire);
    writeValue(w, field.value, v, where);
    return;
  }
  if (field.label === "repeated") {
    if (!Array.isArray(v)) throw new ProtobufError(`${where}: expected an array, got ${typeof v}`);
    if (v.length === 0) return;
    if (wire !== Wire.LengthDelimited) {
      // proto3 packs repeated numbers: one length-delimited run of values.
      const packed = new Writer();
      v.forEach((item, i) => writeValue(packed, field.value, item, `${where}[${i}]`));
      w.tag(field.number, Wire.LengthDelimited);
      w.bytes(packed.finish());
      return;
    }
    v.forEach((item, i) => {
      if (item === null || item === undefined) throw new ProtobufError(`${where}[${i}]: missing`);
      w.tag(field.number, wire);
      writeValue(w, field.value, item, `${where}[${i}]`);
    });
    return;
  }
  // A map is a repeated entry message { key = 1; value = 2; }.
  if (typeof v !== "object" || Array.isArray(v)) throw new ProtobufError(`${where}: expected an object (a map), got ${Array.isArray(v) ? "an array" : typeof v}`);
  const keyType = field.key!;
  for (const [key, item] of Object.entries(v as Record<string, unknown>)) {
    const at = `${where}[${JSON.stringify(key)}]`;
    if (item === null || item === undefined) throw new ProtobufError(`${at}: missing`);
    const entry = new Writer();
    entry.tag(1, wireOf({ kind: "scalar", type: keyType }));
    writeScalar(entry, keyType, mapKeyOf(keyType, key, at), at);
    entry.tag(2, wire);
    writeValue(entry, field.value, item, at);
    w.tag(field.number, Wire.LengthDelimited);
    w.bytes(entry.finish());
  }
}

function mapKeyOf(type: ScalarType, key: string, where: string): unknown {
  if (type === "string") return key;
  if (type === "bool") {
    if (key !== "true" && key !== "false") throw new ProtobufError(`${where}: expected a bool key`);
    return key === "true";
  }
  if (!/^-?\d+$/.test(key)) throw new ProtobufError(`${where}: expected an integer key`);
  return type.endsWith("64") ? key : Number(key);
}

/** The wire bytes of message; where names it in errors. Null and undefined fields are left out; unknown ones are an error. */
export function encodeMessage(schema: MessageSchema, message: unknown, where: string = schema.name): Buffer {
  if (typeof message !== "object" || message === null || Array.isArray(message)) throw new ProtobufError(`${where}: expected an object, got ${message === null ? "null" : typeof message}`);
  const w = new Writer();
  for (const [name, v] of Object.entries(message)) {
    const field = schema.byName.get(name);
    if (field === undefined) throw new ProtobufError(`${where}: ${schema.name} has no field ${JSON.stringify(name)}`);
    if (v === null || v === undefined) continue;
    writeField(w, field, v, `${where}.${name}`);
  }
  return w.finish();
}

// ---------------------------------------------------------------- decoding

class Reader {
  pos: number;
  /** The last varint's low and high 32 bits. */
  lo = 0;
  hi = 0;

  constructor(
    readonly buffer: Buffer,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  private nextByte(): number {
    if (this.pos >= this.end) throw new ProtobufError("truncated message");
    return this.buffer[this.pos++]!;
  }

  varint(): void {
    let lo = 0;
    let hi = 0;
    let b = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      b = this.nextByte();
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) return this.set(lo, 0);
    }
    b = this.nextByte();
    lo |= (b & 0x0f) << 28;
    hi = (b & 0x7f) >> 4;
    if (b < 0x80) return this.set(lo, hi);
    for (let shift = 3; shift < 32; shift += 7) {
      b = this.nextByte();
      hi |= (b & 0x7f) << shift;
      if (b < 0x80) return this.set(lo, hi);
    }
    throw new ProtobufError("varint longer than 10 bytes");
  }

  private set(lo: number, hi: number): void {
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
  }

  /** A varint that must fit a non-negative safe integer (tags, lengths). */
  uint(): number {
    this.varint();
    if (this.hi >= 0x20_0000) throw new ProtobufError("varint out of range");
    return this.hi * twoTo32 + this.lo;
  }

  take(length: number): [number, number] {
    const start = this.pos;
    if (length > this.end - start) throw new ProtobufError("truncated message");
    this.pos += length;
    return [start, this.pos];
  }

  skip(wire: number): void {
    switch (wire) {
      case Wire.Varint:
        this.varint();
        return;
      case Wire.Fixed64:
        this.take(8);
        return;
      case Wire.LengthDelimited:
        this.take(this.uint());
        return;
      case Wire.Fixed32:
        this.take(4);
        return;
      default:
        throw new ProtobufError(`unsupported wire type ${wire}`);
    }
  }
}

function defaultOf(value: ValueType): unknown {
  if (value.kind === "message") return null;
  if (value.kind === "enum") return value.type.zero;
  switch (value.type) {
    case "string":
      return "";
    case "bytes":
      return Buffer.alloc(0);
    case "bool":
      return false;
    default:
      return 0;
  }
}

function readScalar(r: Reader, type: ScalarType): unknown {
  const { buffer } = r;
  switch (type) {
    case "string": {
      const [start, end] = r.take(r.uint());
      return buffer.toString("utf8", start, end);
    }
    case "bytes": {
      const [start, end] = r.take(r.uint());
      // A copy: the result must not pin the whole response buffer.
      return Buffer.from(buffer.subarray(start, end));
    }
    case "bool":
      r.varint();
      return r.lo !== 0 || r.hi !== 0;
    case "int32":
      r.varint();
      return r.lo | 0;
    case "uint32":
      r.varint();
      return r.lo;
    case "sint32":
      r.varint();
      return (r.lo >>> 1) ^ -(r.lo & 1);
    case "int64":
      r.varint();
      return (r.hi | 0) * twoTo32 + r.lo;
    case "uint64":
      r.varint();
      return r.hi * twoTo32 + r.lo;
    case "sint64": {
      r.varint();
      const big = (BigInt(r.hi) << 32n) | BigInt(r.lo);
      return Number((big >> 1n) ^ -(big & 1n));
    }
    case "fixed32":
      return buffer.readUInt32LE(r.take(4)[0]);
    case "sfixed32":
      return buffer.readInt32LE(r.take(4)[0]);
    case "float":
      return buffer.readFloatLE(r.take(4)[0]);
    case "fixed64": {
      const [at] = r.take(8);
      return buffer.readUInt32LE(at + 4) * twoTo32 + buffer.readUInt32LE(at);
    }
    case "sfixed64": {
      const [at] = r.take(8);
      return buffer.readInt32LE(at + 4) * twoTo32 + buffer.readUInt32LE(at);
    }
    case "double":
      return buffer.readDoubleLE(r.take(8)[0]);
  }
}

function readValue(r: Reader, value: ValueType): unknown {
  if (value.kind === "scalar") return readScalar(r, value.type);
  if (value.kind === "enum") {
    r.varint();
    const number = r.lo | 0;
    return value.type.nameOf.get(number) ?? number;
  }
  const [start, end] = r.take(r.uint());
  return decodeFrom(new Reader(r.buffer, start, end), value.type, null);
}

function readMapEntry(r: Reader, field: FieldSchema, into: Record<string, unknown>): void {
  const [start, end] = r.take(r.uint());
  const entry = new Reader(r.buffer, start, end);
  const keyValue: ValueType = { kind: "scalar", type: field.key! };
  let key: unknown = defaultOf(keyValue);
  let value: unknown = field.value.kind === "message" ? undefined : defaultOf(field.value);
  while (entry.pos < entry.end) {
    const tag = entry.uint();
    const number = Math.floor(tag / 8);
    const wire = tag & 7;
    if (number === 1 && wire === wireOf(keyValue)) key = readScalar(entry, field.key!);
    else if (number === 2 && wire === wireOf(field.value)) value = readValue(entry, field.value);
    else entry.skip(wire);
  }
  // An entry without its message value maps to an empty message.
  into[String(key)] = value === undefined ? decodeFrom(new Reader(Buffer.alloc(0), 0, 0), field.value.type as MessageSchema, null) : value;
}

function decodeFrom(r: Reader, schema: MessageSchema, existing: Record<string, unknown> | null): Record<string, unknown> {
  const out: Record<string, unknown> = existing ?? {};
  if (existing === null) {
    for (const field of schema.fields) out[field.name] = field.label === "repeated" ? [] : field.label === "map" ? {} : defaultOf(field.value);
  }
  while (r.pos < r.end) {
    const tag = r.uint();
    const number = Math.floor(tag / 8);
    const wire = tag & 7;
    if (number === 0) throw new ProtobufError(`${schema.name}: field number 0`);
    const field = schema.byNumber.get(number);
    const expected = field === undefined ? -1 : wireOf(field.value);
    if (field === undefined) {
      r.skip(wire);
    } else if (field.label === "map") {
      if (wire === Wire.LengthDelimited) readMapEntry(r, field, out[field.name] as Record<string, unknown>);
      else r.skip(wire);
    } else if (field.label === "repeated") {
      const list = out[field.name] as unknown[];
      if (wire === expected) list.push(readValue(r, field.value));
      else if (wire === Wire.LengthDelimited && expected !== Wire.LengthDelimited) {
        // Packed: a run of values (readers accept packed and unpacked alike).
        const [start, end] = r.take(r.uint());
        const run = new Reader(r.buffer, start, end);
        while (run.pos < run.end) list.push(readValue(run, field.value));
      } else r.skip(wire);
    } else if (wire !== expected) {
      // A known number with another wire type is treated as unknown, as upstream's readers do.
      r.skip(wire);
    } else if (field.value.kind === "message" && out[field.name] !== null) {
      // A message field seen twice merges.
      const [start, end] = r.take(r.uint());
      decodeFrom(new Reader(r.buffer, start, end), field.value.type, out[field.name] as Record<string, unknown>);
    } else {
      out[field.name] = readValue(r, field.value);
    }
  }
  return out;
}

/** The message in bytes, as a plain object with every field of schema (defaults where absent). */
export function decodeMessage(schema: MessageSchema, bytes: Uint8Array): Record<string, unknown> {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  try {
    return decodeFrom(new Reader(buffer, 0, buffer.length), schema, null);
  } catch (e) {
    if (e instanceof ProtobufError) throw new ProtobufError(`${schema.name}: ${e.message}`);
    throw e;
  }
}
