import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ProtobufDecodeError } from "./protobuf-errors.ts";
import { readFields, readVarint } from "./wire-reader.ts";
import type { WireValue } from "./wire-reader.ts";

const fromHex = (text: string) => Uint8Array.from(Buffer.from(text, "hex"));

describe("readVarint", () => {
  const cases: { bytes: string; value: bigint; next: number }[] = [
    { bytes: "00", value: 0n, next: 1 },
    { bytes: "7f", value: 127n, next: 1 },
    { bytes: "9601", value: 150n, next: 2 },
    { bytes: "ffffffffffffffffff01", value: 2n ** 64n - 1n, next: 10 },
    { bytes: "0880", value: 8n, next: 1 },
  ];
  for (const { bytes, value, next } of cases) {
    test(`reads ${bytes}`, () => assert.deepEqual(readVarint(fromHex(bytes), 0), { value, next }));
  }
  test("rejects a varint cut short", () => assert.throws(() => readVarint(fromHex("9680"), 0), ProtobufDecodeError));
  test("rejects a varint longer than ten bytes", () =>
    assert.throws(() => readVarint(fromHex("ffffffffffffffffffff01"), 0), /longer than 10 bytes/));
});

describe("readFields", () => {
  const cases: { name: string; bytes: string; fields: [number, WireValue[]][] }[] = [
    { name: "empty message", bytes: "", fields: [] },
    {
      name: "each wire type",
      bytes: "0896011203666f6f19000000000000f83f2501000000",
      fields: [
        [1, [{ wireType: "varint", value: 150n }]],
        [2, [{ wireType: "lengthDelimited", value: fromHex("666f6f") }]],
        [3, [{ wireType: "fixed64", value: fromHex("000000000000f83f") }]],
        [4, [{ wireType: "fixed32", value: fromHex("01000000") }]],
      ],
    },
    {
      name: "repeated occurrences in wire order",
      bytes: "0a01610a0162",
      fields: [
        [
          1,
          [
            { wireType: "lengthDelimited", value: fromHex("61") },
            { wireType: "lengthDelimited", value: fromHex("62") },
          ],
        ],
      ],
    },
    { name: "two-byte tag", bytes: "800103", fields: [[16, [{ wireType: "varint", value: 3n }]]] },
  ];
  for (const { name, bytes, fields } of cases) {
    test(name, () => assert.deepEqual([...readFields(fromHex(bytes))], fields));
  }

  const failures: { name: string; bytes: string; message: RegExp }[] = [
    { name: "length past the end", bytes: "0a05666f", message: /runs past the end/ },
    { name: "fixed64 past the end", bytes: "0900", message: /runs past the end/ },
    { name: "start-group wire type", bytes: "0b", message: /unsupported wire type 3/ },
    { name: "end-group wire type", bytes: "0c", message: /unsupported wire type 4/ },
    { name: "field number zero", bytes: "0001", message: /illegal field number 0/ },
    { name: "tag without a value", bytes: "08", message: /truncated varint/ },
  ];
  for (const { name, bytes, message } of failures) {
    test(`rejects ${name}`, () =>
      assert.throws(
        () => readFields(fromHex(bytes)),
        (error) => error instanceof ProtobufDecodeError && message.test(error.message),
      ));
  }
});
