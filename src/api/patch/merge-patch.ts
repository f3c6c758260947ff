// JSON Merge Patch (RFC 7386): an object patch merges member by member, null
// removes a member, anything else replaces the target wholesale.

import type { JsonObject, JsonValue } from "./json-value.ts";
import { cloneJson, deleteMember, getMember, isJsonObject, jsonEqual, setMember } from "./json-value.ts";

export function applyMergePatch(doc: unknown, patch: unknown): unknown {
  return mergeInto(cloneJson(doc), patch);
}

function mergeInto(target: JsonValue | undefined, patch: unknown): JsonValue {
  if (!isJsonObject(patch)) return cloneJson(patch);
  const result: JsonObject = isJsonObject(target) ? target : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) deleteMember(result, key);
    else setMember(result, key, mergeInto(getMember(result, key), value));
  }
  return result;
}

/**
 * The merge patch that turns `original` into `modified`. A null inside
 * `modified` cannot be expressed (a merge patch reads null as "remove"), so
 * such a member comes out removed rather than null.
 */
export function createMergePatch(original: unknown, modified: unknown): unknown {
  if (!isJsonObject(original) || !isJsonObject(modified)) return cloneJson(modified);
  const patch: JsonObject = {};
  for (const key of Object.keys(original)) {
    if (!Object.hasOwn(modified, key)) setMember(patch, key, null);
  }
  for (const [key, value] of Object.entries(modified)) {
    const before = getMember(original, key);
    if (before !== undefined && jsonEqual(before, value)) continue;
    const change = before !== undefined && isJsonObject(before) && isJsonObject(value) ? createMergePatch(before, value) : cloneJson(value);
    setMember(patch, key, change as JsonValue);
  }
  return patch;
}
