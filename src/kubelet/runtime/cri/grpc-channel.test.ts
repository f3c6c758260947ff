// The channel against an independent gRPC server (@grpc/grpc-js, which the
// etcd backend depends on anyway) and, for the corners grpc-js does not
// produce, a bare HTTP/2 server. Both on unix sockets in a temp folder.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import http2 from "node:http2";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { GrpcChannel } from "./grpc-channel.ts";
import { GrpcError, GrpcStatus, frameMessage } from "./grpc-wire.ts";

const identity = (b: Buffer) => b;
const method = (path: string) => ({ path, requestStream: false, responseStream: false, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity });
const service = {
  Reverse: method("/test.Test/Reverse"),
  Fail: method("/test.Test/Fail"),
  Hang: method("/test.Test/Hang"),
  Big: method("/test.Test/Big"),
};

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "skiff-grpc-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function startGrpcServer(socket: string): Promise<grpc.Server> {
  const server = new grpc.Server();
  const hanging: Array<() => void> = [];
  server.addService(service, {
    Reverse: (call: grpc.ServerUnaryCall<Buffer, Buffer>, done: grpc.sendUnaryData<Buffer>) => done(null, Buffer.from(call.request).reverse()),
    Fail: (call: grpc.ServerUnaryCall<Buffer, Buffer>, done: grpc.sendUnaryData<Buffer>) => done({ code: grpc.status.NOT_FOUND, details: `no such thing: ${call.request.toString()}` }),
    Hang: (call: grpc.ServerUnaryCall<Buffer, Buffer>, done: grpc.sendUnaryData<Buffer>) => hanging.push(() => done(null, Buffer.alloc(0))),
    Big: (call: grpc.ServerUnaryCall<Buffer, Buffer>, done: grpc.sendUnaryData<Buffer>) => done(null, Buffer.alloc(Number(call.request.toString()))),
  });
  await new Promise<void>((resolve, reject) => server.bindAsync(`unix://${socket}`, grpc.ServerCredentials.createInsecure(), (e) => (e ? reject(e) : resolve())));
  return server;
}

const failsWith = (code: number, details?: RegExp) => (e: unknown) => e instanceof GrpcError && e.code === code && (details === undefined || details.test(e.details));

describe("against a grpc-js server", () => {
  let socket: string;
  let server: grpc.Server;
  let channel: GrpcChannel;
  before(async () => {
    socket = join(dir, "grpc.sock");
    server = await startGrpcServer(socket);
    channel = new GrpcChannel(socket, { maxReceiveBytes: 1024 });
  });
  after(() => {
    channel.close();
    server.forceShutdown();
  });

  test("a unary call sends the request and returns the response", async () => {
    assert.equal((await channel.unary("/test.Test/Reverse", Buffer.from("abc"), 5000)).toString(), "cba");
    // Concurrent calls share the connection.
    const answers = await Promise.all(["1", "22", "333", ""].map((s) => channel.unary("/test.Test/Reverse", Buffer.from(s), 5000)));
    assert.deepEqual(answers.map(String), ["1", "22", "333", ""]);
  });

  test("an error status arrives with its code and its (UTF-8) message", async () => {
    await assert.rejects(channel.unary("/test.Test/Fail", Buffer.from("ä x"), 5000), failsWith(GrpcStatus.NOT_FOUND, /^no such thing: ä x$/));
  });

  test("an unknown method is UNIMPLEMENTED", async () => {
    await assert.rejects(channel.unary("/test.Test/Nope", Buffer.alloc(0), 5000), failsWith(GrpcStatus.UNIMPLEMENTED));
  });

  test("a call past its deadline fails with DEADLINE_EXCEEDED", async () => {
    const started = Date.now();
    await assert.rejects(channel.unary("/test.Test/Hang", Buffer.alloc(0), 200), failsWith(GrpcStatus.DEADLINE_EXCEEDED));
    assert.ok(Date.now() - started < 3000, "gave up near the deadline");
    // The connection still serves later calls.
    assert.equal((await channel.unary("/test.Test/Reverse", Buffer.from("ok"), 5000)).toString(), "ko");
  });

  test("a response over the size limit is RESOURCE_EXHAUSTED; one at the limit passes", async () => {
    assert.equal((await channel.unary("/test.Test/Big", Buffer.from("1024"), 5000)).length, 1024);
    await assert.rejects(channel.unary("/test.Test/Big", Buffer.from("4096"), 5000), failsWith(GrpcStatus.RESOURCE_EXHAUSTED));
  });

  test("after the server restarts, the channel reconnects", async () => {
    server.forceShutdown();
    await assert.rejects(channel.unary("/test.Test/Reverse", Buffer.from("x"), 2000), failsWith(GrpcStatus.UNAVAILABLE));
    await rm(socket, { force: true });
    server = await startGrpcServer(socket);
    assert.equal((await channel.unary("/test.Test/Reverse", Buffer.from("xy"), 5000)).toString(), "yx");
  });
});

