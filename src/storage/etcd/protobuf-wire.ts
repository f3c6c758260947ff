// The protobuf wire format, only as far as etcd's v3 messages need it:
// varints (non-negative integers up to 2^53, and uint64 ids as bigint) and
// length-delimited fields (bytes, strings, nested messages). Hand-written so
// the store's hot path (one Txn per write) costs no reflection and no
// generated code.

export class ProtobufDecodeError extends Error {
  readonly reason = "ProtobufDecodeError";
}

const wireVarint = 0;
const wireFixed64 = 1;
const wireLengthDelimited = 2;
const wireFixed32 = 5;

/** Collects fields in order; `finish()` joins them into one message. */
export class ProtobufWriter {
  private readonly chunks: Buffer[] = [];
  private pending: number[] = [];

  /**
   * Writes a non-negative integer field. proto3 omits zero, and so do we,
   * except for a oneof member (`always`), whose presence is the message.
   */
  varint(field: number, value: number, always = false): this {
    if (value === 0 && !always) return this;
    this.tag(field, wireVarint);
    this.rawVarint(value);
    return this;
  }

  bool(field: number, value: boolean): this {
    return value ? this.varint(field, 1) : this;
  }

  /** Writes a length-delimited field; an empty value is still written when `always` (oneof members). */
  bytes(field: number, value: Buffer, always = false): this {
    if (value.length === 0 && !always) return this;
    this.tag(field, wireLengthDelimited);
    this.rawVarint(value.length);
    this.flushPending();
    this.chunks.push(value);
    return this;
  }

  finish(): Buffer {
    this.flushPending();
    return this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks);
  }

  private tag(field: number, wireType: number): void {
    this.rawVarint(field * 8 + wireType);
  }

  private rawVarint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`protobuf varint out of range: ${value}`);
    }
    let rest = value;
    while (rest >= 0x80) {
      this.pending.push((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    this.pending.push(rest);
  }

  private flushPending(): void {
    if (this.pending.length === 0) return;
    this.chunks.push(Buffer.from(this.pending));
    this.pending = [];
  }
}

export type ProtobufField =
  | { field: number; wireType: typeof wireVarint; value: bigint }
  | { field: number; wireType: typeof wireLengthDelimited; value: Buffer }
  | { field: number; wireType: typeof wireFixed64 | typeof wireFixed32; value: Buffer };

/** Walks the fields of one message in wire order; unknown fields are the caller's to skip. */
export function* readProtobufFields(message: Buffer): Generator<ProtobufField> {
  let offset = 0;
  const readVarint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (let index = 0; index < 10; index += 1) {
      const byte = message[offset];
      if (byte === undefined) throw new ProtobufDecodeError("truncated varint");
      offset += 1;
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return result;
      shift += 7n;
    }
    throw new ProtobufDecodeError("varint longer than 10 bytes");
  };
  const take = (length: number): Buffer => {
    if (offset + length > message.length) throw new ProtobufDecodeError("truncated field");
    const slice = message.subarray(offset, offset + length);
    offset += length;
    return slice;
  };
  while (offset < message.length) {
    const tag = readVarint();
    const field = Number(tag >> 3n);
    const wireType = Number(tag & 7n);
    switch (wireType) {
      case wireVarint:
        yield { field, wireType, value: readVarint() };
        break;
      case wireLengthDelimited:
        yield { field, wireType, value: take(Number(readVarint())) };
        break;
      case wireFixed64:
        yield { field, wireType, value: take(8) };
        break;
      case wireFixed32:
        yield { field, wireType, value: take(4) };
        break;
      default:
        throw new ProtobufDecodeError(`unsupported wire type ${wireType} for field ${field}`);
    }
  }
}

/** A varint field as a number; etcd's revisions and counts stay far below 2^53. */
export function varintNumber(field: ProtobufField): number {
  if (field.wireType !== wireVarint) {
    throw new ProtobufDecodeError(`field ${field.field}: expected a varint, got wire type ${field.wireType}`);
  }
  return Number(BigInt.asIntN(64, field.value));
}

export function varintBigInt(field: ProtobufField): bigint {
  if (field.wireType !== wireVarint) {
    throw new ProtobufDecodeError(`field ${field.field}: expected a varint, got wire type ${field.wireType}`);
  }
  return field.value;
}

export function lengthDelimited(field: ProtobufField): Buffer {
  if (field.wireType !== wireLengthDelimited) {
    throw new ProtobufDecodeError(`field ${field.field}: expected bytes, got wire type ${field.wireType}`);
  }
  return field.value;
}
