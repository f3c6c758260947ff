// A small etcd v3 client over gRPC: the KV calls the store uses (Range, Txn,
// Compact) and Watch streams, on one connection per endpoint with fail-over
// to the next endpoint when one cannot be reached.
import { Metadata, credentials, status as grpcStatus, Client } from "@grpc/grpc-js";
import type { ChannelCredentials, ClientDuplexStream, ServiceError } from "@grpc/grpc-js";
import { connectivityState } from "@grpc/grpc-js";
import type {
  CompactionRequest,
  CompactionResponse,
  RangeRequest,
  RangeResponse,
  TxnRequest,
  TxnResponse,
  WatchRequest,
  WatchResponse,
} from "./etcd-messages.ts";
import {
  decodeCompactionResponse,
  decodeRangeResponse,
  decodeTxnResponse,
  decodeWatchResponse,
  encodeCompactionRequest,
  encodeRangeRequest,
  encodeTxnRequest,
  encodeWatchRequest,
} from "./etcd-messages.ts";

export interface EtcdTlsOptions {
  /** PEM of the CA that signed the etcd server certificates; absent = the system's roots. */
  ca?: string | Buffer;
  /** PEM client certificate and key, for etcd's --client-cert-auth. */
  cert?: string | Buffer;
  key?: string | Buffer;
}

export interface EtcdClientOptions {
  /** "http://127.0.0.1:2379", "https://etcd-0:2379" or "host:port". */
  endpoints: string[];
  /** Given, or an https:// endpoint: connect with TLS. */
  tls?: EtcdTlsOptions;
  /** Deadline of one call, retries included. */
  requestTimeoutMs: number;
}

export class EtcdClientError extends Error {
  constructor(
    readonly reason: "InvalidEndpoint" | "Closed",
    message: string,
  ) {
    super(message);
    this.name = "EtcdClientError";
  }
}

export type WatchStream = ClientDuplexStream<WatchRequest, WatchResponse>;

/** Whether a call may be sent again after a failure that may have reached etcd. */
export type Idempotence = "idempotent" | "once";

const maxMessageBytes = 2 ** 31 - 1;
const flowControlWindowBytes = 16 * 1024 * 1024;
const firstRetryDelayMs = 25;
const maxRetryDelayMs = 500;

export class EtcdClient {
  readonly endpoints: readonly string[];
  private readonly targets: readonly string[];
  private readonly channelCredentials: ChannelCredentials;
  private readonly clients: (Client | undefined)[];
  private readonly requestTimeoutMs: number;
  private active = 0;
  private closed = false;

  constructor(options: EtcdClientOptions) {
    if (options.endpoints.length === 0) throw new EtcdClientError("InvalidEndpoint", "at least one etcd endpoint is needed");
    this.endpoints = [...options.endpoints];
    const parsed = options.endpoints.map(parseEndpoint);
    this.targets = parsed.map((endpoint) => endpoint.target);
    const secure = options.tls !== undefined || parsed.some((endpoint) => endpoint.secure);
    this.channelCredentials = secure
      ? credentials.createSsl(asBuffer(options.tls?.ca), asBuffer(options.tls?.key), asBuffer(options.tls?.cert))
      : credentials.createInsecure();
    this.clients = this.targets.map(() => undefined);
    this.requestTimeoutMs = options.requestTimeoutMs;
  }

  range(request: RangeRequest, deadlineMs = this.requestTimeoutMs): Promise<RangeResponse> {
    return this.unary("/etcdserverpb.KV/Range", encodeRangeRequest, decodeRangeResponse, request, "idempotent", deadlineMs);
  }

  txn(request: TxnRequest): Promise<TxnResponse> {
    return this.unary("/etcdserverpb.KV/Txn", encodeTxnRequest, decodeTxnResponse, request, "once", this.requestTimeoutMs);
  }

  compact(request: CompactionRequest): Promise<CompactionResponse> {
    return this.unary(
      "/etcdserverpb.KV/Compact",
      encodeCompactionRequest,
      decodeCompactionResponse,
      request,
      "idempotent",
      this.requestTimeoutMs,
    );
  }

  /**
   * A Watch stream on the current endpoint. It asks etcd to cancel the
   * stream when that member loses its leader, so a partitioned member never
   * keeps a watcher silently behind.
   */
  openWatchStream(): WatchStream {
    const metadata = new Metadata();
    metadata.set("hasleader", "true");
    return this.clientAt(this.pickEndpoint()).makeBidiStreamRequest(
      "/etcdserverpb.Watch/Watch",
      encodeWatchRequest,
      decodeWatchResponse,
      metadata,
    );
  }

