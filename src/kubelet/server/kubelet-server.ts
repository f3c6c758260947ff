// The kubelet's HTTPS server: container logs, exec, attach, port-forward,
// stats and health. Only clients holding a certificate from the cluster CA
// (the API server) get in. exec/attach/port-forward upgrade to kubectl's
// protocols: WebSocket (channel.k8s.io v5/v4, or SPDY tunnelled for
// port-forward) or SPDY/3.1; the other end is the runtime's streaming server.
import https from "node:https";
import type http from "node:http";
import type { Duplex } from "node:stream";
import type { TLSSocket } from "node:tls";
import type { WebSocketServer, WebSocket } from "ws";
import { SpdySession, type SpdyStream } from "../../streaming/spdy-session.ts";
import { containerNameLabel, podNameLabel, podNamespaceLabel } from "../runtime-labels.ts";
import type { Runtime } from "../runtime/runtime.ts";
import { streamContainerLog, type LogRequest } from "./container-logs.ts";
import { bridgeExecSpdy, failureStatus, spdyExecClient, webSocketExecClient, type ExecClient } from "./exec-stream.ts";
import { portForwardStreams } from "./port-forward.ts";
import { selfSignedServingCert } from "./serving-cert.ts";
import { statsSummary } from "./stats-summary.ts";

export interface KubeletServerOptions {
  port: number;
  /** Where to listen; default all addresses. */
  host?: string;
  /** PEM of the cluster CA: client certificates must chain to it. */
  clientCa: string;
  runtime: Runtime;
  logsRoot: string;
  nodeName: string;
  /** Addresses for the serving certificate. */
  addresses: readonly string[];
  log: (line: string) => void;
  logPollMs?: number;
}

export class StreamRequestError extends Error {
  readonly reason = "BadRequest" as const;
  constructor(
    message: string,
    readonly code = 400,
  ) {
    super(message);
  }
}

const execProtocols = ["v5.channel.k8s.io", "v4.channel.k8s.io", "channel.k8s.io"];
const tunnelledPortForward = "SPDY/3.1+portforward.k8s.io";
/**
 * kubectl's port-forward subprotocol has a "/", which the WebSocket library
 * refuses as a token: it is offered to the library under this stand-in and
 * answered under its real name.
 */
const tunnelledStandIn = "spdy-3.1-portforward.k8s.io";
const spdyExecVersions = ["v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io", "channel.k8s.io"];

/** Starts serving; resolves with the bound port once listening. The server closes when signal aborts. */
export async function startKubeletServer(options: KubeletServerOptions, signal: AbortSignal): Promise<{ port: number; closed: Promise<void> }> {
  const tls = await selfSignedServingCert(options.nodeName, options.addresses);
  const server = https.createServer({ ...tls, ca: options.clientCa, requestCert: true, rejectUnauthorized: false }, (req, res) => void serveRequest(options, signal, req, res));
  const sockets = new Set<Duplex>();
  server.on("connection", (s: Duplex) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  // The WebSocket library loads with the first WebSocket upgrade: an agent nobody execs into never carries it.
  let webSocketServer: Promise<WebSocketServer> | undefined;
  const webSockets = () =>
    (webSocketServer ??= import("ws").then(
      ({ WebSocketServer }) =>
        new WebSocketServer({
          noServer: true,
          handleProtocols: (offered) => (offered.has(tunnelledStandIn) ? tunnelledPortForward : (execProtocols.find((p) => offered.has(p)) ?? false)),
        }),
    ));
  server.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => {});
    void serveUpgrade(options, webSockets, req, socket, head).catch((e: unknown) => refuseUpgrade(socket, e));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;
  const closed = new Promise<void>((resolve) => {
    const stop = () => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    };
    if (signal.aborted) stop();
    else signal.addEventListener("abort", stop, { once: true });
  });
  return { port, closed };
}

function authorized(req: http.IncomingMessage): number | undefined {
  const socket = req.socket as TLSSocket;
  if (socket.authorized) return undefined;
  return Object.keys(socket.getPeerCertificate?.() ?? {}).length === 0 ? 401 : 403;
}

function pathParts(req: http.IncomingMessage): { parts: string[]; query: URLSearchParams } {
  const url = new URL(req.url ?? "/", "https://kubelet");
  return { parts: url.pathname.split("/").filter(Boolean).map(decodeURIComponent), query: url.searchParams };
}

const flag = (query: URLSearchParams, name: string) => ["true", "1"].includes(query.get(name) ?? "");

function intParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new StreamRequestError(`${name}: expected an integer, got ${JSON.stringify(raw)}`);
  return value;
}

