// The kubelet's HTTPS server: container logs, exec, attach, port-forward,
// stats and health. Only clients holding a certificate from the cluster CA
// (the API server) get in. exec/attach/port-forward upgrade to kubectl's
// protocols: WebSocket (channel.k8s.io v5/v4, or SPDY tunnelled for
// port-forward) or SPDY/3.1; the other end is the runtime's streaming server.
import https from "node:https";
import type http from "node:http";
import type { Duplex } from "node:stream";
import type { Runtime } from "../runtime/runtime.ts";
import { streamContainerLog, type LogRequest } from "./container-logs.ts";
import { authorized, flag, intParam, pathParts, refuseUpgrade, runningContainer, StreamRequestError } from "./request.ts";
import { selfSignedServingCert } from "./serving-cert.ts";
import { statsSummary } from "./stats-summary.ts";

export { StreamRequestError } from "./request.ts";

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

/** Starts serving; resolves with the bound port once listening. The server closes when signal aborts. */
export async function startKubeletServer(options: KubeletServerOptions, signal: AbortSignal): Promise<{ port: number; closed: Promise<void> }> {
  const tls = await selfSignedServingCert(options.nodeName, options.addresses);
  const server = https.createServer({ ...tls, ca: options.clientCa, requestCert: true, rejectUnauthorized: false }, (req, res) => void serveRequest(options, signal, req, res));
  const sockets = new Set<Duplex>();
  server.on("connection", (s: Duplex) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  // Stream upgrades load their code (SPDY, zlib, WebSocket) with the first one: an agent nobody execs into never carries it.
  let upgrades: Promise<(req: http.IncomingMessage, socket: Duplex, head: Buffer) => Promise<void>> | undefined;
  server.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => {});
    upgrades ??= import("./stream-upgrade.ts").then(({ upgradeHandler }) => upgradeHandler(options));
    void upgrades.then((serve) => serve(req, socket, head)).catch((e: unknown) => refuseUpgrade(socket, e));
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

