// Upstream appends a Go struct diff to "may not change" messages; its exact
// text cannot be reproduced outside Go, so the fields that changed are listed
// instead, one `- field: old` / `+ field: new` pair each.
import { isObject, jsonEqual } from "./json.ts";

export function describeChanges(before: unknown, after: unknown): string {
  const a = isObject(before) ? before : {};
  const b = isObject(after) ? after : {};
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const lines: string[] = [];
  for (const key of keys) {
    if (jsonEqual(a[key], b[key])) continue;
    lines.push(`  - ${key}: ${JSON.stringify(a[key] ?? null)}`, `  + ${key}: ${JSON.stringify(b[key] ?? null)}`);
  }
  return lines.join("\n");
}