export function logRequestOf(parts: string[], query: URLSearchParams, nowMs: number): LogRequest {
  const [, namespace, pod, container] = parts;
  if (namespace === undefined || pod === undefined || container === undefined) throw new StreamRequestError("expected /containerLogs/{namespace}/{pod}/{container}", 404);
  const sinceSeconds = intParam(query, "sinceSeconds");
  const sinceTime = query.get("sinceTime");
  const sinceMs = sinceSeconds !== undefined ? nowMs - sinceSeconds * 1000 : sinceTime ? Date.parse(sinceTime) : undefined;
  if (sinceMs !== undefined && Number.isNaN(sinceMs)) throw new StreamRequestError(`sinceTime: not an RFC 3339 time: ${JSON.stringify(sinceTime)}`);
  const tailLines = intParam(query, "tailLines");
  const limitBytes = intParam(query, "limitBytes");
  return {
    namespace,
    pod,
    container,
    previous: flag(query, "previous"),
    follow: flag(query, "follow"),
    timestamps: flag(query, "timestamps"),
    ...(tailLines !== undefined ? { tailLines } : {}),
    ...(limitBytes !== undefined ? { limitBytes } : {}),
    ...(sinceMs !== undefined ? { sinceMs } : {}),
  };
}

async function serveRequest(options: KubeletServerOptions, signal: AbortSignal, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const refused = authorized(req);
  if (refused !== undefined) {
    res.writeHead(refused, { "Content-Type": "text/plain" }).end(refused === 401 ? "Unauthorized\n" : "Forbidden: client certificate not signed by the cluster CA\n");
    return;
  }
  const { parts, query } = pathParts(req);
  try {
    switch (parts[0]) {
      case "healthz":
        res.writeHead(200, { "Content-Type": "text/plain" }).end("ok");
        return;
      case "containerLogs":
        return await serveLogs(options, signal, logRequestOf(parts, query, Date.now()), req, res);
      case "stats":
        if (parts[1] === "summary") {
          res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(await statsSummary(options.runtime, options.nodeName)));
          return;
        }
        break;
    }
    res.writeHead(404, { "Content-Type": "text/plain" }).end("404 page not found\n");
  } catch (e) {
    const code = e instanceof StreamRequestError ? e.code : hasReason(e, "LogNotFound") ? 404 : 500;
    if (!res.headersSent) res.writeHead(code, { "Content-Type": "text/plain" });
    res.end(e instanceof Error ? e.message : String(e));
  }
}

const hasReason = (e: unknown, reason: string) => typeof e === "object" && e !== null && (e as { reason?: unknown }).reason === reason;

async function serveLogs(options: KubeletServerOptions, signal: AbortSignal, request: LogRequest, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const gone = new AbortController();
  const stop = () => gone.abort();
  req.on("close", stop);
  res.on("close", stop);
  signal.addEventListener("abort", stop, { once: true });
  try {
    await streamContainerLog(
      options.logsRoot,
      request,
      (chunk) => {
        if (!res.headersSent) res.writeHead(200, { "Content-Type": "text/plain" });
        res.write(chunk);
      },
      { pollMs: options.logPollMs ?? 250, signal: gone.signal, stillWriting: async () => (await runningContainer(options.runtime, request.namespace, request.pod, request.container).catch(() => undefined)) !== undefined },
    );
    if (!res.headersSent) res.writeHead(200, { "Content-Type": "text/plain" });
    res.end();
  } finally {
    signal.removeEventListener("abort", stop);
  }
}

/** The newest running attempt of a pod's container. */
async function runningContainer(runtime: Runtime, namespace: string, pod: string, container: string): Promise<string | undefined> {
  const found = await runtime.listContainers({ state: "running", labels: { [podNamespaceLabel]: namespace, [podNameLabel]: pod, [containerNameLabel]: container } });
  return found.sort((a, b) => b.metadata.attempt - a.metadata.attempt)[0]?.id;
}

async function readySandbox(runtime: Runtime, namespace: string, pod: string): Promise<string | undefined> {
  const found = (await runtime.listPodSandboxes()).filter((s) => s.state === "ready" && s.metadata.namespace === namespace && s.metadata.name === pod);
  return found.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0]?.id;
}

function refuseUpgrade(socket: Duplex, e: unknown): void {
  const code = e instanceof StreamRequestError ? e.code : 500;
  const message = e instanceof Error ? e.message : String(e);
  const text = code === 401 ? "Unauthorized" : code === 403 ? "Forbidden" : code === 404 ? "Not Found" : code === 400 ? "Bad Request" : "Internal Server Error";
  socket.end(`HTTP/1.1 ${code} ${text}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(message)}\r\nConnection: close\r\n\r\n${message}`);
}

function headerList(req: http.IncomingMessage, name: string): string[] {
  const raw = req.headers[name];
  return (Array.isArray(raw) ? raw.join(",") : (raw ?? "")).split(",").map((s) => s.trim()).filter(Boolean);
}

