import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { createServer as createTcpServer, type AddressInfo } from "node:net";
import type { Container, Probe } from "kubernetes-types/core/v1";
import { RuntimeError, type ExecResult } from "../runtime/runtime.ts";
import { resolvePort, runProbe, type ProbeContext } from "./run-probe.ts";

let server: Server;
let port = 0;
let closedPort = 0;

before(async () => {
  server = createServer((req, res) => {
    res.writeHead(req.url === "/healthz" ? 200 : 500);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  const closed = createTcpServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  closedPort = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

// The runtime's exec as a probe sees it: each command names its exit code, or how it fails.
const execRuntime: ProbeContext["runtime"] = {
  async execSync(_containerId: string, cmd: string[], timeoutSeconds: number): Promise<ExecResult> {
    const [verb, arg] = cmd;
    if (verb === "exit") return { stdout: Buffer.from(`out-${arg}\n`), stderr: Buffer.from(""), exitCode: Number(arg) };
    if (verb === "chatty") return { stdout: Buffer.alloc(20_000, "o"), stderr: Buffer.from(""), exitCode: 1 };
    if (verb === "hang") throw new RuntimeError("DeadlineExceeded", `exec timed out after ${timeoutSeconds}s`);
    throw new RuntimeError("NotFound", "no such container");
  },
};
const context: ProbeContext = { runtime: execRuntime, policy: { podCidr: "10.42.0.0/16", nodeIPs: ["192.0.2.10"] } };

function container(): Container {
  return { name: "app", ports: [{ name: "http", containerPort: port }, { name: "closed", containerPort: closedPort }] };
}

describe("runProbe", () => {
  const cases: [string, () => Probe, string | undefined, "success" | "failure" | "unknown", RegExp][] = [
    ["httpGet on the pod IP with a named port", () => ({ httpGet: { port: "http", path: "/healthz" } }), "127.0.0.1", "success", /^$/],
    ["httpGet failing status", () => ({ httpGet: { port, path: "/other" } }), "127.0.0.1", "failure", /statuscode: 500/],
    ["httpGet with a numeric string port", () => ({ httpGet: { port: String(port), path: "/healthz" } }), "127.0.0.1", "success", /^$/],
    ["httpGet host overrides the pod IP", () => ({ httpGet: { host: "127.0.0.1", port, path: "/healthz" } }), "10.42.0.5", "success", /^$/],
    ["tcpSocket open", () => ({ tcpSocket: { port: "http" } }), "127.0.0.1", "success", /^$/],
    ["tcpSocket refused", () => ({ tcpSocket: { port: "closed" } }), "127.0.0.1", "failure", /^dial tcp 127\.0\.0\.1:\d+: connect: connection refused$/],
    ["a host outside the allowed networks is refused", () => ({ httpGet: { host: "203.0.113.9", port: 80 } }), "127.0.0.1", "failure", /^probe target "203\.0\.113\.9" refused/],
    ["a pod IP outside the pod network is refused", () => ({ tcpSocket: { port: 80 } }), "172.16.0.4", "failure", /^probe target "172\.16\.0\.4" refused/],
    ["an unknown named port", () => ({ tcpSocket: { port: "metrics" } }), "127.0.0.1", "unknown", /^couldn't find port: metrics in container app$/],
    ["no pod IP yet", () => ({ tcpSocket: { port: 80 } }), undefined, "unknown", /no IP/],
    ["exec exit 0", () => ({ exec: { command: ["exit", "0"] } }), undefined, "success", /^out-0\n$/],
    ["exec exit 1", () => ({ exec: { command: ["exit", "1"] } }), undefined, "failure", /^out-1\n$/],
    ["exec output is cut at 10 KiB", () => ({ exec: { command: ["chatty"] } }), undefined, "failure", /^o{10240}$/],
    ["exec timeout", () => ({ exec: { command: ["hang"] }, timeoutSeconds: 2 }), undefined, "failure", /^command "hang" timed out$/],
    ["exec runtime error", () => ({ exec: { command: ["vanish"] } }), undefined, "unknown", /no such container/],
    ["grpc is not supported", () => ({ grpc: { port: 9000 } }), "127.0.0.1", "unknown", /grpc probes are not supported/],
  ];
  for (const [name, probe, podIP, result, message] of cases) {
    test(name, async () => {
      const outcome = await runProbe(probe(), { container: container(), containerId: "c1", podIP }, context);
      assert.equal(outcome.result, result);
      assert.match(outcome.message, message);
    });
  }
});

describe("resolvePort", () => {
  const spec: Container = { name: "app", ports: [{ name: "web", containerPort: 8080 }] };
  const cases: [number | string, number | string][] = [
    [80, 80],
    ["web", 8080],
    ["9090", 9090],
    ["nope", "couldn't find port: nope in container app"],
    [0, "invalid port number: 0"],
    [70000, "invalid port number: 70000"],
  ];
  for (const [port, expected] of cases) {
    test(`${JSON.stringify(port)} → ${JSON.stringify(expected)}`, () => assert.equal(resolvePort(port, spec), expected));
  }
});
