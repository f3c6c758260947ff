import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeGrpcMessage, frameMessage, GrpcError, GrpcStatus, grpcTimeout, parseGrpcStatus, statusOfHttp, unframeMessages } from "./grpc-wire.ts";

test("a message is framed with a zero compressed flag and its length, big-endian", () => {
  assert.equal(frameMessage(Buffer.from("abc")).toString("hex"), "0000000003616263");
  assert.equal(frameMessage(Buffer.alloc(0)).toString("hex"), "0000000000");
  assert.equal(frameMessage(Buffer.alloc(300)).subarray(0, 5).toString("hex"), "000000012c");
});

test("a response body splits into its messages", () => {
  const body = Buffer.concat([frameMessage(Buffer.from("a")), frameMessage(Buffer.alloc(0)), frameMessage(Buffer.from("bc"))]);
  assert.deepEqual(unframeMessages(body).map((m) => m.toString()), ["a", "", "bc"]);
  assert.deepEqual(unframeMessages(Buffer.alloc(0)), []);
  const bad: Array<[string, string, RegExp]> = [
    ["a short prefix", "00000000", /truncated message prefix/],
    ["a short message", "000000000361", /truncated message in/],
    ["a compressed message", "010000000161", /compressed/],
  ];
  for (const [what, bytes, error] of bad) {
    assert.throws(() => unframeMessages(Buffer.from(bytes, "hex")), (e: unknown) => e instanceof GrpcError && e.code === GrpcStatus.INTERNAL && error.test(e.details), what);
  }
});

test("grpc-timeout has at most eight digits and a unit", () => {
  const cases: Array<[number, string]> = [
    [0, "0m"],
    [1, "1m"],
    [1.2, "2m"],
    [60_000, "60000m"],
    [99_999_999, "99999999m"],
    [100_000_000, "100000S"],
    [100_000_000_001, "27778H"],
    [-5, "0m"],
  ];
  for (const [ms, header] of cases) assert.equal(grpcTimeout(ms), header, String(ms));
});

test("grpc-message is percent-decoded UTF-8", () => {
  const cases: Array<[string, string]> = [
    ["plain", "plain"],
    ["not%20found%3A%20%C3%A4", "not found: ä"],
    ["100%", "100%"],
    ["%E0%A4%A", "%E0%A4%A"],
  ];
  for (const [raw, text] of cases) assert.equal(decodeGrpcMessage(raw), text, raw);
});

test("an HTTP status without grpc-status maps as the protocol says", () => {
  const cases: Array<[number, number]> = [
    [400, GrpcStatus.INTERNAL],
    [401, GrpcStatus.UNAUTHENTICATED],
    [403, GrpcStatus.PERMISSION_DENIED],
    [404, GrpcStatus.UNIMPLEMENTED],
    [429, GrpcStatus.UNAVAILABLE],
    [502, GrpcStatus.UNAVAILABLE],
    [503, GrpcStatus.UNAVAILABLE],
    [504, GrpcStatus.UNAVAILABLE],
    [500, GrpcStatus.UNKNOWN],
    [200, GrpcStatus.UNKNOWN],
  ];
  for (const [http, code] of cases) assert.equal(statusOfHttp(http), code, String(http));
});

test("grpc-status is read only when it is a number", () => {
  const cases: Array<[string | string[] | undefined, number | undefined]> = [
    ["0", 0],
    ["14", 14],
    [["5"], 5],
    [undefined, undefined],
    ["", undefined],
    ["ok", undefined],
  ];
  for (const [raw, code] of cases) assert.equal(parseGrpcStatus(raw), code, String(raw));
});

test("a GrpcError names its code", () => {
  const e = new GrpcError(GrpcStatus.NOT_FOUND, "no such container");
  assert.equal(e.message, "5 NOT_FOUND: no such container");
  assert.equal(e.details, "no such container");
});
