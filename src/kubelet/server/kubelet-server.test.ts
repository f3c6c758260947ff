import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import https from "node:https";
import tls from "node:tls";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { ensurePki, type ClusterPki } from "../../apiserver/certs.ts";
import { SimulatedRuntime } from "../runtime/simulated/simulated-runtime.ts";
import { encodeFrame, SpdyFrameReader, type SpdyFrame } from "../../streaming/spdy-frames.ts";
import { SpdyHeaderCodec } from "../../streaming/spdy-header-codec.ts";
import { startKubeletServer } from "./kubelet-server.ts";

let dir: string;
let cluster: ClusterPki;
let foreign: ClusterPki;
let port: number;
const controller = new AbortController();
const runtime = new SimulatedRuntime();

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "skiff-kubelet-server-"));
  [cluster, foreign] = await Promise.all([ensurePki({ dir: join(dir, "pki"), serverNames: ["127.0.0.1"] }), ensurePki({ dir: join(dir, "other"), serverNames: ["127.0.0.1"] })]);
  const logs = join(dir, "logs", "default_talker_u1", "main");
  await mkdir(logs, { recursive: true });
  await writeFile(join(logs, "0.log"), "2026-01-01T00:00:01Z stdout F a\n2026-01-01T00:00:02Z stderr F b\n");
  await runtime.runPodSandbox({ metadata: { name: "web", namespace: "default", uid: "u2", attempt: 0 }, hostname: "web", logDirectory: "", portMappings: [], labels: {}, annotations: {}, linux: {} });
  const started = await startKubeletServer({ port: 0, host: "127.0.0.1", clientCa: cluster.ca.cert, runtime, logsRoot: join(dir, "logs"), nodeName: "n1", addresses: ["127.0.0.1"], log: () => {} }, controller.signal);
  port = started.port;
});

after(async () => {
  controller.abort();
  await rm(dir, { recursive: true, force: true });
});

