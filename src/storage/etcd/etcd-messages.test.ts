// The etcd message codec against byte strings worked out by hand from the
// protobuf wire format and etcd's field numbers.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  decodeRangeResponse,
  decodeTxnResponse,
  decodeWatchResponse,
  encodeCompactionRequest,
  encodeRangeRequest,
  encodeTxnRequest,
  encodeWatchRequest,
} from "./etcd-messages.ts";
import { ProtobufDecodeError, ProtobufReader, ProtobufWriter } from "./protobuf-wire.ts";

/** Bytes from numbers (one byte each), strings (UTF-8) and nested encodings. */
const bytes = (...values: (number | string | Buffer)[]): Buffer =>
  Buffer.concat(
    values.map((value) => (typeof value === "number" ? Buffer.from([value]) : typeof value === "string" ? Buffer.from(value, "utf8") : value)),
  );
const text = (value: string): Buffer => Buffer.from(value, "utf8");

describe("protobuf wire", () => {
  const varints: [number, number[]][] = [
    [1, [0x08, 0x01]],
    [127, [0x08, 0x7f]],
    [128, [0x08, 0x80, 0x01]],
    [300, [0x08, 0xac, 0x02]],
    [2 ** 32, [0x08, 0x80, 0x80, 0x80, 0x80, 0x10]],
    [Number.MAX_SAFE_INTEGER, [0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]],
  ];
  for (const [value, expected] of varints) {
    test(`varint ${value} encodes and reads back`, () => {
      const encoded = new ProtobufWriter().varint(1, value).finish();
      assert.deepEqual([...encoded], expected);
      const reader = new ProtobufReader(encoded);
      assert.equal(reader.next(), true);
      assert.deepEqual([reader.field, reader.wireType, reader.number(), reader.uint64()], [1, 0, value, BigInt(value)]);
      assert.equal(reader.next(), false);
    });
  }

  test("zero and empty fields are omitted unless they are oneof members", () => {
    const writer = new ProtobufWriter().varint(1, 0).bytes(2, Buffer.alloc(0)).bool(3, false);
    assert.equal(writer.finish().length, 0);
    assert.deepEqual([...new ProtobufWriter().varint(5, 0, true).bytes(1, Buffer.alloc(0), true).finish()], [0x28, 0x00, 0x0a, 0x00]);
  });

  test("negative and fractional varints are refused", () => {
    assert.throws(() => new ProtobufWriter().varint(1, -1), RangeError);
    assert.throws(() => new ProtobufWriter().varint(1, 1.5), RangeError);
  });

  const malformed: [string, Buffer][] = [
    ["a truncated varint", bytes(0x08, 0x80)],
    ["a length past the end", bytes(0x0a, 0x05, 0x61)],
    ["a group wire type", bytes(0x0b)],
    ["an eleven-byte varint", bytes(0x08, ...Array<number>(10).fill(0xff), 0x01)],
  ];
  for (const [what, message] of malformed) {
    test(`${what} fails to decode`, () => {
      const reader = new ProtobufReader(message);
      assert.throws(() => {
        while (reader.next());
      }, ProtobufDecodeError);
    });
  }
});

describe("etcd requests", () => {
  test("RangeRequest: key, range_end, limit, revision, count_only", () => {
    assert.deepEqual(
      encodeRangeRequest({ key: text("/a"), rangeEnd: text("/b"), limit: 2, revision: 300, countOnly: true }),
      bytes(0x0a, 2, "/a", 0x12, 2, "/b", 0x18, 2, 0x20, 0xac, 0x02, 0x48, 1),
    );
    assert.deepEqual(encodeRangeRequest({ key: text("k") }), bytes(0x0a, 1, "k"));
  });

  test("TxnRequest: create_revision == 0 keeps its zero target; put and range ops nest", () => {
    const encoded = encodeTxnRequest({
      compare: [{ key: text("k"), target: "create", result: "equal", revision: 0 }],
      success: [{ put: { key: text("k"), value: text("v") } }],
      failure: [{ range: { key: text("k") } }],
    });
    const compare = bytes(0x10, 1, 0x1a, 1, "k", 0x28, 0);
    const put = bytes(0x0a, 1, "k", 0x12, 1, "v");
    const range = bytes(0x0a, 1, "k");
    assert.deepEqual(
      encoded,
      bytes(0x0a, compare.length, compare, 0x12, put.length + 2, 0x12, put.length, put, 0x1a, range.length + 2, 0x0a, range.length, range),
    );
  });

  test("TxnRequest: mod_revision compare and delete with prev_kv", () => {
    const encoded = encodeTxnRequest({
      compare: [{ key: text("k"), target: "mod", result: "greater", revision: 7 }],
      success: [{ deleteRange: { key: text("k"), prevKv: true } }],
      failure: [],
    });
    const compare = bytes(0x08, 1, 0x10, 2, 0x1a, 1, "k", 0x30, 7);
    const remove = bytes(0x0a, 1, "k", 0x18, 1);
    assert.deepEqual(encoded, bytes(0x0a, compare.length, compare, 0x12, remove.length + 2, 0x1a, remove.length, remove));
  });

  test("CompactionRequest and WatchRequest", () => {
    assert.deepEqual(encodeCompactionRequest({ revision: 42 }), bytes(0x08, 42));
    const create = bytes(0x0a, 1, "a", 0x12, 1, "b", 0x18, 5, 0x30, 1);
    assert.deepEqual(
      encodeWatchRequest({ create: { key: text("a"), rangeEnd: text("b"), startRevision: 5, prevKv: true } }),
      bytes(0x0a, create.length, create),
    );
    assert.deepEqual(encodeWatchRequest({ cancel: { watchId: 3 } }), bytes(0x12, 2, 0x08, 3));
  });
});

