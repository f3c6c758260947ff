import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { httpProbe, type HttpProbeTarget } from "./http-probe.ts";

let server: Server;
let port = 0;
let lastHeaders: IncomingHttpHeaders = {};

// /status/<code> answers that code; /redirect/<n> redirects n times then lands on /status/200;
// /elsewhere redirects to another host; /slow never answers.
function answer(path: string, headers: IncomingHttpHeaders): { status: number; location?: string; body?: string } | undefined {
  lastHeaders = headers;
  const status = /^\/status\/(\d+)$/.exec(path);
  if (status) return { status: Number(status[1]), body: `answered ${status[1]}` };
  const redirect = /^\/redirect\/(\d+)$/.exec(path);
  if (redirect) {
    const left = Number(redirect[1]);
    return { status: 302, location: left <= 1 ? "/status/200" : `/redirect/${left - 1}` };
  }
  if (path === "/redirect-to-failure") return { status: 307, location: `http://127.0.0.1:${port}/status/503` };
  if (path === "/elsewhere") return { status: 301, location: "http://other.invalid/", body: "moved" };
  if (path === "/big") return { status: 200, body: "x".repeat(50_000) };
  if (path === "/slow") return undefined;
  return { status: 404 };
}

before(async () => {
  server = createServer((req, res) => {
    const reply = answer(req.url ?? "/", req.headers);
    if (!reply) return;
    res.writeHead(reply.status, reply.location ? { location: reply.location } : {});
    res.end(reply.body ?? "");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const target = (path: string, headers: { name: string; value: string }[] = []): HttpProbeTarget => ({ scheme: "HTTP", host: "127.0.0.1", port, path, headers });

describe("httpProbe", () => {
  const cases: [string, string, "success" | "failure", RegExp][] = [
    ["200 is success", "/status/200", "success", /^answered 200$/],
    ["204 is success", "/status/204", "success", /^$/],
    ["399 is success", "/status/399", "success", /^answered 399$/],
    ["400 is failure", "/status/400", "failure", /^HTTP probe failed with statuscode: 400$/],
    ["500 is failure", "/status/500", "failure", /^HTTP probe failed with statuscode: 500$/],
    ["a 3xx without Location is success", "/status/304", "success", /^$/],
    ["same-host redirects are followed", "/redirect/3", "success", /^answered 200$/],
    ["a followed redirect ending in 503 is failure", "/redirect-to-failure", "failure", /^HTTP probe failed with statuscode: 503$/],
    ["too many redirects are failure", "/redirect/12", "failure", /stopped after 10 redirects$/],
    ["a redirect to another host is not followed and counts as success", "/elsewhere", "success", /^Probe terminated redirects, Response body: moved$/],
    ["a path without a leading slash gets one", "status/200", "success", /^answered 200$/],
  ];
  for (const [name, path, result, message] of cases) {
    test(name, async () => {
      const outcome = await httpProbe(target(path), 2_000);
      assert.equal(outcome.result, result);
      assert.match(outcome.message, message);
    });
  }

  test("the body kept is at most 10 KiB", async () => {
    const outcome = await httpProbe(target("/big"), 2_000);
    assert.equal(outcome.result, "success");
    assert.equal(outcome.message.length, 10 * 1024);
  });

  test("sends the probe's headers, a Host override and kube-probe's User-Agent", async () => {
    await httpProbe(target("/status/200", [{ name: "X-Custom", value: "yes" }, { name: "Host", value: "app.example" }]), 2_000);
    assert.equal(lastHeaders["x-custom"], "yes");
    assert.equal(lastHeaders.host, "app.example");
    assert.match(lastHeaders["user-agent"] ?? "", /^kube-probe\/\d+\.\d+$/);
    assert.equal(lastHeaders.accept, "*/*");
    await httpProbe(target("/status/200", [{ name: "User-Agent", value: "mine" }]), 2_000);
    assert.equal(lastHeaders["user-agent"], "mine");
  });

  test("a server that does not answer in time is a failure", async () => {
    const started = Date.now();
    const outcome = await httpProbe(target("/slow"), 200);
    assert.equal(outcome.result, "failure");
    assert.equal(outcome.message, `Get "http://127.0.0.1:${port}/slow": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`);
    assert.ok(Date.now() - started < 1_500);
  });

  test("a refused connection is a failure", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const outcome = await httpProbe({ ...target("/"), port: closedPort }, 1_000);
    assert.deepEqual(outcome, { result: "failure", message: `Get "http://127.0.0.1:${closedPort}/": dial tcp 127.0.0.1:${closedPort}: connect: connection refused` });
  });
});

let openssl = true;
try {
  execFileSync("openssl", ["version"], { stdio: "ignore" });
} catch {
  openssl = false;
}

describe("httpProbe over HTTPS", { skip: openssl ? false : "needs openssl to make a self-signed certificate" }, () => {
  test("does not verify the certificate", async () => {
    const dir = mkdtempSync(join(tmpdir(), "skiff-probe-tls-"));
    try {
      execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=probe-test", "-days", "1", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")], { stdio: "ignore" });
      const tls = createTlsServer({ key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) }, (_req, res) => res.end("secure"));
      await new Promise<void>((resolve) => tls.listen(0, "127.0.0.1", resolve));
      try {
        const outcome = await httpProbe({ scheme: "HTTPS", host: "127.0.0.1", port: (tls.address() as AddressInfo).port, path: "/", headers: [] }, 2_000);
        assert.deepEqual(outcome, { result: "success", message: "secure" });
      } finally {
        tls.closeAllConnections();
        await new Promise((resolve) => tls.close(resolve));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
