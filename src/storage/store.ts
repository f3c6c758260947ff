// The one storage contract. Every backend (sqlite, etcd, memory) implements
// `Store` and passes the suite in ./conformance. Nothing here knows HTTP.
//
// Objects are JSON documents with Kubernetes-style metadata. The store owns
// `metadata.resourceVersion`: it is the decimal string of the global revision
// at which the object was last written, stamped on every object it returns.

/** The store's global revision; every write increments it by one. */
export type Revision = number;

/** The part of an object the store reads: uid (for preconditions) and resourceVersion (it writes). */
export interface StoredObject {
  // No index signatures: typed objects (kubernetes-types' Pod, ...) must fit without casts.
  metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string };
}

export type StoreErrorReason =
  | "NotFound" // key absent (get, update, delete)
  | "AlreadyExists" // create on a present key
  | "Conflict" // a precondition (resourceVersion or uid) did not hold
  | "Expired" // a revision older than the compacted one was asked for (list, continue, watch)
  | "InvalidArgument" // malformed continue token, negative limit, ...
  | "Unavailable"; // the backend cannot be reached or is closed

export class StoreError extends Error {
  constructor(
    readonly reason: StoreErrorReason,
    message: string,
    readonly key?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "StoreError";
  }
}

export function isStoreError(e: unknown, reason?: StoreErrorReason): e is StoreError {
  return e instanceof StoreError && (reason === undefined || e.reason === reason);
}

/** Preconditions for update and delete; an absent field is not checked. */
export interface Preconditions {
  resourceVersion?: string;
  uid?: string;
}

export interface ListOptions {
  /** Keys starting with this prefix (use a trailing "/" to list a folder). */
  prefix: string;
  /** At most this many items; absent or 0 = all. */
  limit?: number;
  /** Opaque token from a previous page; the page is read at that page's revision. */
  continue?: string;
  /** Read at this revision (must not be compacted); absent or 0 = the latest. */
  revision?: Revision;
}

export interface ListResult<T> {
  items: T[];
  /** The revision the list was read at (the snapshot's revision). */
  revision: Revision;
  /** Present when more items follow. */
  continue?: string;
  /** Items after this page, when known. */
  remainingItemCount?: number;
}

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED";

export interface WatchEvent<T> {
  type: WatchEventType;
  key: string;
  /** The object after the event; for DELETED its last state, stamped with the deletion revision. */
  object: T;
  /** The object before the event (MODIFIED and DELETED). */
  prevObject?: T;
  revision: Revision;
}

export interface WatchOptions {
  prefix: string;
  /** Deliver every event with revision > fromRevision, in revision order, exactly once. */
  fromRevision: Revision;
  /** Ends the watch: the iterator then returns. */
  signal: AbortSignal;
}

export interface Store {
  /** "sqlite", "etcd", "memory". */
  readonly backend: string;
  get<T extends StoredObject>(key: string): Promise<T>;
  list<T extends StoredObject>(options: ListOptions): Promise<ListResult<T>>;
  /** Stamps resourceVersion; fails AlreadyExists if the key is present. */
  create<T extends StoredObject>(key: string, object: T): Promise<T>;
  /** Replaces a present key; fails NotFound or Conflict. */
  update<T extends StoredObject>(key: string, object: T, preconditions?: Preconditions): Promise<T>;
  /** Removes a present key and returns its last state stamped with the deletion revision. */
  delete<T extends StoredObject>(key: string, preconditions?: Preconditions): Promise<T>;
  /**
   * Events under prefix after fromRevision. Event objects may be shared
   * between watchers and are frozen: copy before changing. The iterator throws StoreError
   * "Expired" when some event after fromRevision is no longer kept, i.e. when
   * fromRevision + 1 < the compacted revision.
   */
  watch<T extends StoredObject>(options: WatchOptions): AsyncIterable<WatchEvent<T>>;
  /** The latest revision. */
  currentRevision(): Promise<Revision>;
  /**
   * Drop history older than this revision: reads (list at a revision, continue
   * tokens) at revisions >= it keep working, older ones fail "Expired".
   */
  compact(revision: Revision): Promise<void>;
  /** Safe to call more than once. */
  close(): Promise<void>;
}
