// Writes the protobuf wire format field by field; encode-message.ts decides
// which fields to write and in which order.

const wireTypeCode = { varint: 0n, lengthDelimited: 2n } as const;

const utf8 = new TextEncoder();

export class WireWriter {
  readonly #chunks: Uint8Array[] = [];
  #length = 0;

  /** Writes an integer or bool; negative numbers take ten bytes, as two's complement in 64 bits. */
  varintField(number: number, value: bigint | number | boolean): void {
    this.#tag(number, wireTypeCode.varint);
    this.#varint(BigInt.asUintN(64, BigInt(value)));
  }

  bytesField(number: number, value: Uint8Array): void {
    this.#tag(number, wireTypeCode.lengthDelimited);
    this.#varint(BigInt(value.length));
    this.#push(value);
  }

  stringField(number: number, value: string): void {
    this.bytesField(number, utf8.encode(value));
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.#length);
    let offset = 0;
    for (const chunk of this.#chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }

  #tag(number: number, wireType: bigint): void {
    this.#varint((BigInt(number) << 3n) | wireType);
  }

  #varint(value: bigint): void {
    const bytes: number[] = [];
    let rest = value;
    while (rest >= 0x80n) {
      bytes.push(Number(rest & 0x7fn) | 0x80);
      rest >>= 7n;
    }
    bytes.push(Number(rest));
    this.#push(Uint8Array.from(bytes));
  }

  #push(bytes: Uint8Array): void {
    this.#chunks.push(bytes);
    this.#length += bytes.length;
  }
}
