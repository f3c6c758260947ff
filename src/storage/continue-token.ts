// Continue tokens for paginated lists, shared by every backend so a token
// looks the same whichever store issued it. A token is base64url JSON of
// { revision, startKey }: the snapshot revision of the first page and the
// first key the next page reads from, relative to the listed prefix (a token
// can then never reach outside the prefix it was issued for).
import type { Revision } from "./store.ts";
import { StoreError } from "./store.ts";

export interface ContinuePosition {
  /** The revision every page of this list is read at. */
  revision: Revision;
  /** The full key the next page starts at (inclusive). */
  startKey: string;
}

/** The token for the page after `lastKey`, read at `revision`. */
export function encodeContinueToken(prefix: string, revision: Revision, lastKey: string): string {
  if (!lastKey.startsWith(prefix)) {
    throw new StoreError("InvalidArgument", `key ${lastKey} is outside the listed prefix ${prefix}`, lastKey);
  }
  // "\u0000" is the smallest suffix, so the next page starts right after lastKey.
  const startKey = lastKey.slice(prefix.length) + "\u0000";
  return Buffer.from(JSON.stringify({ revision, startKey }), "utf8").toString("base64url");
}

/** Reads a token issued for the same prefix; a malformed token fails InvalidArgument. */
export function decodeContinueToken(prefix: string, token: string): ContinuePosition {
  const invalid = (why: string, cause?: unknown): StoreError =>
    new StoreError("InvalidArgument", `invalid continue token: ${why}`, undefined, { cause });
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw invalid("not base64url");
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch (error) {
    throw invalid("not JSON", error);
  }
  if (typeof decoded !== "object" || decoded === null) throw invalid("not an object");
  const { revision, startKey } = decoded as { revision?: unknown; startKey?: unknown };
  if (typeof revision !== "number" || !Number.isSafeInteger(revision) || revision <= 0) {
    throw invalid("revision must be a positive integer");
  }
  if (typeof startKey !== "string" || startKey.length === 0) throw invalid("startKey must be a non-empty string");
  return { revision, startKey: prefix + startKey };
}
