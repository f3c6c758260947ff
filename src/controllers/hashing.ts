// The pod-template-hash a Deployment stamps on its ReplicaSets: FNV-32a over a
// deterministic serialization of the pod template, with the collision count
// folded in, rendered as decimal digits mapped into the "safe" alphabet that
// apimachinery uses for generated names (no vowels, no 0/1/3, so a hash never
// spells a word or looks like another character).
import type { PodTemplateSpec } from "kubernetes-types/core/v1";

const safeAlphabet = "bcdfghjklmnpqrstvwxz2456789";

const fnvOffsetBasis = 0x811c9dc5;
const fnvPrime = 0x01000193;

/** FNV-1a, 32 bits, over bytes; continues from state so several writes chain. */
export function fnv32a(bytes: Uint8Array, state: number = fnvOffsetBasis): number {
  let hash = state;
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, fnvPrime) >>> 0;
  }
  return hash >>> 0;
}

/** Maps each character to the safe alphabet by its code (upstream's SafeEncodeString). */
export function safeEncodeString(text: string): string {
  let encoded = "";
  for (let i = 0; i < text.length; i++) encoded += safeAlphabet[text.charCodeAt(i) % safeAlphabet.length];
  return encoded;
}

/**
 * JSON with object keys sorted at every level and null or undefined members
 * left out, so two equal templates serialize the same whatever order their
 * fields were built in. Null members count as absent because that is what they
 * mean to the Go types of the API (kubectl sends `creationTimestamp: null`
 * inside templates it writes back on `rollout undo`).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? "null" : canonicalJson(item))).join(",")}]`;
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .filter((key) => record[key] !== undefined && record[key] !== null)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
  return `{${members.join(",")}}`;
}

/** The value of the pod-template-hash label for template at collisionCount (absent counts differ from 0). */
export function computePodTemplateHash(template: PodTemplateSpec, collisionCount?: number): string {
  let hash = fnv32a(new TextEncoder().encode(canonicalJson(template)));
  if (collisionCount !== undefined) {
    // Eight bytes, the count little-endian in the first four, as upstream writes it.
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    hash = fnv32a(bytes, hash);
  }
  return safeEncodeString(String(hash));
}
