// JSON Patch (RFC 6902): a list of operations applied in order to a copy of
// the document; the first failing operation fails the whole patch.

import { arrayIndexOf, parseJsonPointer } from "./json-pointer.ts";
import type { JsonValue } from "./json-value.ts";
import { cloneJson, deleteMember, getMember, isJsonObject, jsonEqual, setMember } from "./json-value.ts";
import { PatchError } from "./patch-error.ts";

type Operation =
  | { op: "add" | "replace" | "test"; path: string[]; value: JsonValue }
  | { op: "remove"; path: string[] }
  | { op: "move" | "copy"; path: string[]; from: string[] };

export function applyJsonPatch(doc: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw new PatchError("InvalidPatch", "a JSON patch must be an array of operations");
  const operations = patch.map((raw, index) => parseOperation(raw, index));
  let result = cloneJson(doc);
  operations.forEach((operation, index) => {
    try {
      result = applyOperation(result, operation);
    } catch (e) {
      if (e instanceof PatchError) {
        throw new PatchError(e.reason, `operation ${index} (${operation.op}): ${e.message}`, { cause: e });
      }
      throw e;
    }
  });
  return result;
}

function parseOperation(raw: unknown, index: number): Operation {
  const invalid = (message: string) => new PatchError("InvalidPatch", `operation ${index}: ${message}`);
  if (!isJsonObject(raw)) throw invalid("an operation must be a JSON object");
  const op = getMember(raw, "op");
  const pathText = getMember(raw, "path");
  if (typeof pathText !== "string") throw invalid(`"path" must be a string`);
  const path = pointerField(pathText, index, "path");
  switch (op) {
    case "add":
    case "replace":
    case "test": {
      const value = getMember(raw, "value");
      if (value === undefined) throw invalid(`"${op}" needs a "value"`);
      return { op, path, value };
    }
    case "remove":
      return { op, path };
    case "move":
    case "copy": {
      const from = getMember(raw, "from");
      if (typeof from !== "string") throw invalid(`"${op}" needs a "from" string`);
      return { op, path, from: pointerField(from, index, "from") };
    }
    default:
      throw invalid(`unknown op ${JSON.stringify(op)}: expected add, remove, replace, move, copy or test`);
  }
}

function pointerField(text: string, index: number, field: "path" | "from"): string[] {
  try {
    return parseJsonPointer(text);
  } catch (e) {
    if (e instanceof PatchError) throw new PatchError(e.reason, `operation ${index}: "${field}": ${e.message}`, { cause: e });
    throw e;
  }
}

function applyOperation(doc: JsonValue, operation: Operation): JsonValue {
  switch (operation.op) {
    case "add":
      return add(doc, operation.path, cloneJson(operation.value));
    case "remove":
      remove(doc, operation.path);
      return doc;
    case "replace":
      if (operation.path.length === 0) return cloneJson(operation.value);
      remove(doc, operation.path);
      return add(doc, operation.path, cloneJson(operation.value));
    case "move": {
      if (isProperPrefix(operation.from, operation.path)) {
        throw new PatchError("InvalidPatch", `cannot move ${pointerText(operation.from)} into its own child ${pointerText(operation.path)}`);
      }
      const value = valueAt(doc, operation.from);
      remove(doc, operation.from);
      return add(doc, operation.path, value);
    }
    case "copy":
      return add(doc, operation.path, cloneJson(valueAt(doc, operation.from)));
    case "test": {
      // Upstream's json-patch lets a test for null pass where the member is absent:
      // clients use it to assert that a key is not set.
      if (operation.value === null && isAbsentMember(doc, operation.path)) return doc;
      const actual = valueAt(doc, operation.path);
      if (!jsonEqual(actual, operation.value)) {
        throw new PatchError(
          "TestFailed",
          `test failed at ${pointerText(operation.path)}: expected ${JSON.stringify(operation.value)}, found ${JSON.stringify(actual)}`,
        );
      }
      return doc;
    }
  }
}

function add(doc: JsonValue, path: string[], value: JsonValue): JsonValue {
  const last = path.at(-1);
  if (last === undefined) return value;
  const parent = valueAt(doc, path.slice(0, -1));
  if (Array.isArray(parent)) {
    const index = last === "-" ? parent.length : arrayIndexOf(last);
    if (index === undefined || index > parent.length) {
      throw notFound(path, `index "${last}" is not within an array of ${parent.length} elements`);
    }
    parent.splice(index, 0, value);
  } else if (isJsonObject(parent)) {
    setMember(parent, last, value);
  } else {
    throw notFound(path, "its parent is neither an object nor an array");
  }
  return doc;
}

function remove(doc: JsonValue, path: string[]): void {
  const last = path.at(-1);
  if (last === undefined) throw new PatchError("InvalidPatch", "cannot remove the whole document");
  const parent = valueAt(doc, path.slice(0, -1));
  if (Array.isArray(parent)) {
    const index = arrayIndexOf(last);
    if (index === undefined || index >= parent.length) {
      throw notFound(path, `index "${last}" is not within an array of ${parent.length} elements`);
    }
    parent.splice(index, 1);
  } else if (isJsonObject(parent) && Object.hasOwn(parent, last)) {
    deleteMember(parent, last);
  } else {
    throw notFound(path, "no such member");
  }
}

function valueAt(doc: JsonValue, path: string[]): JsonValue {
  let current = doc;
  path.forEach((token, depth) => {
    const next = Array.isArray(current)
      ? current[arrayIndexOf(token) ?? -1]
      : isJsonObject(current)
        ? getMember(current, token)
        : undefined;
    if (next === undefined) throw notFound(path.slice(0, depth + 1), "no such location");
    current = next;
  });
  return current;
}

function isAbsentMember(doc: JsonValue, path: string[]): boolean {
  const last = path.at(-1);
  if (last === undefined) return false;
  const parent = valueAt(doc, path.slice(0, -1));
  return isJsonObject(parent) && !Object.hasOwn(parent, last);
}

function isProperPrefix(prefix: string[], path: string[]): boolean {
  return prefix.length < path.length && prefix.every((token, i) => token === path[i]);
}

function notFound(path: string[], detail: string): PatchError {
  return new PatchError("PathNotFound", `path ${pointerText(path)} not found: ${detail}`);
}

function pointerText(path: string[]): string {
  return JSON.stringify(path.map((token) => "/" + token.replaceAll("~", "~0").replaceAll("/", "~1")).join(""));
}
