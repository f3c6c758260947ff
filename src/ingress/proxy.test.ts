import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, request, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { IngressProxy } from "./proxy.ts";
import type { Route, RoutingTable, ServiceBackend, Upstream } from "./rules.ts";

interface Seen {
  name: string;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const seen: Seen[] = [];
const connections = new Map<string, number>();
const upstreamServers: Server[] = [];

async function upstream(name: string): Promise<Upstream> {
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      seen.push({ name, method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      res.writeHead(200, { "content-type": "text/plain", "x-upstream": name });
      res.end(`${name} ${body.length}`);
    });
  });
  server.on("connection", () => connections.set(name, (connections.get(name) ?? 0) + 1));
  upstreamServers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { ip: "127.0.0.1", port: (server.address() as AddressInfo).port };
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<Upstream> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { ip: "127.0.0.1", port };
}

function send(port: number, options: { host: string; path: string; method?: string; body?: string; headers?: Record<string, string> }): Promise<{ status: number; body: string; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: options.path, method: options.method ?? "GET", headers: { host: options.host, ...options.headers } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on("error", reject);
    if (options.body !== undefined) {
      // Two writes: the body streams through in chunks.
      req.write(options.body.slice(0, 5));
      req.end(options.body.slice(5));
    } else req.end();
  });
}

const backend = (name: string, upstreams: Upstream[]): ServiceBackend => ({ key: `default/${name}:80`, namespace: "default", service: name, upstreams });
const prefix = (path: string, target: ServiceBackend): Route => ({ match: "Prefix", path, backend: target, ingress: "default/test" });

describe("IngressProxy", () => {
  const controller = new AbortController();
  const proxy = new IngressProxy({ host: "127.0.0.1", port: 0, connectTimeoutMs: 1_000 });
  let stopped: Promise<void>;
  let port: number;

  before(async () => {
    const a = await upstream("a");
    const b = await upstream("b");
    const dead = await closedPort();
    const table: RoutingTable = {
      hosts: new Map([
        ["web.example", [prefix("", backend("web", [a, b])), prefix("/empty", backend("empty", [])), prefix("/dead", backend("dead", [dead])), prefix("/half", backend("half", [dead, a]))]],
        ["outside.example", [prefix("", backend("outside", [{ ip: "192.0.2.1", port: 80 }]))]],
      ]),
    };
    proxy.setTable(table);
    stopped = proxy.start(controller.signal);
    port = await proxy.ready;
  });

  after(async () => {
    controller.abort();
    await stopped;
    for (const server of upstreamServers) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  test("round robin over the endpoints, with the path and query passed on and X-Forwarded headers set", async () => {
    seen.length = 0;
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await send(port, { host: "web.example:8080", path: `/page?i=${i}`, headers: { "x-forwarded-for": "203.0.113.9" } }));
    assert.deepEqual(answers.map((a) => [a.status, a.headers["x-upstream"]]), [[200, "a"], [200, "b"], [200, "a"], [200, "b"]]);
    assert.deepEqual(seen.map((s) => s.url), ["/page?i=0", "/page?i=1", "/page?i=2", "/page?i=3"]);
    const first = seen[0]!;
    assert.equal(first.headers.host, "web.example:8080");
    assert.equal(first.headers["x-forwarded-host"], "web.example:8080");
    assert.equal(first.headers["x-forwarded-proto"], "http");
    assert.equal(first.headers["x-forwarded-for"], "203.0.113.9, 127.0.0.1");
  });

  test("upstream connections are kept alive across requests", async () => {
    const before = (connections.get("a") ?? 0) + (connections.get("b") ?? 0);
    for (let i = 0; i < 6; i++) await send(port, { host: "web.example", path: "/" });
    const opened = (connections.get("a") ?? 0) + (connections.get("b") ?? 0) - before;
    assert.ok(opened <= 2, `opened ${opened} new upstream connections for 6 sequential requests`);
  });

  test("a request body streams through to the endpoint", async () => {
    seen.length = 0;
    const body = "hello ingress, this is a streamed body";
    const answer = await send(port, { host: "web.example", path: "/upload", method: "POST", body });
    assert.equal(answer.status, 200);
    assert.equal(seen[0]?.body, body);
    assert.equal(seen[0]?.method, "POST");
  });

  const statusCases: Array<[string, string, string, number]> = [
    ["no matching host and no default backend: 404", "unknown.example", "/", 404],
    ["a backend without ready endpoints: 503", "web.example", "/empty/x", 503],
    ["no endpoint reachable: 502", "web.example", "/dead", 502],
    ["an endpoint outside the pod network is never contacted: 503", "outside.example", "/", 503],
  ];
  for (const [name, host, path, status] of statusCases) {
    test(name, async () => assert.equal((await send(port, { host, path })).status, status));
  }

  test("a GET that fails to connect is retried on the next endpoint", async () => {
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await send(port, { host: "web.example", path: "/half" }));
    assert.deepEqual(answers.map((a) => a.status), [200, 200, 200, 200]);
    assert.ok(answers.every((a) => a.headers["x-upstream"] === "a"));
  });

  test("the table can be swapped while serving", async () => {
    proxy.setTable({ hosts: new Map(), defaultBackend: backend("web", [await upstream("c")]) });
    const answer = await send(port, { host: "anything", path: "/x" });
    assert.equal(answer.headers["x-upstream"], "c");
  });
});
