// The one place where failures become Kubernetes `Status` objects: every
// handler throws ApiError (or lets a StoreError through) and the server's
// error handler calls toStatus.
import type { Status, StatusCause } from "kubernetes-types/meta/v1";
import { isStoreError } from "../storage/store.ts";

export type StatusReason =
  | "BadRequest"
  | "Unauthorized"
  | "Forbidden"
  | "NotFound"
  | "AlreadyExists"
  | "Conflict"
  | "Gone"
  | "Expired"
  | "Invalid"
  | "MethodNotAllowed"
  | "NotAcceptable"
  | "RequestEntityTooLarge"
  | "UnsupportedMediaType"
  | "TooManyRequests"
  | "InternalError"
  | "ServiceUnavailable"
  | "Timeout";

export interface StatusTarget {
  /** The resource (plural) as upstream names it in messages, e.g. "pods", "deployments.apps". */
  qualifiedResource: string;
  group: string;
  /** The plural resource name used in details.kind (upstream puts the resource there). */
  resource: string;
  name: string;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: Status["details"],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ApiError";
  }
}

export const badRequest = (message: string) => new ApiError(400, "BadRequest", message);

export const methodNotAllowed = () =>
  new ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");

export function notFound(t: StatusTarget): ApiError {
  return new ApiError(404, "NotFound", `${t.qualifiedResource} "${t.name}" not found`, details(t));
}

export function alreadyExists(t: StatusTarget): ApiError {
  return new ApiError(409, "AlreadyExists", `${t.qualifiedResource} "${t.name}" already exists`, details(t));
}

export function conflict(t: StatusTarget, why: string): ApiError {
  return new ApiError(
    409,
    "Conflict",
    `Operation cannot be fulfilled on ${t.qualifiedResource} "${t.name}": ${why}`,
    details(t),
  );
}

export const staleObjectMessage =
  "the object has been modified; please apply your changes to the latest version and try again";

export function invalid(kindAndGroup: string, name: string, message: string, causes: StatusCause[], t: StatusTarget) {
  return new ApiError(422, "Invalid", message, { name, group: t.group, kind: kindAndGroup.split(".")[0], causes });
}

export function gone(message: string): ApiError {
  return new ApiError(410, "Expired", message);
}

function details(t: StatusTarget): Status["details"] {
  return { name: t.name, group: t.group, kind: t.resource };
}

export function statusObject(code: number, reason: StatusReason, message: string, det?: Status["details"]): Status {
  const s: Status = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code };
  if (det !== undefined) s.details = det;
  return s;
}

/**
 * Maps any thrown value to a Status. Store errors reaching this point were not
 * translated by a handler that knew the target; they keep their meaning.
 */
export function toStatus(e: unknown, target?: StatusTarget): Status {
  if (e instanceof ApiError) return statusObject(e.code, e.reason, e.message, e.details);
  if (isStoreError(e) && target !== undefined) {
    switch (e.reason) {
      case "NotFound":
        return toStatus(notFound(target));
      case "AlreadyExists":
        return toStatus(alreadyExists(target));
      case "Conflict":
        return toStatus(conflict(target, staleObjectMessage));
      case "Expired":
        return toStatus(gone(e.message));
      case "InvalidArgument":
        return toStatus(badRequest(e.message));
      case "Unavailable":
        return statusObject(503, "ServiceUnavailable", e.message);
    }
  }
  const message = e instanceof Error ? e.message : String(e);
  return statusObject(500, "InternalError", `Internal error occurred: ${message}`);
}