function get(path: string, identity?: { cert: string; key: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get({ host: "127.0.0.1", port, path, rejectUnauthorized: false, ...(identity ?? {}) }, (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on("error", reject);
  });
}

/** A SPDY client of our own over an upgraded TLS connection. */
async function spdyClient(path: string, version: string): Promise<{ head: string; send: (f: SpdyFrame) => void; codec: SpdyHeaderCodec; next: () => Promise<SpdyFrame>; close: () => void }> {
  const socket = tls.connect({ host: "127.0.0.1", port, rejectUnauthorized: false, cert: cluster.admin.cert, key: cluster.admin.key });
  await new Promise((resolve) => socket.once("secureConnect", resolve));
  socket.write(`POST ${path} HTTP/1.1\r\nHost: n1\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${version}\r\nContent-Length: 0\r\n\r\n`);
  const reader = new SpdyFrameReader();
  const frames: SpdyFrame[] = [];
  const waiters: ((f: SpdyFrame) => void)[] = [];
  let buffered = Buffer.alloc(0);
  let head: string | undefined;
  let headSeen!: () => void;
  const headReady = new Promise<void>((resolve) => (headSeen = resolve));
  socket.on("data", (chunk: Buffer) => {
    let bytes = chunk;
    if (head === undefined) {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf("\r\n\r\n");
      if (end === -1) return;
      head = buffered.subarray(0, end).toString();
      bytes = buffered.subarray(end + 4);
      headSeen();
    }
    for (const f of reader.push(bytes)) {
      const waiter = waiters.shift();
      if (waiter) waiter(f);
      else frames.push(f);
    }
  });
  await headReady;
  return {
    head: head!,
    codec: new SpdyHeaderCodec(),
    send: (f) => socket.write(encodeFrame(f)),
    next: () => (frames.length > 0 ? Promise.resolve(frames.shift()!) : new Promise((resolve) => waiters.push(resolve))),
    close: () => socket.destroy(),
  };
}

describe("kubelet server", () => {
  test("only clients with a cluster CA certificate get in", async () => {
    assert.equal((await get("/healthz")).status, 401);
    assert.equal((await get("/healthz", foreign.admin)).status, 403);
    assert.deepEqual(await get("/healthz", cluster.admin), { status: 200, body: "ok" });
  });

  test("containerLogs answers with the log's lines and options applied; unknown containers 404", async () => {
    assert.deepEqual(await get("/containerLogs/default/talker/main", cluster.admin), { status: 200, body: "a\nb\n" });
    assert.deepEqual(await get("/containerLogs/default/talker/main?tailLines=1&timestamps=true", cluster.admin), { status: 200, body: "2026-01-01T00:00:02Z b\n" });
    assert.equal((await get("/containerLogs/default/talker/other", cluster.admin)).status, 404);
    assert.equal((await get("/containerLogs/default/talker/main?tailLines=x", cluster.admin)).status, 400);
  });

  test("stats/summary names the node and the pods with ready sandboxes", async () => {
    const summary = JSON.parse((await get("/stats/summary", cluster.admin)).body) as { node: { nodeName: string; memory: { availableBytes: number } }; pods: { podRef: { name: string } }[] };
    assert.equal(summary.node.nodeName, "n1");
    assert.ok(summary.node.memory.availableBytes > 0);
    assert.deepEqual(summary.pods.map((p) => p.podRef.name), ["web"]);
  });

  test("SPDY port-forward: streams are accepted, pings echoed, a runtime failure reported on the error stream", async () => {
    const client = await spdyClient("/portForward/default/web", "portforward.k8s.io");
    try {
      assert.match(client.head, /^HTTP\/1\.1 101/);
      assert.match(client.head, /X-Stream-Protocol-Version: portforward.k8s.io/i);
      client.send({ type: "synStream", streamId: 1, associatedId: 0, priority: 0, fin: false, unidirectional: false, headerBlock: client.codec.compress({ streamtype: "error", port: "80", requestid: "0" }) });
      client.send({ type: "data", streamId: 1, fin: true, data: Buffer.alloc(0) });
      client.send({ type: "synStream", streamId: 3, associatedId: 0, priority: 0, fin: false, unidirectional: false, headerBlock: client.codec.compress({ streamtype: "data", port: "80", requestid: "0" }) });
      client.send({ type: "ping", id: 1 });
      const seen: SpdyFrame[] = [];
      for (let i = 0; i < 6 && !seen.some((f) => f.type === "data" && f.streamId === 1 && f.fin); i++) seen.push(await client.next());
      assert.deepEqual(seen.filter((f) => f.type === "synReply").map((f) => f.type === "synReply" && [f.streamId, client.codec.decompress(f.headerBlock)]), [[1, {}], [3, {}]]);
      assert.ok(seen.some((f) => f.type === "ping" && f.id === 1));
      const error = seen.filter((f) => f.type === "data" && f.streamId === 1).map((f) => (f.type === "data" ? f.data.toString() : "")).join("");
      assert.match(error, /error forwarding port 80: the simulated runtime has no streaming server/);
    } finally {
      client.close();
    }
  });

  test("SPDY exec without a common protocol is refused with 403; exec of a container that is not running 404", async () => {
    const refused = await spdyClient("/exec/default/web/main?command=ls&stdout=true", "v9.channel.k8s.io");
    refused.close();
    assert.match(refused.head, /^HTTP\/1\.1 (403|404)/);
  });

  test("WebSocket port-forward answers kubectl's SPDY/3.1+portforward.k8s.io subprotocol by name", async () => {
    const handshake = async (protocol: string, identity: { cert: string; key: string }) => {
      const socket = tls.connect({ host: "127.0.0.1", port, rejectUnauthorized: false, ...identity });
      await new Promise((resolve) => socket.once("secureConnect", resolve));
      socket.write(`GET /portForward/default/web HTTP/1.1\r\nHost: n1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: ${protocol}\r\n\r\n`);
      const head = await new Promise<string>((resolve) => socket.once("data", (c: Buffer) => resolve(c.toString())));
      socket.destroy();
      return head;
    };
    const accepted = await handshake("SPDY/3.1+portforward.k8s.io", cluster.admin);
    assert.match(accepted, /^HTTP\/1\.1 101/);
    assert.match(accepted, /Sec-WebSocket-Protocol: SPDY\/3\.1\+portforward\.k8s\.io\r\n/i);
    assert.match(await handshake("SPDY/3.1+portforward.k8s.io", foreign.admin), /^HTTP\/1\.1 403/);
  });

  test("WebSocket exec (v5): a runtime failure arrives as a Failure Status on channel 3, then a normal close", async () => {
    const ws = new WebSocket(`wss://127.0.0.1:${port}/exec/default/web/main?command=ls&stdout=true`, ["v5.channel.k8s.io"], { rejectUnauthorized: false, ...cluster.admin });
    const outcome = await new Promise<string>((resolve) => {
      ws.on("unexpected-response", (_req, res) => resolve(`refused ${res.statusCode ?? 0}`));
      ws.on("error", (e) => resolve(`error ${e.message}`));
    });
    // The simulated runtime runs no container "main": the upgrade is refused before any stream.
    assert.equal(outcome, "refused 404");
  });
});
