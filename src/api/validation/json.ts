// Objects arrive as decoded JSON: any field may be missing or of the wrong
// type. These readers never throw: a wrong-typed value reads as absent, and
// the numeric readers report it, since upstream would have refused to decode
// such a body at all.
import { typeInvalid, type FieldError, type FieldPath } from "./field-error.ts";

export type JsonObject = Record<string, unknown>;

const empty: JsonObject = Object.freeze({});

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The object, or an empty one when absent or not an object. */
export function obj(value: unknown): JsonObject {
  return isObject(value) ? value : empty;
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** A string field, "" when absent (Go's zero value). */
export function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

export function bool(value: unknown): boolean {
  return value === true;
}

/** The string-valued entries of a map such as labels. */
export function stringEntries(value: unknown): [string, string][] {
  return Object.entries(obj(value)).map(([k, v]) => [k, typeof v === "string" ? v : String(v)]);
}

/** An integer field: undefined when absent; a wrong type is reported and reads as absent. */
export function integer(value: unknown, path: FieldPath, errs: FieldError[]): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number" && Number.isInteger(value)) return value;
  errs.push(typeInvalid(path, value, "must be of type integer"));
  return undefined;
}

// Like upstream's semantic equality: null, absent and empty lists or maps are all "nothing".
function isNothing(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  return isObject(value) && Object.values(value).every((v) => v === undefined);
}

/** Semantic equality of decoded JSON. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isNothing(a) && isNothing(b)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => jsonEqual(v, b[i]));
  }
  if (!isObject(a) || !isObject(b)) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if (!jsonEqual(a[k], b[k])) return false;
  return true;
}
