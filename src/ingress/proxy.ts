// The HTTP side of the ingress: answers each request from the current routing
// table like ingress-nginx does — 404 when no rule or default backend matches,
// 503 when the backend Service has no ready endpoint, 502 when no endpoint
// could be reached — and otherwise streams it to the next endpoint in round
// robin over kept-alive upstream connections. Requests without a body are
// tried on up to three endpoints (nginx's proxy_next_upstream on error), so a
// pod that just went away does not fail the client.
import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { routeRequest } from "./router.ts";
import { isAllowedUpstream, type RoutingTable, type ServiceBackend, type Upstream } from "./rules.ts";

export interface IngressProxyOptions {
  /** Address to listen on, e.g. "0.0.0.0". */
  host: string;
  /** 0: any free port (see ready). */
  port: number;
  /** Time to connect to an endpoint before trying the next one. */
  connectTimeoutMs?: number;
}

export class IngressListenError extends Error {
  readonly reason = "IngressListenError" as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "IngressListenError";
  }
}

// Connection-scoped headers a proxy must not pass on (RFC 9110 §7.6.1).
const hopByHop = new Set(["connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade"]);
const maxAttempts = 3;

function forwardableHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = new Set((headers.connection ?? "").split(",").map((h) => h.trim().toLowerCase()));
  const result: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !hopByHop.has(name) && !named.has(name)) result[name] = value;
  }
  return result;
}

function hasBody(req: IncomingMessage): boolean {
  return req.headers["transfer-encoding"] !== undefined || (req.headers["content-length"] !== undefined && req.headers["content-length"] !== "0");
}

function plain(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export class IngressProxy {
  private table: RoutingTable = { hosts: new Map() };
  private readonly nextIndex = new Map<string, number>();
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });
  private readonly server = createServer((req, res) => this.handle(req, res));
  private readonly connectTimeoutMs: number;
  private resolveReady!: (port: number) => void;
  private rejectReady!: (error: Error) => void;
  /** The port listened on, once listening. */
  readonly ready = new Promise<number>((resolve, reject) => {
    this.resolveReady = resolve;
    this.rejectReady = reject;
  });

  constructor(private readonly options: IngressProxyOptions) {
    this.connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
    this.ready.catch(() => {});
  }

  setTable(table: RoutingTable): void {
    this.table = table;
  }

  /** Serves until signal aborts; resolves once the listener and all connections are closed. */
  async start(signal: AbortSignal): Promise<void> {
    if (signal.aborted) {
      this.rejectReady(new IngressListenError("stopped before listening"));
      return;
    }
    const closed = new Promise<void>((resolve) => this.server.once("close", () => resolve()));
    try {
      await new Promise<void>((resolve, reject) => {
        this.server.once("error", reject);
        this.server.listen(this.options.port, this.options.host, () => {
          this.server.off("error", reject);
          resolve();
        });
      });
    } catch (e) {
      const error = new IngressListenError(`cannot listen on ${this.options.host}:${this.options.port}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { cause: e });
      this.rejectReady(error);
      throw error;
    }
    this.resolveReady((this.server.address() as AddressInfo).port);
    await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
    this.server.close();
    this.server.closeAllConnections();
    this.agent.destroy();
    await closed;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let path: string;
    try {
      path = new URL(req.url ?? "/", "http://ingress.invalid").pathname;
    } catch {
      plain(res, 400, "400 Bad Request\n");
      return;
    }
    const backend = routeRequest(this.table, req.headers.host, path);
    if (backend === undefined) {
      plain(res, 404, "404 page not found\n");
      return;
    }
    const upstreams = backend.upstreams.filter((u) => isAllowedUpstream(u.ip));
    if (upstreams.length === 0) {
      plain(res, 503, "503 Service Temporarily Unavailable\n");
      return;
    }
    const attempts = hasBody(req) ? 1 : Math.min(maxAttempts, upstreams.length);
    this.forward(req, res, backend, upstreams, attempts);
  }

  private pick(backend: ServiceBackend, upstreams: Upstream[]): Upstream {
    const index = (this.nextIndex.get(backend.key) ?? 0) % upstreams.length;
    this.nextIndex.set(backend.key, index + 1);
    return upstreams[index]!;
  }

  private forward(req: IncomingMessage, res: ServerResponse, backend: ServiceBackend, upstreams: Upstream[], attemptsLeft: number): void {
    const upstream = this.pick(backend, upstreams);
    const headers = forwardableHeaders(req.headers);
    const client = req.socket.remoteAddress ?? "";
    const priorFor = req.headers["x-forwarded-for"];
    headers["x-forwarded-for"] = priorFor === undefined ? client : `${String(priorFor)}, ${client}`;
    headers["x-forwarded-host"] = req.headers.host ?? "";
    headers["x-forwarded-proto"] = "http";
    headers["x-real-ip"] = client;
    const outgoing = httpRequest({ host: upstream.ip, port: upstream.port, method: req.method, path: req.url, headers, agent: this.agent });
    let answered = false;
    const connectTimer = setTimeout(() => outgoing.destroy(new Error(`connect to ${upstream.ip}:${upstream.port} timed out`)), this.connectTimeoutMs);
    outgoing.once("socket", (socket) => {
      if (!socket.connecting) clearTimeout(connectTimer);
      else socket.once("connect", () => clearTimeout(connectTimer));
    });
    outgoing.once("response", (answer) => {
      clearTimeout(connectTimer);
      answered = true;
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, forwardableHeaders(answer.headers));
      answer.pipe(res);
      answer.once("error", () => res.destroy());
    });
    outgoing.once("error", () => {
      clearTimeout(connectTimer);
      if (answered) {
        res.destroy();
        return;
      }
      if (attemptsLeft > 1 && !res.destroyed) this.forward(req, res, backend, upstreams, attemptsLeft - 1);
      else plain(res, 502, "502 Bad Gateway\n");
    });
    res.once("close", () => {
      if (!res.writableFinished) outgoing.destroy();
    });
    if (hasBody(req)) req.pipe(outgoing);
    else outgoing.end();
  }
}
