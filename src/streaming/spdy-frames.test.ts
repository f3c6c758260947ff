import { describe, test } from "node:test";
import assert from "node:assert/strict";
import zlib from "node:zlib";
import { decodeHeaderBlock, encodeFrame, encodeHeaderBlock, SpdyFrameReader, SpdyProtocolError, type SpdyFrame } from "./spdy-frames.ts";
import { SpdyHeaderCodec } from "./spdy-header-codec.ts";
import { spdyDictionary } from "./spdy-dictionary.ts";

const frames: SpdyFrame[] = [
  { type: "data", streamId: 3, fin: false, data: Buffer.from("GET / HTTP/1.1\r\n\r\n") },
  { type: "data", streamId: 5, fin: true, data: Buffer.alloc(0) },
  { type: "synStream", streamId: 1, associatedId: 0, priority: 0, fin: false, unidirectional: false, headerBlock: Buffer.from([1, 2, 3]) },
  { type: "synStream", streamId: 7, associatedId: 2, priority: 5, fin: true, unidirectional: true, headerBlock: Buffer.alloc(0) },
  { type: "synReply", streamId: 1, fin: false, headerBlock: Buffer.from([9]) },
  { type: "rstStream", streamId: 3, status: 5 },
  { type: "ping", id: 0xfffffffe },
  { type: "goaway", lastGoodStreamId: 7, status: 0 },
  { type: "headers", streamId: 9, fin: true, headerBlock: Buffer.from([4, 4]) },
  { type: "windowUpdate", streamId: 3, delta: 65536 },
  { type: "settings", payload: Buffer.from([0, 0, 0, 0]) },
];

describe("SPDY/3.1 frames", () => {
  for (const frame of frames) {
    test(`${frame.type} round-trips`, () => {
      assert.deepEqual(new SpdyFrameReader().push(encodeFrame(frame)), [frame]);
    });
  }

  test("a stream cut at every byte boundary yields the same frames", () => {
    const bytes = Buffer.concat(frames.map(encodeFrame));
    for (const size of [1, 2, 3, 7, 13, 64]) {
      const reader = new SpdyFrameReader();
      const seen: SpdyFrame[] = [];
      for (let at = 0; at < bytes.length; at += size) seen.push(...reader.push(bytes.subarray(at, at + size)));
      assert.deepEqual(seen, frames, `pieces of ${size}`);
    }
  });

  test("control frame layout: version 3, type, flags and 24-bit length", () => {
    const bytes = encodeFrame({ type: "rstStream", streamId: 3, status: 5 });
    assert.equal(bytes.toString("hex"), "80030003000000080000000300000005");
    assert.equal(encodeFrame({ type: "data", streamId: 1, fin: true, data: Buffer.from("x") }).toString("hex"), "000000010100000178");
  });

  test("another SPDY version is a protocol error", () => {
    const bytes = encodeFrame({ type: "ping", id: 1 });
    bytes.writeUInt16BE(0x8002, 0);
    assert.throws(() => new SpdyFrameReader().push(bytes), SpdyProtocolError);
  });

  test("header blocks: names lower-cased, values kept; truncated blocks are errors", () => {
    const block = encodeHeaderBlock({ StreamType: "data", port: "80", requestid: "0" });
    assert.deepEqual(decodeHeaderBlock(block), { streamtype: "data", port: "80", requestid: "0" });
    assert.throws(() => decodeHeaderBlock(block.subarray(0, block.length - 1)), SpdyProtocolError);
  });
});

describe("SPDY header compression", () => {
  test("the dictionary is the SPDY/3 one (1423 bytes, starting with length-prefixed 'options')", () => {
    assert.equal(spdyDictionary.length, 1423);
    assert.equal(spdyDictionary.subarray(0, 11).toString("latin1"), "\0\0\0\x07options");
    assert.equal(spdyDictionary.subarray(-6).toString("latin1"), "enq=0.");
  });

  test("blocks we write decode in order through one zlib stream, each on its own", () => {
    const ours = new SpdyHeaderCodec();
    const theirs = new SpdyHeaderCodec();
    const blocks: Record<string, string>[] = [{ streamtype: "error", port: "80", requestid: "0" }, {}, { streamtype: "data", port: "80", requestid: "1" }];
    const wire = blocks.map((h) => ours.compress(h));
    assert.deepEqual(wire.map((b) => theirs.decompress(b)), blocks);
    // A stock inflater reads each block as soon as it has it (the sync-flush marker ends each).
    const inflated = zlib.inflateSync(wire[0]!, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    assert.deepEqual(decodeHeaderBlock(inflated), blocks[0]);
  });

  test("blocks from a dictionary-seeded compressor with sync flushes decode one by one", async () => {
    const deflate = zlib.createDeflate({ dictionary: spdyDictionary });
    const out: Buffer[] = [];
    deflate.on("data", (c: Buffer) => out.push(c));
    const codec = new SpdyHeaderCodec();
    for (const requestid of ["0", "1", "2"]) {
      const headers = { streamtype: "data", port: "8080", requestid };
      deflate.write(encodeHeaderBlock(headers));
      await new Promise<void>((resolve) => deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => resolve()));
      await new Promise((resolve) => setImmediate(resolve));
      const block = Buffer.concat(out.splice(0));
      assert.deepEqual(codec.decompress(block), headers);
    }
    deflate.close();
  });
});
