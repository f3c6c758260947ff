// A CRI v1 gRPC connection over containerd's unix socket: one call helper
// that applies a deadline and turns gRPC failures into RuntimeErrors.
import * as grpc from "@grpc/grpc-js";
import { fromJSON } from "@grpc/proto-loader";
import protobuf from "protobufjs";
import { RuntimeError } from "../runtime.ts";
import { criApiProto } from "./cri-api-proto.ts";

type UnaryCallback = (error: grpc.ServiceError | null, response?: unknown) => void;
type UnaryMethod = (request: object, metadata: grpc.Metadata, options: grpc.CallOptions, callback: UnaryCallback) => void;
type ServiceClient = grpc.Client & Record<string, UnaryMethod>;
type ServiceClientConstructor = new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ChannelOptions) => ServiceClient;

export type CriService = "RuntimeService" | "ImageService";

let cachedPackage: grpc.GrpcObject | undefined;

function criPackage(): grpc.GrpcObject {
  if (!cachedPackage) {
    const root = protobuf.parse(criApiProto, { keepCase: true }).root;
    const definition = fromJSON(root.toJSON(), { keepCase: true, longs: Number, enums: String, defaults: true, arrays: true, objects: true });
    cachedPackage = grpc.loadPackageDefinition(definition);
  }
  return cachedPackage;
}

function serviceConstructor(name: CriService): ServiceClientConstructor {
  const runtime = criPackage()["runtime"] as grpc.GrpcObject;
  const v1 = runtime["v1"] as grpc.GrpcObject;
  return v1[name] as unknown as ServiceClientConstructor;
}

export function runtimeErrorReasonOf(code: grpc.status): RuntimeError["reason"] {
  switch (code) {
    case grpc.status.NOT_FOUND:
      return "NotFound";
    case grpc.status.UNAVAILABLE:
      return "Unavailable";
    case grpc.status.INVALID_ARGUMENT:
      return "InvalidArgument";
    case grpc.status.UNIMPLEMENTED:
      return "Unsupported";
    case grpc.status.DEADLINE_EXCEEDED:
      return "DeadlineExceeded";
    default:
      return "RuntimeFailure";
  }
}

export interface CriCallOptions {
  /** Milliseconds before the call is abandoned with DeadlineExceeded. */
  timeoutMs?: number;
}

export class CriClient {
  private readonly runtimeService: ServiceClient;
  private readonly imageService: ServiceClient;

  /** endpoint: a unix socket path, or a "unix://" address. */
  constructor(
    endpoint: string,
    private readonly defaultTimeoutMs = 2 * 60_000,
  ) {
    const address = endpoint.startsWith("unix:") ? endpoint : `unix://${endpoint}`;
    const credentials = grpc.credentials.createInsecure();
    // Exec output and image lists can be large; containerd caps exec output at 16 MiB per stream.
    const options: grpc.ChannelOptions = { "grpc.max_receive_message_length": 64 * 1024 * 1024 };
    this.runtimeService = new (serviceConstructor("RuntimeService"))(address, credentials, options);
    this.imageService = new (serviceConstructor("ImageService"))(address, credentials, options);
  }

  call<Response>(service: CriService, method: string, request: object, options: CriCallOptions = {}): Promise<Response> {
    const client = service === "RuntimeService" ? this.runtimeService : this.imageService;
    const rpc = client[method];
    if (typeof rpc !== "function") return Promise.reject(new RuntimeError("Unsupported", `${service}.${method} is not in our CRI subset`));
    const deadline = new Date(Date.now() + (options.timeoutMs ?? this.defaultTimeoutMs));
    return new Promise<Response>((resolve, reject) => {
      rpc.call(client, request, new grpc.Metadata(), { deadline }, (error, response) => {
        if (error) {
          reject(new RuntimeError(runtimeErrorReasonOf(error.code), `CRI ${method}: ${error.details || error.message}`, { cause: error }));
        } else {
          resolve(response as Response);
        }
      });
    });
  }

  close(): void {
    this.runtimeService.close();
    this.imageService.close();
  }
}
