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

/**
 * Walks the fields of one message in wire order without allocating per
 * field: `next()` moves to a field, then `number()`, `uint64()` or `bytes()`
 * read its value. Unknown fields are the caller's to ignore.
 */
export class ProtobufReader {
  /** The current field's number and wire type. */
  field = 0;
  wireType = 0;
  private offset = 0;
  private valueStart = 0;
  private valueEnd = 0;

  constructor(private readonly message: Buffer) {}

  next(): boolean {
    if (this.offset >= this.message.length) return false;
    const tag = this.readVarint();
    this.field = Math.floor(tag / 8);
    this.wireType = tag % 8;
    this.valueStart = this.offset;
    switch (this.wireType) {
      case wireVarint:
        this.readVarint();
        break;
      case wireLengthDelimited: {
        const length = this.readVarint();
        this.valueStart = this.offset;
        this.skip(length);
        break;
      }
      case wireFixed64:
        this.skip(8);
        break;
      case wireFixed32:
        this.skip(4);
        break;
      default:
        throw new ProtobufDecodeError(`unsupported wire type ${this.wireType} for field ${this.field}`);
    }
    this.valueEnd = this.offset;
    return true;
  }

  /** A varint as a number; etcd's revisions and counts stay far below 2^53. */
  number(): number {
    this.expect(wireVarint);
    let result = 0;
    let scale = 1;
    for (let index = this.valueStart; index < this.valueEnd; index += 1) {
      result += ((this.message[index] as number) & 0x7f) * scale;
      scale *= 0x80;
    }
    return result;
  }

  /** A varint as an exact unsigned 64-bit value (member and cluster ids). */
  uint64(): bigint {
    this.expect(wireVarint);
    let result = 0n;
    let shift = 0n;
    for (let index = this.valueStart; index < this.valueEnd; index += 1) {
      result |= BigInt((this.message[index] as number) & 0x7f) << shift;
      shift += 7n;
    }
    return BigInt.asUintN(64, result);
  }

  /** A length-delimited value, sharing memory with the message. */
  bytes(): Buffer {
    this.expect(wireLengthDelimited);
    return this.message.subarray(this.valueStart, this.valueEnd);
  }

  private expect(wireType: number): void {
    if (this.wireType !== wireType) {
      throw new ProtobufDecodeError(`field ${this.field}: expected wire type ${wireType}, got ${this.wireType}`);
    }
  }

  /** Reads a varint's value (exact below 2^53) and moves past it. */
  private readVarint(): number {
    let result = 0;
    let scale = 1;
    for (let index = 0; index < 10; index += 1) {
      const byte = this.message[this.offset];
      if (byte === undefined) throw new ProtobufDecodeError("truncated varint");
      this.offset += 1;
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 0x80;
    }
    throw new ProtobufDecodeError("varint longer than 10 bytes");
  }

  private skip(length: number): void {
    if (this.offset + length > this.message.length) throw new ProtobufDecodeError("truncated field");
    this.offset += length;
  }
}
