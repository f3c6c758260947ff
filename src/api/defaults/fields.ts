// Defaulting runs before validation, on JSON exactly as a client sent it, so
// every step must tolerate any shape: a field of the wrong type is left
// alone for validation to report, never thrown over.
import type { JsonObject } from "../types.ts";

export type { JsonObject };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The object at `key`, or undefined when absent or not an object. */
export function objectAt(parent: JsonObject, key: string): JsonObject | undefined {
  const value = parent[key];
  return isObject(value) ? value : undefined;
}

/**
 * The object at `key`, created empty when absent or null (as a Go struct
 * field always exists); undefined when the field holds something else.
 */
export function ensureObject(parent: JsonObject, key: string): JsonObject | undefined {
  const value = parent[key];
  if (value === undefined || value === null) {
    const created: JsonObject = {};
    parent[key] = created;
    return created;
  }
  return isObject(value) ? value : undefined;
}

/** The elements of the array at `key` that are objects. */
export function objectsAt(parent: JsonObject, key: string): JsonObject[] {
  const value = parent[key];
  return Array.isArray(value) ? value.filter(isObject) : [];
}

/** True when the field is absent or null: how an unset Go pointer arrives. */
export function isUnset(value: unknown): boolean {
  return value === undefined || value === null;
}

/** True when the field is absent, null, "" or 0: how an unset Go value arrives. */
export function isEmpty(value: unknown): boolean {
  return isUnset(value) || value === "" || value === 0;
}

/** Sets a pointer-typed field that was not given. Objects are copied so no two fields share one. */
export function fillUnset(parent: JsonObject, key: string, value: unknown): void {
  if (isUnset(parent[key])) parent[key] = structuredClone(value);
}

/** Sets a value-typed field that was not given or holds its zero value. */
export function fillEmpty(parent: JsonObject, key: string, value: string | number): void {
  if (isEmpty(parent[key])) parent[key] = value;
}

/** True when the field is a non-empty object (a non-empty Go map). */
export function hasEntries(value: unknown): value is JsonObject {
  return isObject(value) && Object.keys(value).length > 0;
}

/** Fills in, in place, the defaults of one kind of object. */
export type Defaulter = (obj: JsonObject) => void;

/** True when a list field is absent, null or empty (a nil or empty Go slice). */
export function isEmptyList(value: unknown): boolean {
  return isUnset(value) || (Array.isArray(value) && value.length === 0);
}
