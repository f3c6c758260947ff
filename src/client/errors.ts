// The errors the client raises. An API server's refusal becomes an
// ApiStatusError whose reason is the Status reason; a request that never got
// an answer becomes a ClientConnectionError.
import type { Status } from "kubernetes-types/meta/v1";

/** metav1.StatusReason values; upstream's empty reason is spelled "Unknown". */
export type StatusReason =
  | "Unknown"
  | "Unauthorized"
  | "Forbidden"
  | "NotFound"
  | "AlreadyExists"
  | "Conflict"
  | "Gone"
  | "Invalid"
  | "ServerTimeout"
  | "StoreReadError"
  | "Timeout"
  | "TooManyRequests"
  | "BadRequest"
  | "MethodNotAllowed"
  | "NotAcceptable"
  | "RequestEntityTooLarge"
  | "UnsupportedMediaType"
  | "InternalError"
  | "Expired"
  | "ServiceUnavailable";

const knownReasons: ReadonlySet<string> = new Set<StatusReason>([
  "Unauthorized",
  "Forbidden",
  "NotFound",
  "AlreadyExists",
  "Conflict",
  "Gone",
  "Invalid",
  "ServerTimeout",
  "StoreReadError",
  "Timeout",
  "TooManyRequests",
  "BadRequest",
  "MethodNotAllowed",
  "NotAcceptable",
  "RequestEntityTooLarge",
  "UnsupportedMediaType",
  "InternalError",
  "Expired",
  "ServiceUnavailable",
]);

// What a bare HTTP code means when the body carries no Status reason
// (apimachinery's NewGenericServerResponse, plus 410).
const reasonByCode: ReadonlyMap<number, StatusReason> = new Map<number, StatusReason>([
  [400, "BadRequest"],
  [401, "Unauthorized"],
  [403, "Forbidden"],
  [404, "NotFound"],
  [405, "MethodNotAllowed"],
  [406, "NotAcceptable"],
  [409, "Conflict"],
  [410, "Gone"],
  [413, "RequestEntityTooLarge"],
  [415, "UnsupportedMediaType"],
  [422, "Invalid"],
  [429, "TooManyRequests"],
  [500, "InternalError"],
  [503, "ServiceUnavailable"],
  [504, "Timeout"],
]);

export class ApiStatusError extends Error {
  readonly reason: StatusReason;
  readonly code: number;

  constructor(readonly status: Status) {
    super(status.message || `the server answered ${status.code ?? "without a code"}`);
    this.name = "ApiStatusError";
    this.code = status.code ?? 0;
    const given = status.reason ?? "";
    this.reason = knownReasons.has(given) ? (given as StatusReason) : (reasonByCode.get(this.code) ?? "Unknown");
  }

  /** Builds the error from an HTTP answer whose body may or may not be a Status. */
  static fromResponse(code: number, body: string): ApiStatusError {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = undefined;
    }
    if (isStatus(parsed)) return new ApiStatusError({ ...parsed, code: parsed.code ?? code });
    const message = body.trim() || `the server answered ${code}`;
    return new ApiStatusError({ kind: "Status", apiVersion: "v1", status: "Failure", code, message: message.slice(0, 1024) });
  }
}

export function isStatus(value: unknown): value is Status {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "Status";
}

/** True when e is an ApiStatusError with one of the given reasons. */
export function hasReason(e: unknown, ...reasons: StatusReason[]): e is ApiStatusError {
  return e instanceof ApiStatusError && reasons.includes(e.reason);
}

/** A resourceVersion too old to serve: the caller must relist (410 Gone or Expired). */
export function isResourceExpired(e: unknown): e is ApiStatusError {
  return e instanceof ApiStatusError && (e.reason === "Expired" || e.reason === "Gone" || e.code === 410);
}

/** The request got no answer: connecting, TLS, a reset stream or a timeout. */
export class ClientConnectionError extends Error {
  readonly reason = "ConnectionFailed" as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ClientConnectionError";
  }
}

/** A caller passed settings the client cannot work with. */
export class InvalidClientOptionError extends Error {
  readonly reason = "InvalidOption" as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "InvalidClientOptionError";
  }
}

/** The caller's signal ended the request before an answer. */
export class RequestAbortedError extends Error {
  readonly reason = "Aborted" as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RequestAbortedError";
  }
}
