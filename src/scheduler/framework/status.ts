// The closed set of outcomes a plugin reports at any extension point, as in
// kube-scheduler's framework. Success is the only code that lets a pod go on.

export type StatusCode = "Success" | "Error" | "Unschedulable" | "UnschedulableAndUnresolvable" | "Wait" | "Skip";

export interface Status {
  readonly code: StatusCode;
  /** Human-readable reasons; a node's reasons feed the FailedScheduling histogram. */
  readonly reasons: readonly string[];
  readonly cause?: unknown;
}

export const SUCCESS: Status = Object.freeze({ code: "Success", reasons: Object.freeze([]) });
export const SKIP: Status = Object.freeze({ code: "Skip", reasons: Object.freeze([]) });

/** Plugins keep their common failures as constants so the filter loop allocates nothing. */
export function status(code: StatusCode, ...reasons: string[]): Status {
  return Object.freeze({ code, reasons: Object.freeze(reasons) });
}

export function errorStatus(cause: unknown): Status {
  const message = cause instanceof Error ? cause.message : String(cause);
  return Object.freeze({ code: "Error", reasons: Object.freeze([message]), cause });
}

export function isSuccess(result: Status): boolean {
  return result.code === "Success";
}

/** Unschedulable in either flavour: the pod does not fit, as opposed to an internal error. */
export function isRejection(result: Status): boolean {
  return result.code === "Unschedulable" || result.code === "UnschedulableAndUnresolvable";
}

export function statusMessage(result: Status): string {
  return result.reasons.join(", ");
}

/** Raised when a plugin reports an Error status or the framework is misconfigured. */
export class SchedulingError extends Error {
  readonly reason = "SchedulingError" as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SchedulingError";
  }
}
