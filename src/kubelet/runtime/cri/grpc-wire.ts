// The pieces of gRPC over HTTP/2 a unary client needs, without I/O: status
// codes, the 5-byte length-prefixed message framing, the grpc-timeout header,
// grpc-message decoding and the HTTP-status fallback of the protocol spec.

/** gRPC status codes. */
export const GrpcStatus = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

export type GrpcStatusCode = (typeof GrpcStatus)[keyof typeof GrpcStatus];

const statusNames = new Map<number, string>(Object.entries(GrpcStatus).map(([name, code]) => [code, name]));

/** A call that ended with a status other than OK. */
export class GrpcError extends Error {
  readonly reason = "GrpcError" as const;
  constructor(
    readonly code: number,
    readonly details: string,
  ) {
    super(`${code} ${statusNames.get(code) ?? "UNKNOWN"}: ${details}`);
  }
}

/** The message with its prefix: a compressed flag (0: not compressed) and the length, 4 bytes big-endian. */
export function frameMessage(message: Uint8Array): Buffer {
  const framed = Buffer.allocUnsafe(5 + message.length);
  framed[0] = 0;
  framed.writeUInt32BE(message.length, 1);
  framed.set(message, 5);
  return framed;
}

/** The messages in a response body (all its DATA frames joined); throws a GrpcError (INTERNAL) on a malformed or compressed body. */
export function unframeMessages(body: Buffer): Buffer[] {
  const messages: Buffer[] = [];
  let at = 0;
  while (at < body.length) {
    if (body.length - at < 5) throw new GrpcError(GrpcStatus.INTERNAL, "truncated message prefix in the response");
    if (body[at] !== 0) throw new GrpcError(GrpcStatus.INTERNAL, "compressed response message, but no compression was negotiated");
    const length = body.readUInt32BE(at + 1);
    if (body.length - at - 5 < length) throw new GrpcError(GrpcStatus.INTERNAL, "truncated message in the response");
    messages.push(body.subarray(at + 5, at + 5 + length));
    at += 5 + length;
  }
  return messages;
}

/** grpc-timeout: at most 8 digits and a unit; milliseconds, or coarser units when they do not fit. */
export function grpcTimeout(ms: number): string {
  const value = Math.max(0, Math.ceil(ms));
  if (value < 1e8) return `${value}m`;
  const seconds = Math.ceil(value / 1000);
  if (seconds < 1e8) return `${seconds}S`;
  return `${Math.min(Math.ceil(seconds / 3600), 99_999_999)}H`;
}

/** grpc-message is percent-encoded UTF-8; a malformed one is shown as sent. */
export function decodeGrpcMessage(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** The status of a response without grpc-status, from its HTTP status (the protocol's mapping). */
export function statusOfHttp(httpStatus: number): GrpcStatusCode {
  switch (httpStatus) {
    case 400:
      return GrpcStatus.INTERNAL;
    case 401:
      return GrpcStatus.UNAUTHENTICATED;
    case 403:
      return GrpcStatus.PERMISSION_DENIED;
    case 404:
      return GrpcStatus.UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
    case 504:
      return GrpcStatus.UNAVAILABLE;
    default:
      return GrpcStatus.UNKNOWN;
  }
}

/** grpc-status as a code, or undefined when absent or not a number. */
export function parseGrpcStatus(raw: string | string[] | undefined): number | undefined {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}
