// A CRI v1 gRPC connection over containerd's unix socket: one call helper
// that encodes the request by our CRI proto, applies a deadline, decodes the
// response and turns gRPC failures into RuntimeErrors. Our own small gRPC
// client (grpc-channel.ts) and protobuf codec (protobuf-codec.ts): the agent
// does not load @grpc/grpc-js.
import { RuntimeError } from "../runtime.ts";
import { criApiProto } from "./cri-api-proto.ts";
import { GrpcChannel } from "./grpc-channel.ts";
import { GrpcError, GrpcStatus } from "./grpc-wire.ts";
import { decodeMessage, encodeMessage, ProtobufError } from "./protobuf-codec.ts";
import { parseProto, type ProtoSchema } from "./proto-schema.ts";

export type CriService = "RuntimeService" | "ImageService";

let cachedSchema: ProtoSchema | undefined;

function criSchema(): ProtoSchema {
  cachedSchema ??= parseProto(criApiProto);
  return cachedSchema;
}

export function runtimeErrorReasonOf(code: number): RuntimeError["reason"] {
  switch (code) {
    case GrpcStatus.NOT_FOUND:
      return "NotFound";
    case GrpcStatus.UNAVAILABLE:
      return "Unavailable";
    case GrpcStatus.INVALID_ARGUMENT:
      return "InvalidArgument";
    case GrpcStatus.UNIMPLEMENTED:
      return "Unsupported";
    case GrpcStatus.DEADLINE_EXCEEDED:
      return "DeadlineExceeded";
    default:
      return "RuntimeFailure";
  }
}

/** The socket path of a unix endpoint: "unix:///run/x.sock", "unix:/run/x.sock" or a bare path. */
export function socketPathOf(endpoint: string): string {
  if (endpoint.startsWith("unix://")) return endpoint.slice("unix://".length);
  if (endpoint.startsWith("unix:")) return endpoint.slice("unix:".length);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint)) throw new RuntimeError("InvalidArgument", `CRI endpoint ${endpoint}: only unix sockets are supported`);
  return endpoint;
}

export interface CriCallOptions {
  /** Milliseconds before the call is abandoned with DeadlineExceeded. */
  timeoutMs?: number;
}

export class CriClient {
  private readonly channel: GrpcChannel;

  /** endpoint: a unix socket path, or a "unix://" address. */
  constructor(
    endpoint: string,
    private readonly defaultTimeoutMs = 2 * 60_000,
  ) {
    // Exec output and image lists can be large; containerd caps exec output at 16 MiB per stream.
    this.channel = new GrpcChannel(socketPathOf(endpoint), { maxReceiveBytes: 64 * 1024 * 1024 });
  }

  async call<Response>(service: CriService, method: string, request: object, options: CriCallOptions = {}): Promise<Response> {
    const schema = criSchema();
    const rpc = schema.services.get(service)?.get(method);
    if (rpc === undefined) throw new RuntimeError("Unsupported", `${service}.${method} is not in our CRI subset`);
    let payload: Buffer;
    try {
      payload = encodeMessage(rpc.request, request);
    } catch (e) {
      if (e instanceof ProtobufError) throw new RuntimeError("InvalidArgument", `CRI ${method}: ${e.message}`, { cause: e });
      throw e;
    }
    let answer: Buffer;
    try {
      answer = await this.channel.unary(`/${schema.package}.${service}/${method}`, payload, options.timeoutMs ?? this.defaultTimeoutMs);
    } catch (e) {
      if (e instanceof GrpcError) throw new RuntimeError(runtimeErrorReasonOf(e.code), `CRI ${method}: ${e.details}`, { cause: e });
      throw e;
    }
    try {
      return decodeMessage(rpc.response, answer) as Response;
    } catch (e) {
      throw new RuntimeError("RuntimeFailure", `CRI ${method}: undecodable response: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }

  close(): void {
    this.channel.close();
  }
}
