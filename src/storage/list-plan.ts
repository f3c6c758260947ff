// Turns ListOptions into what a backend reads: the snapshot revision, the
// first key and the page size, validated the same way by every backend.
import type { ListOptions, Revision } from "./store.ts";
import { StoreError } from "./store.ts";
import { decodeContinueToken } from "./continue-token.ts";

export interface ListPlan {
  revision: Revision;
  /** The first key to read (inclusive); at least the prefix. */
  startKey: string;
  /** 0 = no limit. */
  limit: number;
}

/** `latest` and `compacted` are the store's revisions at the time of the read. */
export function planList(options: ListOptions, latest: Revision, compacted: Revision): ListPlan {
  const limit = options.limit ?? 0;
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw new StoreError("InvalidArgument", `limit must be a non-negative integer, got ${limit}`);
  }
  const asked = options.revision ?? 0;
  if (!Number.isSafeInteger(asked) || asked < 0) {
    throw new StoreError("InvalidArgument", `revision must be a non-negative integer, got ${asked}`);
  }
  let revision = asked === 0 ? latest : asked;
  let startKey = options.prefix;
  if (options.continue !== undefined && options.continue !== "") {
    const position = decodeContinueToken(options.prefix, options.continue);
    if (asked !== 0 && asked !== position.revision) {
      throw new StoreError("InvalidArgument", `revision ${asked} disagrees with the continue token's ${position.revision}`);
    }
    revision = position.revision;
    startKey = position.startKey;
  }
  if (revision > latest) {
    throw new StoreError("InvalidArgument", `revision ${revision} is newer than the store's ${latest}`);
  }
  if (revision < compacted) {
    throw new StoreError("Expired", `revision ${revision} is compacted (oldest kept: ${compacted})`);
  }
  return { revision, startKey, limit };
}