/** Completes an SPDY/3.1 upgrade and runs a session over the socket. */
function acceptSpdy(socket: Duplex, head: Buffer, version: string, onStream: (stream: SpdyStream, session: SpdySession) => void): SpdySession {
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${version}\r\n\r\n`);
  const session: SpdySession = new SpdySession(
    (bytes) => socket.write(bytes),
    (stream) => onStream(stream, session),
    () => socket.end(),
  );
  const feed = (bytes: Buffer) => {
    try {
      session.receive(bytes);
    } catch {
      socket.destroy();
    }
  };
  if (head.length > 0) feed(head);
  socket.on("data", feed);
  return session;
}

async function serveUpgrade(options: KubeletServerOptions, webSockets: () => Promise<WebSocketServer>, req: http.IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  const refused = authorized(req);
  if (refused !== undefined) throw new StreamRequestError(refused === 401 ? "Unauthorized" : "client certificate not signed by the cluster CA", refused);
  const { parts, query } = pathParts(req);
  const kind = parts[0];
  const isWebSocket = (req.headers.upgrade ?? "").toLowerCase() === "websocket";
  const { runtime } = options;
  if (kind === "exec" || kind === "attach") {
    const [, namespace, pod, container] = parts;
    if (namespace === undefined || pod === undefined || container === undefined) throw new StreamRequestError(`expected /${kind}/{namespace}/{pod}/{container}`, 404);
    const command = query.getAll("command");
    if (kind === "exec" && command.length === 0) throw new StreamRequestError("you must specify at least 1 command");
    const tty = flag(query, "tty");
    const request = { stdin: flag(query, "stdin"), stdout: flag(query, "output") || flag(query, "stdout"), stderr: flag(query, "stderr") && !tty, tty };
    const containerId = await runningContainer(runtime, namespace, pod, container);
    if (containerId === undefined) throw new StreamRequestError(`container ${container} is not running in pod ${namespace}/${pod}`, 404);
    const runtimeUrl = () => (kind === "exec" ? runtime.exec({ containerId, cmd: command, ...request }) : runtime.attach({ containerId, ...request }));
    const start = (client: ExecClient) =>
      void runtimeUrl().then(
        (url) => bridgeExecSpdy(url, client, request),
        (e: unknown) => {
          client.status(failureStatus(e instanceof Error ? e.message : String(e)));
          client.close();
        },
      );
    if (isWebSocket) {
      (await webSockets()).handleUpgrade(req, socket, head, (ws: WebSocket) => {
        if (!execProtocols.includes(ws.protocol)) return ws.close(1002, "unsupported protocol");
        start(webSocketExecClient(ws));
      });
      return;
    }
    const version = spdyExecVersions.find((v) => headerList(req, "x-stream-protocol-version").includes(v));
    if (version === undefined) throw new StreamRequestError(`unable to upgrade: no common remotecommand protocol among ${headerList(req, "x-stream-protocol-version").join(", ")}`, 403);
    const expected = ["error", ...(request.stdin ? ["stdin"] : []), ...(request.stdout ? ["stdout"] : []), ...(request.stderr ? ["stderr"] : []), ...(tty ? ["resize"] : [])];
    const { client, accept, ready, closed } = spdyExecClient(expected);
    acceptSpdy(socket, head, version, (stream) => accept(stream));
    socket.on("close", closed);
    void ready.then(() => start(client));
    return;
  }
  if (kind === "portForward") {
    const [, namespace, pod] = parts;
    if (namespace === undefined || pod === undefined) throw new StreamRequestError("expected /portForward/{namespace}/{pod}", 404);
    const sandboxId = await readySandbox(runtime, namespace, pod);
    if (sandboxId === undefined) throw new StreamRequestError(`pod ${namespace}/${pod} has no running sandbox`, 404);
    const onStream = portForwardStreams((port) => runtime.portForward(sandboxId, [port]), options.log);
    if (isWebSocket) {
      const offered = headerList(req, "sec-websocket-protocol");
      req.headers["sec-websocket-protocol"] = offered.map((p) => (p === tunnelledPortForward ? tunnelledStandIn : p)).join(", ");
      (await webSockets()).handleUpgrade(req, socket, head, (ws: WebSocket) => {
        if (ws.protocol !== tunnelledPortForward) return ws.close(1002, "unsupported protocol");
        const session = new SpdySession((bytes) => ws.send(bytes), onStream, () => ws.close(1000));
        ws.on("message", (raw: Buffer) => {
          try {
            session.receive(Buffer.isBuffer(raw) ? raw : Buffer.from(raw));
          } catch {
            ws.terminate();
          }
        });
        ws.on("error", () => {});
      });
      return;
    }
    if (!headerList(req, "x-stream-protocol-version").includes("portforward.k8s.io")) throw new StreamRequestError("unable to upgrade: portforward.k8s.io not offered", 403);
    acceptSpdy(socket, head, "portforward.k8s.io", (stream) => onStream(stream));
    return;
  }
  throw new StreamRequestError("404 page not found", 404);
}