describe("etcd responses", () => {
  // member_id 0x8e9e05c52164694d needs all 64 bits: it must survive as a bigint.
  const memberId = 0x8e9e05c52164694dn;
  function varintBytes(value: bigint): number[] {
    const out: number[] = [];
    let rest = value;
    while (rest >= 0x80n) {
      out.push(Number(rest & 0x7fn) | 0x80);
      rest >>= 7n;
    }
    out.push(Number(rest));
    return out;
  }
  // The writer stops at 2^53, so the header is spliced together from raw varints.
  const headerBytes = Buffer.concat([
    bytes(0x08, 7, 0x10),
    Buffer.from(varintBytes(memberId)),
    bytes(0x18),
    Buffer.from(varintBytes(1234n)),
    bytes(0x20, 2),
  ]);
  const kv = (key: string, create: number, mod: number, version: number, value: string) =>
    new ProtobufWriter().bytes(1, text(key)).varint(2, create).varint(3, mod).varint(4, version).bytes(5, text(value)).finish();

  test("RangeResponse with a 64-bit member id, kvs, more and count", () => {
    const message = new ProtobufWriter()
      .bytes(1, headerBytes)
      .bytes(2, kv("/a", 3, 5, 2, "{}"))
      .bytes(2, kv("/b", 4, 4, 1, "[]"))
      .bool(3, true)
      .varint(4, 9)
      .finish();
    const decoded = decodeRangeResponse(message);
    assert.deepEqual(decoded.header, { clusterId: 7n, memberId, revision: 1234, raftTerm: 2 });
    assert.deepEqual(
      decoded.kvs.map((entry) => [entry.key.toString(), entry.createRevision, entry.modRevision, entry.version, entry.value.toString()]),
      [
        ["/a", 3, 5, 2, "{}"],
        ["/b", 4, 4, 1, "[]"],
      ],
    );
    assert.equal(decoded.more, true);
    assert.equal(decoded.count, 9);
  });

  test("TxnResponse: succeeded flag and the failure branch's range", () => {
    const range = new ProtobufWriter().bytes(2, kv("/k", 2, 8, 3, "x")).varint(4, 1).finish();
    const op = new ProtobufWriter().bytes(1, range, true).finish();
    const failed = decodeTxnResponse(new ProtobufWriter().bytes(1, headerBytes).bytes(3, op).finish());
    assert.equal(failed.succeeded, false);
    const [first] = failed.responses;
    assert.ok(first !== undefined && "range" in first);
    assert.equal(first.range.kvs[0]?.modRevision, 8);
    const succeeded = decodeTxnResponse(new ProtobufWriter().bytes(1, headerBytes).bool(2, true).finish());
    assert.equal(succeeded.succeeded, true);
    assert.equal(succeeded.header.revision, 1234);
  });

  test("WatchResponse: events with prev_kv, cancellation with compact_revision", () => {
    const put = new ProtobufWriter().bytes(2, kv("/k", 5, 6, 2, "new")).bytes(3, kv("/k", 5, 5, 1, "old")).finish();
    const remove = new ProtobufWriter().varint(1, 1).bytes(2, kv("/k", 0, 7, 0, "")).finish();
    const events = decodeWatchResponse(
      new ProtobufWriter().bytes(1, headerBytes).varint(2, 4).bytes(11, put).bytes(11, remove).finish(),
    );
    assert.equal(events.watchId, 4);
    assert.deepEqual(
      events.events.map((event) => [event.type, event.kv.modRevision, event.kv.value.toString(), event.prevKv?.value.toString()]),
      [
        ["PUT", 6, "new", "old"],
        ["DELETE", 7, "", undefined],
      ],
    );
    const canceled = decodeWatchResponse(
      new ProtobufWriter().bytes(1, headerBytes).bool(3, true).bool(4, true).varint(5, 99).bytes(6, text("compacted")).finish(),
    );
    assert.deepEqual(
      [canceled.created, canceled.canceled, canceled.compactRevision, canceled.cancelReason],
      [true, true, 99, "compacted"],
    );
  });

  test("unknown fields are skipped", () => {
    const message = Buffer.concat([bytes(0x78, 1), new ProtobufWriter().varint(4, 3).finish(), bytes(0x7a, 1, "z")]);
    assert.equal(decodeRangeResponse(message).count, 3);
  });
});
