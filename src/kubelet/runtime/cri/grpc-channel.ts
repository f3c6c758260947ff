// Unary gRPC calls over one HTTP/2 connection to a unix socket (node:http2):
// the request is one framed message, the answer one framed message and a
// grpc-status in the trailers (or a trailers-only error response). The
// connection opens on first use, reopens after it drops, and holds the
// process open only while calls are in flight.
import http2 from "node:http2";
import net from "node:net";
import { decodeGrpcMessage, frameMessage, GrpcError, GrpcStatus, grpcTimeout, parseGrpcStatus, statusOfHttp, unframeMessages } from "./grpc-wire.ts";

export interface GrpcChannelOptions {
  /** Largest response message accepted (RESOURCE_EXHAUSTED beyond). */
  maxReceiveBytes?: number;
}

const { NGHTTP2_CANCEL, NGHTTP2_REFUSED_STREAM } = http2.constants;

export class GrpcChannel {
  private session: http2.ClientHttp2Session | undefined;
  private inFlight = 0;
  private closed = false;
  private readonly maxReceiveBytes: number;

  constructor(
    private readonly socketPath: string,
    options: GrpcChannelOptions = {},
  ) {
    this.maxReceiveBytes = options.maxReceiveBytes ?? 4 * 1024 * 1024;
  }

  private connection(): http2.ClientHttp2Session {
    const current = this.session;
    if (current !== undefined && !current.closed && !current.destroyed) return current;
    const session = http2.connect("http://localhost", { createConnection: () => net.connect(this.socketPath) });
    // Failures reach the calls through their streams; an idle connection that fails is just dropped.
    session.on("error", () => {});
    const forget = () => {
      if (this.session === session) this.session = undefined;
    };
    session.on("close", forget);
    session.on("goaway", forget);
    if (this.inFlight === 0) session.unref();
    this.session = session;
    return session;
  }

  /** Calls path ("/package.Service/Method") with an encoded request; resolves with the encoded response. */
  unary(path: string, request: Uint8Array, timeoutMs: number): Promise<Buffer> {
    if (this.closed) return Promise.reject(new GrpcError(GrpcStatus.UNAVAILABLE, "channel closed"));
    return new Promise<Buffer>((resolve, reject) => {
      let session: http2.ClientHttp2Session;
      let stream: http2.ClientHttp2Stream;
      try {
        session = this.connection();
        stream = session.request(
          { ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers", "grpc-timeout": grpcTimeout(timeoutMs), "user-agent": "skiff-cri-client" },
          { endStream: false },
        );
      } catch (e) {
        // The connection ran out of stream ids or was closing: the next call opens a new one.
        this.session = undefined;
        reject(new GrpcError(GrpcStatus.UNAVAILABLE, e instanceof Error ? e.message : String(e)));
        return;
      }
      if (this.inFlight++ === 0) session.ref();
      let settled = false;
      let httpStatus: number | undefined;
      let contentType = "";
      let grpcStatus: number | undefined;
      let grpcMessage = "";
      let streamError: Error | undefined;
      const chunks: Buffer[] = [];
      let received = 0;

      const finish = (error: GrpcError | undefined, response?: Buffer) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        if (--this.inFlight === 0) {
          if (!session.destroyed) session.unref();
          if (this.session !== undefined && !this.session.destroyed) this.session.unref();
        }
        if (error !== undefined) reject(error);
        else resolve(response!);
      };
      const deadline = setTimeout(() => {
        stream.close(NGHTTP2_CANCEL);
        finish(new GrpcError(GrpcStatus.DEADLINE_EXCEEDED, `deadline of ${timeoutMs} ms exceeded`));
      }, timeoutMs);

      const readStatus = (headers: http2.IncomingHttpHeaders) => {
        const status = parseGrpcStatus(headers["grpc-status"]);
        if (status === undefined) return;
        grpcStatus = status;
        const message = headers["grpc-message"];
        grpcMessage = decodeGrpcMessage(typeof message === "string" ? message : "");
      };
      stream.on("response", (headers) => {
        httpStatus = Number(headers[":status"]);
        contentType = String(headers["content-type"] ?? "");
        // A trailers-only response carries the status in its headers.
        readStatus(headers);
      });
      stream.on("trailers", readStatus);
      stream.on("data", (chunk: Buffer) => {
        received += chunk.length;
        if (received > this.maxReceiveBytes + 5) {
          stream.close(NGHTTP2_CANCEL);
          finish(new GrpcError(GrpcStatus.RESOURCE_EXHAUSTED, `response larger than ${this.maxReceiveBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      stream.on("error", (e: Error) => {
        streamError = e;
      });
      stream.on("close", () => {
        if (settled) return;
        if (grpcStatus !== undefined && grpcStatus !== GrpcStatus.OK) return finish(new GrpcError(grpcStatus, grpcMessage));
        if (grpcStatus === GrpcStatus.OK) {
          try {
            const messages = unframeMessages(Buffer.concat(chunks));
            if (messages.length !== 1) return finish(new GrpcError(GrpcStatus.UNIMPLEMENTED, `expected one response message, got ${messages.length}`));
            return finish(undefined, messages[0]!);
          } catch (e) {
            return finish(e instanceof GrpcError ? e : new GrpcError(GrpcStatus.INTERNAL, String(e)));
          }
        }
        if (httpStatus !== undefined && httpStatus !== 200) return finish(new GrpcError(statusOfHttp(httpStatus), `HTTP status ${httpStatus} without a gRPC status`));
        if (httpStatus === 200 && !contentType.startsWith("application/grpc")) return finish(new GrpcError(GrpcStatus.UNKNOWN, `unexpected content-type ${JSON.stringify(contentType)}`));
        // No status at all: the connection went away, or the server reset the stream.
        const reset = stream.rstCode ?? 0;
        if (session.destroyed || session.closed || reset === 0 || reset === NGHTTP2_REFUSED_STREAM) {
          return finish(new GrpcError(GrpcStatus.UNAVAILABLE, streamError?.message ?? `connection to ${this.socketPath} closed`));
        }
        if (reset === NGHTTP2_CANCEL) return finish(new GrpcError(GrpcStatus.CANCELLED, "call cancelled by the server"));
        finish(new GrpcError(GrpcStatus.INTERNAL, `stream reset by the server (HTTP/2 error code ${reset}) before a status`));
      });
      stream.end(frameMessage(request));
    });
  }

  /** Closes the connection; calls in flight fail, later calls fail at once. */
  close(): void {
    this.closed = true;
    this.session?.destroy();
    this.session = undefined;
  }
}
