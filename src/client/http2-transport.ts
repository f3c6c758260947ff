// HTTP/2 to one API server: one TLS session carries every request and watch as
// its own stream, so a component with dozens of informers holds one
// connection and one handshake instead of a socket per watch.
//
// Robustness: a session that closes, fails or receives GOAWAY is dropped and
// the next request opens a new one; a request the server refused unprocessed
// (GOAWAY's refused streams, a session gone before the stream started) is
// retried once on the new session. A session silent for pingIdleMs is pinged
// and destroyed when the ping gets no answer in pingTimeoutMs, so watches on a
// dead connection fail (and informers relist) instead of hanging. Sessions are
// unref'd while no stream is open, so an idle client never keeps a process alive.
//
// Request deadlines are kept in one table swept by one timer, not a timer (or
// AbortSignal.timeout) per request: at thousands of requests a second the
// per-request timers cost more than the rest of this file.
import { performance } from "node:perf_hooks";
import http2, { type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders } from "node:http2";
import tls from "node:tls";
import { ClientConnectionError, RequestAbortedError } from "./errors.ts";

export interface TransportOptions {
  /** Origin and optional path prefix, e.g. https://127.0.0.1:6443. */
  server: string;
  ca?: string;
  cert?: string;
  key?: string;
  insecureSkipTlsVerify?: boolean;
  tlsServerName?: string;
  pingIdleMs?: number;
  pingTimeoutMs?: number;
}

export interface TransportRequest {
  method: string;
  /** Path and query, after the server's path prefix. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /** Cancels the stream when it has not ended this long after the request (headers and body); 0 or absent: never. */
  timeoutMs?: number;
}

export interface TransportResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The response body; iterate it or call text(). Destroy it to stop early. */
  stream: ClientHttp2Stream;
}

const streamWindowBytes = 4 * 1024 * 1024;
const sessionWindowBytes = 32 * 1024 * 1024;

export class Http2Transport {
  private readonly origin: string;
  private readonly prefix: string;
  private session: ClientHttp2Session | undefined;
  private readonly openStreams = new Map<ClientHttp2Session, number>();
  /** Open streams with a deadline (performance.now() ms), swept by one timer. */
  private readonly deadlines = new Map<ClientHttp2Stream, number>();
  private readonly timedOut = new WeakSet<ClientHttp2Stream>();
  private sweeper: NodeJS.Timeout | undefined;
  private sweepEveryMs = Infinity;
  private closed = false;

  constructor(private readonly options: TransportOptions) {
    const url = new URL(options.server);
    this.origin = url.origin;
    this.prefix = url.pathname.replace(/\/+$/, "");
  }

  /** Sends a request; resolves once the response headers arrive. */
  async request(req: TransportRequest): Promise<TransportResponse> {
    if (req.signal?.aborted) throw new RequestAbortedError(`${req.method} ${req.path}: aborted`, { cause: req.signal.reason });
    try {
      return await this.attempt(req);
    } catch (e) {
      if (!(e instanceof UnprocessedRequest)) throw e;
      return await this.attempt(req).catch((again: unknown) => {
        throw again instanceof UnprocessedRequest ? new ClientConnectionError(`${req.method} ${req.path}: ${again.message}`, { cause: again.cause }) : again;
      });
    }
  }

  /** Closes the session; streams still open are ended. */
  close(): void {
    this.closed = true;
    if (this.sweeper !== undefined) clearInterval(this.sweeper);
    this.sweeper = undefined;
    this.session?.destroy();
    this.session = undefined;
  }

  private attempt(req: TransportRequest): Promise<TransportResponse> {
    const session = this.currentSession();
    const headers: http2.OutgoingHttpHeaders = { ":method": req.method, ":path": this.prefix + req.path };
    if (req.headers !== undefined) Object.assign(headers, req.headers);
    let stream: ClientHttp2Stream;
    try {
      stream = session.request(headers, { endStream: req.body === undefined });
    } catch (e) {
      // The session closed or got GOAWAY between our check and the call: nothing was sent.
      this.forget(session);
      return Promise.reject(new UnprocessedRequest("session unusable", e));
    }
    const timeoutMs = req.timeoutMs ?? 0;
    if (timeoutMs > 0) this.setDeadline(stream, timeoutMs);
    if (req.body !== undefined) stream.end(req.body);
    return new Promise<TransportResponse>((resolve, reject) => {
      let answered = false;
      const signal = req.signal;
      const onAbort = signal === undefined ? undefined : () => stream.close(http2.constants.NGHTTP2_CANCEL);
      if (onAbort !== undefined) signal!.addEventListener("abort", onAbort, { once: true });
      const failure = (e?: NodeJS.ErrnoException): Error => {
        if (signal?.aborted) return new RequestAbortedError(`${req.method} ${req.path}: aborted`, { cause: signal.reason });
        if (this.timedOut.has(stream)) return new ClientConnectionError(`${req.method} ${req.path}: no answer in ${timeoutMs} ms`, { cause: e });
        if (stream.rstCode === http2.constants.NGHTTP2_REFUSED_STREAM || e?.code === "ERR_HTTP2_GOAWAY_SESSION") return new UnprocessedRequest("refused by the server", e);
        if (e !== undefined) return new ClientConnectionError(`${req.method} ${req.path}: ${e.message}`, { cause: e });
        return new ClientConnectionError(`${req.method} ${req.path}: stream closed before a response (code ${stream.rstCode})`);
      };
      this.track(session, stream, () => {
        if (onAbort !== undefined) signal!.removeEventListener("abort", onAbort);
        if (!answered) reject(failure());
      });
      stream.once("response", (responseHeaders) => {
        answered = true;
        resolve({ status: Number(responseHeaders[":status"] ?? 0), headers: responseHeaders, stream });
      });
      stream.on("error", (e: NodeJS.ErrnoException) => {
        if (answered) return;
        answered = true;
        reject(failure(e));
      });
    });
  }

