// Field-level validation errors as upstream's apimachinery field package
// reports them: a machine-readable type (the `reason` of a Status cause), the
// field path, the offending value and a detail, rendered into the exact texts
// clients parse ("spec.replicas: Invalid value: -1: must be ...").
import { goQuote, omittedValue, renderValue } from "./go-value.ts";

export type FieldErrorType =
  | "FieldValueNotFound"
  | "FieldValueRequired"
  | "FieldValueInvalid"
  | "FieldValueNotSupported"
  | "FieldValueDuplicate"
  | "FieldValueForbidden"
  | "FieldValueTooLong"
  | "FieldValueTooMany"
  | "InternalError"
  | "FieldValueTypeInvalid";

export interface FieldError {
  type: FieldErrorType;
  field: string;
  value?: unknown;
  detail: string;
}

/** A field path such as `spec.containers[0].image` or `metadata.labels[app]`. */
export class FieldPath {
  private constructor(
    private readonly parent: FieldPath | undefined,
    private readonly segment: string,
    private readonly isSubscript: boolean,
  ) {}

  static of(name: string, ...more: string[]): FieldPath {
    let path = new FieldPath(undefined, name, false);
    for (const next of more) path = path.child(next);
    return path;
  }

  child(name: string, ...more: string[]): FieldPath {
    let path = new FieldPath(this, name, false);
    for (const next of more) path = path.child(next);
    return path;
  }

  index(i: number): FieldPath {
    return new FieldPath(this, String(i), true);
  }

  key(k: string): FieldPath {
    return new FieldPath(this, k, true);
  }

  /** The first element of the path, as upstream's Path.Root. */
  root(): FieldPath {
    return this.parent === undefined ? this : this.parent.root();
  }

  toString(): string {
    if (this.isSubscript) return `${this.parent?.toString() ?? ""}[${this.segment}]`;
    if (this.parent === undefined || this.segment === "") return (this.parent?.toString() ?? "") + this.segment;
    return `${this.parent.toString()}.${this.segment}`;
  }
}

export type PathLike = FieldPath | string;

const label = (path: PathLike): string => (typeof path === "string" ? path : path.toString());

export function required(path: PathLike, detail = ""): FieldError {
  return { type: "FieldValueRequired", field: label(path), value: "", detail };
}

export function invalid(path: PathLike, value: unknown, detail: string): FieldError {
  return { type: "FieldValueInvalid", field: label(path), value, detail };
}

export function typeInvalid(path: PathLike, value: unknown, detail: string): FieldError {
  return { type: "FieldValueTypeInvalid", field: label(path), value, detail };
}

export function notFound(path: PathLike, value: unknown): FieldError {
  return { type: "FieldValueNotFound", field: label(path), value, detail: "" };
}

export function notSupported(path: PathLike, value: unknown, validValues: readonly string[]): FieldError {
  const detail = validValues.length > 0 ? "supported values: " + validValues.map((v) => renderValue(String(v))).join(", ") : "";
  return { type: "FieldValueNotSupported", field: label(path), value, detail };
}

export function duplicate(path: PathLike, value: unknown): FieldError {
  return { type: "FieldValueDuplicate", field: label(path), value, detail: "" };
}

export function forbidden(path: PathLike, detail: string): FieldError {
  return { type: "FieldValueForbidden", field: label(path), value: "", detail };
}

export function tooLong(path: PathLike, maxLength: number): FieldError {
  const detail = maxLength >= 0 ? `may not be more than ${maxLength} bytes` : "value is too long";
  return { type: "FieldValueTooLong", field: label(path), value: "<value omitted>", detail };
}

export function tooMany(path: PathLike, actualQuantity: number, maxQuantity: number): FieldError {
  const detail = maxQuantity >= 0 ? `must have at most ${maxQuantity} items` : "has too many items";
  return { type: "FieldValueTooMany", field: label(path), value: actualQuantity >= 0 ? actualQuantity : omittedValue, detail };
}

export function internalError(path: PathLike, cause: Error): FieldError {
  return { type: "InternalError", field: label(path), value: null, detail: cause.message };
}

const typeTitles: Readonly<Record<FieldErrorType, string>> = {
  FieldValueNotFound: "Not found",
  FieldValueRequired: "Required value",
  FieldValueDuplicate: "Duplicate value",
  FieldValueInvalid: "Invalid value",
  FieldValueNotSupported: "Unsupported value",
  FieldValueForbidden: "Forbidden",
  FieldValueTooLong: "Too long",
  FieldValueTooMany: "Too many",
  InternalError: "Internal error",
  FieldValueTypeInvalid: "Invalid value",
};

// These types never show their value.
const valueless = new Set<FieldErrorType>(["FieldValueRequired", "FieldValueForbidden", "FieldValueTooLong", "InternalError"]);

/** The message without the field name: what a Status cause carries. */
export function formatFieldErrorDetail(e: FieldError): string {
  let text = typeTitles[e.type];
  if (!valueless.has(e.type) && e.value !== omittedValue) text += `: ${renderValue(e.value)}`;
  if (e.detail.length > 0) text += `: ${e.detail}`;
  return text;
}

/** `<field>: <detail>`, upstream's Error(). */
export function formatFieldError(e: FieldError): string {
  return `${e.field}: ${formatFieldErrorDetail(e)}`;
}

/**
 * The message of a 422 Invalid Status: one error bare, several in brackets,
 * repeated texts once (upstream's aggregate).
 */
export function formatInvalidMessage(kindAndGroup: string, name: string, errs: readonly FieldError[]): string {
  const head = `${kindAndGroup} ${goQuote(name)} is invalid`;
  const texts = [...new Set(errs.map(formatFieldError))];
  if (texts.length === 0) return head;
  if (texts.length === 1) return `${head}: ${texts[0]}`;
  return `${head}: [${texts.join(", ")}]`;
}
