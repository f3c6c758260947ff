// The store owns metadata.resourceVersion: every object it hands out carries
// the revision of its last write, whatever the stored document says.
import type { Revision, StoredObject } from "./store.ts";

/** Sets metadata.resourceVersion on an object the caller owns (a fresh parse) and returns it. */
export function stampRevision<T extends StoredObject>(object: T, revision: Revision): T {
  const metadata = object.metadata;
  if (metadata === undefined || metadata === null || typeof metadata !== "object") {
    object.metadata = { resourceVersion: String(revision) };
  } else {
    metadata.resourceVersion = String(revision);
  }
  return object;
}

/** A fresh copy of a stored JSON document, stamped. */
export function parseStamped<T extends StoredObject>(json: string, revision: Revision): T {
  return stampRevision(JSON.parse(json) as T, revision);
}