  private setDeadline(stream: ClientHttp2Stream, timeoutMs: number): void {
    this.deadlines.set(stream, performance.now() + timeoutMs);
    // A tenth of the timeout, so a deadline is late by at most 10 %.
    const every = Math.min(1000, Math.max(5, Math.floor(timeoutMs / 10)));
    if (this.sweeper !== undefined && every >= this.sweepEveryMs) return;
    if (this.sweeper !== undefined) clearInterval(this.sweeper);
    this.sweepEveryMs = every;
    this.sweeper = setInterval(() => this.sweep(), every);
    this.sweeper.unref();
  }

  private sweep(): void {
    const now = performance.now();
    for (const [stream, deadline] of this.deadlines) {
      if (deadline > now) continue;
      this.deadlines.delete(stream);
      this.timedOut.add(stream);
      stream.close(http2.constants.NGHTTP2_CANCEL);
    }
    if (this.deadlines.size === 0 && this.sweeper !== undefined) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
      this.sweepEveryMs = Infinity;
    }
  }

  private currentSession(): ClientHttp2Session {
    if (this.closed) throw new ClientConnectionError("the client was closed");
    const existing = this.session;
    if (existing !== undefined && !existing.closed && !existing.destroyed) return existing;
    const url = new URL(this.origin);
    const session = http2.connect(this.origin, {
      settings: { initialWindowSize: streamWindowBytes, enablePush: false },
      createConnection: () => {
        const socket = tls.connect({
          host: url.hostname.replace(/^\[|\]$/g, ""),
          port: Number(url.port || 443),
          ALPNProtocols: ["h2"],
          ca: this.options.ca,
          cert: this.options.cert,
          key: this.options.key,
          rejectUnauthorized: this.options.insecureSkipTlsVerify !== true,
          servername: this.options.tlsServerName ?? serverNameOf(url.hostname),
        });
        // Small request frames must not wait for Nagle's algorithm: it costs a
        // sequential caller about 40% of its request rate.
        socket.setNoDelay(true);
        return socket;
      },
    });
    session.once("connect", () => session.setLocalWindowSize(sessionWindowBytes));
    // Errors reach the streams; without a listener a session error would crash the process.
    session.on("error", () => this.forget(session));
    session.once("goaway", () => this.forget(session));
    session.once("close", () => {
      this.forget(session);
      this.openStreams.delete(session);
    });
    this.watchHealth(session);
    session.unref();
    this.session = session;
    this.openStreams.set(session, 0);
    return session;
  }

  private forget(session: ClientHttp2Session): void {
    if (this.session === session) this.session = undefined;
  }

  /** Counts the stream as open until it closes, then calls onClose. */
  private track(session: ClientHttp2Session, stream: ClientHttp2Stream, onClose: () => void): void {
    const count = (this.openStreams.get(session) ?? 0) + 1;
    this.openStreams.set(session, count);
    if (count === 1) session.ref();
    stream.once("close", () => {
      this.deadlines.delete(stream);
      onClose();
      const left = (this.openStreams.get(session) ?? 1) - 1;
      this.openStreams.set(session, left);
      if (left === 0 && !session.destroyed) session.unref();
    });
  }

  private watchHealth(session: ClientHttp2Session): void {
    const idleMs = this.options.pingIdleMs ?? 30_000;
    const timeoutMs = this.options.pingTimeoutMs ?? 15_000;
    session.setTimeout(idleMs, () => {
      if (session.destroyed || session.closed) return;
      const deadline = setTimeout(() => session.destroy(new ClientConnectionError(`no ping answer from ${this.origin} in ${timeoutMs} ms`)), timeoutMs);
      deadline.unref();
      const sent = session.ping((err) => {
        clearTimeout(deadline);
        if (err && !session.destroyed) session.destroy(new ClientConnectionError(`ping to ${this.origin} failed`, { cause: err }));
      });
      if (!sent) clearTimeout(deadline);
    });
  }
}

/** Reads a whole response body as text. */
export function readText(stream: ClientHttp2Stream): Promise<string> {
  // Plain listeners: an async iterator costs a sequential caller a tenth of its rate.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    // Most answers are one DATA frame: no copy into a new buffer for those.
    stream.once("end", () => {
      // A stream reset by either side ends its readable side too: that is a broken body, not a short one.
      const code = stream.rstCode;
      if (code !== undefined && code !== http2.constants.NGHTTP2_NO_ERROR) reject(new ClientConnectionError(`response body broke off (stream code ${code})`));
      else resolve(chunks.length === 1 ? (chunks[0] as Buffer).toString("utf8") : Buffer.concat(chunks).toString("utf8"));
    });
    stream.once("error", (e) => reject(new ClientConnectionError(`response body broke off: ${e.message}`, { cause: e })));
    stream.once("close", () => {
      if (!stream.readableEnded) reject(new ClientConnectionError(`response body broke off (stream code ${stream.rstCode})`));
    });
  });
}

/** A request that provably never reached a handler, so sending it again is safe. */
class UnprocessedRequest extends Error {
  readonly reason = "Unprocessed" as const;

  constructor(message: string, cause?: unknown) {
    super(message, { cause });
  }
}

function serverNameOf(host: string): string | undefined {
  // SNI carries host names only, never IP addresses.
  return /^[\d.]+$|^\[/.test(host) ? undefined : host;
}
