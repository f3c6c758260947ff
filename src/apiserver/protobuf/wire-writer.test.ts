import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { WireWriter } from "./wire-writer.ts";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

describe("WireWriter", () => {
  const cases: { name: string; write: (writer: WireWriter) => void; bytes: string }[] = [
    { name: "one-byte varint", write: (w) => w.varintField(1, 1), bytes: "0801" },
    { name: "multi-byte varint (150)", write: (w) => w.varintField(1, 150), bytes: "089601" },
    { name: "bool true", write: (w) => w.varintField(5, true), bytes: "2801" },
    { name: "bool false is still written", write: (w) => w.varintField(5, false), bytes: "2800" },
    { name: "negative numbers take ten bytes", write: (w) => w.varintField(2, -1), bytes: "10ffffffffffffffffff01" },
    { name: "int64 beyond 2^32", write: (w) => w.varintField(1, 2n ** 40n), bytes: "08808080808020" },
    { name: "field number above 15 needs a two-byte tag", write: (w) => w.varintField(16, 3), bytes: "800103" },
    { name: "string", write: (w) => w.stringField(1, "foo"), bytes: "0a03666f6f" },
    { name: "empty string is written", write: (w) => w.stringField(3, ""), bytes: "1a00" },
    { name: "utf-8 string", write: (w) => w.stringField(1, "µ"), bytes: "0a02c2b5" },
    { name: "bytes", write: (w) => w.bytesField(2, Uint8Array.of(0, 255)), bytes: "120200ff" },
    {
      name: "fields keep the order they were written in",
      write: (w) => {
        w.varintField(2, 1);
        w.stringField(1, "a");
      },
      bytes: "10010a0161",
    },
  ];
  for (const { name, write, bytes } of cases) {
    test(name, () => {
      const writer = new WireWriter();
      write(writer);
      assert.equal(hex(writer.finish()), bytes);
    });
  }
});
