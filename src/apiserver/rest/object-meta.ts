// System-owned metadata: what the server sets on create and carries over on
// update, whatever the client sent.
import { randomUUID, randomInt } from "node:crypto";
import type { ApiObject, Meta } from "../registry/strategy.ts";
import { jsonCopy } from "../../storage/stamp-revision.ts";

/** RFC 3339 with second precision, as Kubernetes writes metav1.Time. */
export function timestamp(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, "Z");
}

// Upstream's alphabet for generated name suffixes: no vowels, no confusable digits.
const suffixAlphabet = "bcdfghjklmnpqrstvwxz2456789";

export function randomSuffix(length = 5): string {
  let s = "";
  for (let i = 0; i < length; i++) s += suffixAlphabet[randomInt(suffixAlphabet.length)];
  return s;
}

/** generateName + 5 random characters, trimmed as upstream does so the result stays ≤ 63. */
export function generateName(base: string): string {
  const maxBase = 63 - 5;
  return (base.length > maxBase ? base.slice(0, maxBase) : base) + randomSuffix();
}

export function meta(obj: ApiObject): Meta {
  obj.metadata ??= {};
  return obj.metadata;
}

/** Fills what the server owns on create. */
export function fillCreateMeta(obj: ApiObject, namespace: string, now: Date, tracksGeneration: boolean): void {
  const m = meta(obj);
  if (!m.name && m.generateName) m.name = generateName(m.generateName);
  if (namespace !== "") m.namespace = namespace;
  else delete m.namespace;
  m.uid = randomUUID();
  m.creationTimestamp = timestamp(now);
  delete m.resourceVersion;
  delete m.deletionTimestamp;
  delete m.deletionGracePeriodSeconds;
  delete m.selfLink;
  if (tracksGeneration) m.generation = 1;
  else delete m.generation;
}

/** Carries the system-owned fields of the stored object into an update. */
export function keepSystemMeta(obj: ApiObject, old: ApiObject): void {
  const m = meta(obj);
  const o = old.metadata ?? {};
  for (const field of ["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "namespace", "generateName"] as const) {
    if (o[field] === undefined) delete m[field];
    else (m as Record<string, unknown>)[field] = o[field];
  }
  delete m.selfLink;
}

/** Everything but metadata and status: a change here is a spec change (bumps generation). */
export function specOf(obj: ApiObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => deepEqual(v, bb[i]));
  }
  const ak = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const bk = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ak.length !== bk.length) return false;
  return ak.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** A copy of a JSON object: the same document the store would keep, several times cheaper than structuredClone. */
export function deepCopy<T>(v: T): T {
  return jsonCopy(v);
}