test("a socket nobody listens on is UNAVAILABLE, and so is a closed channel", async () => {
  const channel = new GrpcChannel(join(dir, "nobody.sock"));
  await assert.rejects(channel.unary("/test.Test/Reverse", Buffer.alloc(0), 2000), failsWith(GrpcStatus.UNAVAILABLE));
  channel.close();
  await assert.rejects(channel.unary("/test.Test/Reverse", Buffer.alloc(0), 2000), failsWith(GrpcStatus.UNAVAILABLE, /closed/));
});

describe("against a bare HTTP/2 server", () => {
  const seen: http2.IncomingHttpHeaders[] = [];
  let server: http2.Http2Server;
  let channel: GrpcChannel;
  before(async () => {
    const socket = join(dir, "h2.sock");
    server = http2.createServer();
    server.on("stream", (stream, headers) => {
      seen.push(headers);
      stream.on("error", () => {});
      stream.on("data", () => {});
      stream.on("end", () => {
        switch (headers[":path"]) {
          case "/t/trailers-only":
            stream.respond({ ":status": 200, "content-type": "application/grpc", "grpc-status": "7", "grpc-message": "denied%20here" }, { endStream: true });
            return;
          case "/t/http-503":
            stream.respond({ ":status": 503 }, { endStream: true });
            return;
          case "/t/no-message":
            stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
            stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
            stream.end();
            return;
          case "/t/split":
            // One message in several DATA frames, then the status.
            stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
            stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
            for (const piece of [frameMessage(Buffer.from("hello")).subarray(0, 3), frameMessage(Buffer.from("hello")).subarray(3)]) stream.write(piece);
            stream.end();
            return;
          case "/t/reset":
            stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
            return;
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    channel = new GrpcChannel(socket);
  });
  after(async () => {
    channel.close();
    await new Promise((resolve) => server.close(resolve));
  });

  test("requests carry gRPC's headers and one framed message", async () => {
    await assert.rejects(channel.unary("/t/trailers-only", Buffer.from("q"), 1500));
    const headers = seen.at(-1)!;
    assert.equal(headers[":method"], "POST");
    assert.equal(headers["content-type"], "application/grpc");
    assert.equal(headers["te"], "trailers");
    assert.match(String(headers["grpc-timeout"]), /^1500m$/);
  });

  test("responses without a regular status end as the protocol says", async () => {
    const cases: Array<[string, (e: unknown) => boolean]> = [
      ["/t/trailers-only", failsWith(GrpcStatus.PERMISSION_DENIED, /^denied here$/)],
      ["/t/http-503", failsWith(GrpcStatus.UNAVAILABLE, /HTTP status 503/)],
      ["/t/no-message", failsWith(GrpcStatus.UNIMPLEMENTED, /expected one response message, got 0/)],
      ["/t/reset", failsWith(GrpcStatus.INTERNAL, /error code 2/)],
    ];
    for (const [path, check] of cases) await assert.rejects(channel.unary(path, Buffer.alloc(0), 5000), check, path);
  });

  test("a message split over DATA frames is joined", async () => {
    assert.equal((await channel.unary("/t/split", Buffer.alloc(0), 5000)).toString(), "hello");
  });
});