  /** Moves later calls off an endpoint whose call or stream just failed. */
  failOver(): void {
    this.active = (this.active + 1) % this.targets.length;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const client of this.clients) client?.close();
  }

  private async unary<Request, Response>(
    method: string,
    encode: (request: Request) => Buffer,
    decode: (message: Buffer) => Response,
    request: Request,
    idempotence: Idempotence,
    timeoutMs: number,
  ): Promise<Response> {
    const deadline = Date.now() + timeoutMs;
    const maxAttempts = this.targets.length * 4;
    let delayMs = firstRetryDelayMs;
    for (let attempt = 1; ; attempt += 1) {
      const endpoint = this.pickEndpoint();
      try {
        return await new Promise<Response>((resolve, reject) => {
          this.clientAt(endpoint).makeUnaryRequest(method, encode, decode, request, { deadline }, (error, response) => {
            if (error !== null) reject(error);
            else if (response === undefined) reject(new Error(`${method}: empty response`));
            else resolve(response);
          });
        });
      } catch (error) {
        const retriable = isServiceError(error) && (isUnreachable(error) || (idempotence === "idempotent" && isTransient(error)));
        if (isServiceError(error) && isTransient(error) && endpoint === this.active) this.failOver();
        if (!retriable || this.closed || attempt >= maxAttempts || Date.now() + delayMs >= deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        delayMs = Math.min(delayMs * 2, maxRetryDelayMs);
      }
    }
  }

  /** The active endpoint, or the next one whose connection is not known to be failing. */
  private pickEndpoint(): number {
    if (this.closed) throw new EtcdClientError("Closed", "the etcd client is closed");
    for (let tried = 0; tried < this.targets.length; tried += 1) {
      const state = this.clientAt(this.active).getChannel().getConnectivityState(false);
      if (state !== connectivityState.TRANSIENT_FAILURE) return this.active;
      this.active = (this.active + 1) % this.targets.length;
    }
    return this.active;
  }

  private clientAt(index: number): Client {
    const existing = this.clients[index];
    if (existing !== undefined) return existing;
    const client = new Client(this.targets[index] as string, this.channelCredentials, {
      "grpc.max_receive_message_length": maxMessageBytes,
      "grpc.max_send_message_length": maxMessageBytes,
      // HTTP/2's default 64 KiB window, shared by every stream of the
      // connection, would let etcd send each watcher only a few events per
      // round trip; Go clients size their windows dynamically instead.
      "grpc-node.flow_control_window": flowControlWindowBytes,
      "grpc.initial_reconnect_backoff_ms": 100,
      "grpc.max_reconnect_backoff_ms": 1_000,
      // etcd refuses pings more often than every 5 s (--grpc-keepalive-min-time).
      "grpc.keepalive_time_ms": 30_000,
      "grpc.keepalive_timeout_ms": 10_000,
    });
    this.clients[index] = client;
    return client;
  }
}

export function isServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && typeof (error as Partial<ServiceError>).code === "number" && "details" in error;
}

/** The call failed before any byte reached etcd: safe to send again, writes included. */
export function isUnreachable(error: ServiceError): boolean {
  return error.code === grpcStatus.UNAVAILABLE && error.details.includes("No connection established");
}

/** A failure of the connection or of the cluster's leadership, not of the request. */
export function isTransient(error: ServiceError): boolean {
  return error.code === grpcStatus.UNAVAILABLE || error.code === grpcStatus.DEADLINE_EXCEEDED;
}

function parseEndpoint(endpoint: string): { target: string; secure: boolean } {
  const withScheme = /^[a-z]+:\/\//.test(endpoint) ? endpoint : `http://${endpoint}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new EtcdClientError("InvalidEndpoint", `not an etcd endpoint: ${endpoint}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new EtcdClientError("InvalidEndpoint", `etcd endpoint ${endpoint}: only http and https are supported`);
  }
  return { target: `${url.hostname}:${url.port || "2379"}`, secure: url.protocol === "https:" };
}

function asBuffer(pem: string | Buffer | undefined): Buffer | null {
  if (pem === undefined) return null;
  return typeof pem === "string" ? Buffer.from(pem) : pem;
}
