// The transport against a local HTTP/2 server that misbehaves on purpose:
// GOAWAY, refused streams, dropped connections and a peer that stops reading.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import http2, { type Http2Server, type ServerHttp2Session, type ServerHttp2Stream, type IncomingHttpHeaders } from "node:http2";
import { execFile } from "node:child_process";
import { createServer, connect, type Socket } from "node:net";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Http2Transport, readText } from "./http2-transport.ts";
import { ClientConnectionError } from "./errors.ts";

type Handler = (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, sessionNumber: number) => void;

describe("Http2Transport", () => {
  let dir: string;
  let cert: string;
  let key: string;
  let server: Http2Server;
  let port: number;
  let handler: Handler;
  let sessions = 0;
  const serverSessions = new Set<ServerHttp2Session>();

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "skiff-h2-"));
    await promisify(execFile)("openssl", [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
      "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
      "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"),
    ]);
    cert = await readFile(join(dir, "cert.pem"), "utf8");
    key = await readFile(join(dir, "key.pem"), "utf8");
    server = http2.createSecureServer({ cert, key });
    server.on("session", (session) => {
      const number = ++sessions;
      serverSessions.add(session);
      session.on("close", () => serverSessions.delete(session));
      session.on("error", () => {});
      session.on("stream", (stream, headers) => {
        // Resets the tests provoke surface as stream errors on this side too.
        stream.on("error", () => {});
        handler(stream, headers, number);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as { port: number }).port;
  });
  after(async () => {
    for (const session of serverSessions) session.destroy();
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  const transport = (extra: { pingIdleMs?: number; pingTimeoutMs?: number } = {}) => new Http2Transport({ server: `https://127.0.0.1:${port}`, ca: cert, ...extra });
  const reply = (stream: ServerHttp2Stream, text: string) => {
    stream.respond({ ":status": 200 });
    stream.end(text);
  };

  test("answers carry status, headers and body; a path prefix is kept", async () => {
    handler = (stream, headers) => reply(stream, `${headers[":method"]} ${headers[":path"]}`);
    const client = new Http2Transport({ server: `https://127.0.0.1:${port}/prefix/`, ca: cert });
    try {
      const response = await client.request({ method: "POST", path: "/x?y=1", body: "{}" });
      assert.equal(response.status, 200);
      assert.equal(await readText(response.stream), "POST /prefix/x?y=1");
    } finally {
      client.close();
    }
  });

  test("after GOAWAY the next request opens a new session", async () => {
    const before = sessions;
    handler = (stream, _headers, number) => {
      reply(stream, String(number));
      stream.session?.goaway();
    };
    const client = transport();
    try {
      const first = await readText((await client.request({ method: "GET", path: "/" })).stream);
      await new Promise((r) => setTimeout(r, 50));
      const second = await readText((await client.request({ method: "GET", path: "/" })).stream);
      assert.notEqual(first, second);
      assert.equal(sessions - before, 2);
    } finally {
      client.close();
    }
  });

  test("a stream the server refused unprocessed is sent again once", async () => {
    let attempts = 0;
    handler = (stream) => {
      attempts++;
      if (attempts === 1) stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
      else reply(stream, "second try");
    };
    const client = transport();
    try {
      assert.equal(await readText((await client.request({ method: "GET", path: "/" })).stream), "second try");
      assert.equal(attempts, 2);
    } finally {
      client.close();
    }
  });

  test("a connection the server drops is replaced on the next request", async () => {
    handler = (stream) => {
      reply(stream, "ok");
      setTimeout(() => stream.session?.destroy(), 10);
    };
    const client = transport();
    try {
      await readText((await client.request({ method: "GET", path: "/" })).stream);
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(await readText((await client.request({ method: "GET", path: "/" })).stream), "ok");
    } finally {
      client.close();
    }
  });

  test("a reset stream fails with ClientConnectionError", async () => {
    handler = (stream) => stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
    const client = transport();
    try {
      await assert.rejects(client.request({ method: "GET", path: "/" }), ClientConnectionError);
    } finally {
      client.close();
    }
  });

  test("a request past its deadline is cancelled: no answer, or an answer whose body never ends", async () => {
    const opened: ServerHttp2Stream[] = [];
    handler = (stream, headers) => {
      opened.push(stream);
      if (headers[":path"] === "/headers-only") {
        stream.respond({ ":status": 200 });
        stream.write("partial");
      }
    };
    const client = transport();
    try {
      const started = Date.now();
      await assert.rejects(client.request({ method: "GET", path: "/silent", timeoutMs: 100 }), (e: unknown) => e instanceof ClientConnectionError && /no answer in 100 ms/.test(e.message));
      const waited = Date.now() - started;
      assert.ok(waited >= 90 && waited < 2000, `took ${waited} ms`);
      const response = await client.request({ method: "GET", path: "/headers-only", timeoutMs: 100 });
      await assert.rejects(readText(response.stream), ClientConnectionError);
      // A request that ends in time is left alone, and the sweep stops with nothing to watch.
      handler = (stream) => reply(stream, "in time");
      assert.equal(await readText((await client.request({ method: "GET", path: "/", timeoutMs: 5000 })).stream), "in time");
    } finally {
      client.close();
      for (const stream of opened) stream.destroy();
    }
  });

  test("a peer that stops answering pings is cut off and its open streams fail", async () => {
    handler = (stream) => {
      stream.respond({ ":status": 200 });
      stream.write("partial");
    };
    // A relay that, once told, silently drops everything both ways: a dead link.
    let dead = false;
    const relays: Socket[] = [];
    const relay = createServer((downstream) => {
      const upstream = connect(port, "127.0.0.1");
      relays.push(downstream, upstream);
      downstream.on("data", (d: Buffer) => dead || upstream.write(d));
      upstream.on("data", (d: Buffer) => dead || downstream.write(d));
      downstream.on("error", () => upstream.destroy());
      upstream.on("error", () => downstream.destroy());
    });
    await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
    const relayPort = (relay.address() as { port: number }).port;
    const client = new Http2Transport({ server: `https://127.0.0.1:${relayPort}`, ca: cert, pingIdleMs: 150, pingTimeoutMs: 150 });
    try {
      const response = await client.request({ method: "GET", path: "/watch" });
      dead = true;
      const started = Date.now();
      await assert.rejects(readText(response.stream), ClientConnectionError);
      assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
    } finally {
      client.close();
      for (const socket of relays) socket.destroy();
      await new Promise((resolve) => relay.close(resolve));
    }
  });
});
