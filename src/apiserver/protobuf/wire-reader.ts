// Reads the protobuf wire format into fields without knowing any schema;
// decode-message.ts gives them meaning.
import { ProtobufDecodeError } from "./protobuf-errors.ts";

export type WireValue =
  | { readonly wireType: "varint"; readonly value: bigint }
  | { readonly wireType: "fixed64"; readonly value: Uint8Array }
  | { readonly wireType: "lengthDelimited"; readonly value: Uint8Array }
  | { readonly wireType: "fixed32"; readonly value: Uint8Array };

/** Every field of one message by number, each occurrence in wire order. */
export type WireFields = ReadonlyMap<number, readonly WireValue[]>;

const maxVarintBytes = 10;

export function readVarint(bytes: Uint8Array, start: number): { value: bigint; next: number } {
  let value = 0n;
  for (let index = 0; index < maxVarintBytes; index++) {
    const byte = bytes[start + index];
    if (byte === undefined) throw new ProtobufDecodeError("truncated varint");
    value |= BigInt(byte & 0x7f) << BigInt(7 * index);
    if (byte < 0x80) return { value: BigInt.asUintN(64, value), next: start + index + 1 };
  }
  throw new ProtobufDecodeError("varint longer than 10 bytes");
}

function take(bytes: Uint8Array, start: number, length: number): Uint8Array {
  if (length > bytes.length - start) throw new ProtobufDecodeError("field runs past the end of the message");
  return bytes.subarray(start, start + length);
}

export function readFields(bytes: Uint8Array): WireFields {
  const fields = new Map<number, WireValue[]>();
  let offset = 0;
  while (offset < bytes.length) {
    const tag = readVarint(bytes, offset);
    offset = tag.next;
    const number = Number(tag.value >> 3n);
    if (number < 1 || number > 0x1fffffff) throw new ProtobufDecodeError(`illegal field number ${number}`);
    let value: WireValue;
    switch (Number(tag.value & 7n)) {
      case 0: {
        const varint = readVarint(bytes, offset);
        offset = varint.next;
        value = { wireType: "varint", value: varint.value };
        break;
      }
      case 1:
        value = { wireType: "fixed64", value: take(bytes, offset, 8) };
        offset += 8;
        break;
      case 2: {
        const length = readVarint(bytes, offset);
        offset = length.next;
        if (length.value > BigInt(bytes.length - offset)) {
          throw new ProtobufDecodeError(`field ${number} runs past the end of the message`);
        }
        value = { wireType: "lengthDelimited", value: take(bytes, offset, Number(length.value)) };
        offset += Number(length.value);
        break;
      }
      case 5:
        value = { wireType: "fixed32", value: take(bytes, offset, 4) };
        offset += 4;
        break;
      default:
        throw new ProtobufDecodeError(`field ${number} has unsupported wire type ${tag.value & 7n}`);
    }
    const occurrences = fields.get(number);
    if (occurrences) occurrences.push(value);
    else fields.set(number, [value]);
  }
  return fields;
}
