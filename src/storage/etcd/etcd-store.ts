// The Store contract over a real etcd v3 cluster. The revision is etcd's
// revision; an object's resourceVersion is its key's mod_revision and is
// never stored in the value, only stamped on what the store returns.
import { status as grpcStatus } from "@grpc/grpc-js";
import type { ServiceError } from "@grpc/grpc-js";
import { decodeContinueToken, encodeContinueToken } from "../continue-token.ts";
import type {
  ListOptions,
  ListResult,
  Preconditions,
  Revision,
  Store,
  StoredObject,
  WatchEvent,
  WatchOptions,
} from "../store.ts";
import { StoreError, isStoreError } from "../store.ts";
import type { EtcdTlsOptions } from "./etcd-client.ts";
import { EtcdClient, EtcdClientError, isServiceError, isTransient } from "./etcd-client.ts";
import type { RequestOp, RevisionCompare, TxnResponse, WatchEventMessage } from "./etcd-messages.ts";
import { EtcdWatchHub } from "./etcd-watch-hub.ts";
import { parseStamped } from "../stamp-revision.ts";
import type { CompactionPolicy } from "../auto-compaction.ts";
import { defaultCompactionPolicy, startAutoCompaction } from "../auto-compaction.ts";

export interface EtcdStoreOptions {
  /** Client URLs of the cluster's members, e.g. ["http://127.0.0.1:2379"]. */
  endpoints: string[];
  /** Prepended to every key in etcd, so several stores can share one cluster; default "". */
  prefix?: string;
  tls?: EtcdTlsOptions;
  /** Deadline of one request, fail-over retries included; default 15 s. */
  requestTimeoutMs?: number;
  /** How long opening waits for a member to answer; default 5 s. */
  dialTimeoutMs?: number;
  /** How long a watch keeps trying to resume on another member; default 30 s. */
  watchReconnectTimeoutMs?: number;
  /**
   * Periodic compaction of etcd's history, as kube-apiserver does it and as
   * the SQLite store does; default every 5 minutes keeping 1,000 revisions.
   * "off" when something else compacts the cluster.
   */
  compaction?: CompactionPolicy | "off";
}

/** Opens the store and checks that a member answers; fails "Unavailable" otherwise. */
export async function openEtcdStore(options: EtcdStoreOptions): Promise<Store> {
  let store: EtcdStore;
  try {
    store = new EtcdStore(options);
  } catch (error) {
    if (error instanceof EtcdClientError) throw new StoreError("InvalidArgument", error.message, undefined, { cause: error });
    throw error;
  }
  try {
    await store.probe(options.dialTimeoutMs ?? 5_000);
  } catch (error) {
    await store.close();
    throw error;
  }
  const policy = options.compaction ?? defaultCompactionPolicy;
  if (policy !== "off") store.compactPeriodically(policy);
  return store;
}

// Optimistic read-compare-write rounds for a uid precondition before giving up.
const maxUidPreconditionRounds = 64;

class EtcdStore implements Store {
  readonly backend = "etcd";
  private readonly client: EtcdClient;
  private readonly prefix: Buffer;
  private readonly closing = new AbortController();
  private readonly watchHub: EtcdWatchHub;
  /** The highest revision this store compacted to (etcd may have compacted further). */
  private compactedTo: Revision = 0;
  private stopCompaction: () => void = () => undefined;

  constructor(options: EtcdStoreOptions) {
    this.client = new EtcdClient({
      endpoints: options.endpoints,
      ...(options.tls === undefined ? {} : { tls: options.tls }),
      requestTimeoutMs: options.requestTimeoutMs ?? 15_000,
    });
    this.prefix = Buffer.from(options.prefix ?? "", "utf8");
    this.watchHub = new EtcdWatchHub(this.client, options.watchReconnectTimeoutMs ?? 30_000, this.closing.signal, (event) =>
      this.toWatchEvent(event),
    );
  }

  compactPeriodically(policy: CompactionPolicy): void {
    this.stopCompaction = startAutoCompaction(this, () => this.compactedTo, policy);
  }

  async probe(timeoutMs: number): Promise<void> {
    await this.call("open", undefined, () => this.client.range({ key: this.etcdKey("\u0000"), countOnly: true }, timeoutMs));
  }

  async get<T extends StoredObject>(key: string): Promise<T> {
    const response = await this.call("get", key, () => this.client.range({ key: this.etcdKey(key) }));
    const kv = response.kvs[0];
    if (kv === undefined) throw new StoreError("NotFound", `${key} not found`, key);
    return decodeValue<T>(kv.value, kv.modRevision);
  }

  async list<T extends StoredObject>(options: ListOptions): Promise<ListResult<T>> {
    const limit = options.limit ?? 0;
    if (!Number.isSafeInteger(limit) || limit < 0) {
      throw new StoreError("InvalidArgument", `limit must be a non-negative integer, got ${limit}`);
    }
    const requested = options.revision ?? 0;
    if (!Number.isSafeInteger(requested) || requested < 0) {
      throw new StoreError("InvalidArgument", `revision must be a non-negative integer, got ${requested}`);
    }
    const position =
      options.continue === undefined || options.continue === ""
        ? { revision: requested, startKey: options.prefix }
        : decodeContinueToken(options.prefix, options.continue);
    if (requested !== 0 && requested !== position.revision) {
      throw new StoreError("InvalidArgument", `revision ${requested} disagrees with the continue token's ${position.revision}`);
    }
    const response = await this.call("list", options.prefix, () =>
      this.client.range({
        key: rangeStart(this.etcdKey(position.startKey)),
        rangeEnd: prefixEnd(this.etcdKey(options.prefix)),
        limit,
        revision: position.revision,
      }),
    );
    const revision = position.revision === 0 ? response.header.revision : position.revision;
    const items = response.kvs.map((kv) => decodeValue<T>(kv.value, kv.modRevision));
    const result: ListResult<T> = { items, revision };
    const last = response.kvs.at(-1);
    if (response.more && last !== undefined) {
      result.continue = encodeContinueToken(options.prefix, revision, this.storeKey(last.key));
      result.remainingItemCount = response.count - response.kvs.length;
    }
    return result;
  }

  async create<T extends StoredObject>(key: string, object: T): Promise<T> {
    const etcdKey = this.etcdKey(key);
    const value = encodeObject(object);
    const response = await this.txn("create", key, {
      compare: [{ key: etcdKey, target: "create", result: "equal", revision: 0 }],
      success: [{ put: { key: etcdKey, value } }],
      failure: [],
    });
    if (!response.succeeded) throw new StoreError("AlreadyExists", `${key} already exists`, key);
    return decodeValue<T>(value, response.header.revision);
  }

  async update<T extends StoredObject>(key: string, object: T, preconditions: Preconditions = {}): Promise<T> {
    const etcdKey = this.etcdKey(key);
    const value = encodeObject(object);
    const response = await this.conditionalWrite("update", key, preconditions, { put: { key: etcdKey, value } });
    return decodeValue<T>(value, response.header.revision);
  }

  async delete<T extends StoredObject>(key: string, preconditions: Preconditions = {}): Promise<T> {
    const etcdKey = this.etcdKey(key);
    const remove: RequestOp = { deleteRange: { key: etcdKey, prevKv: true } };
    const response = await this.conditionalWrite("delete", key, preconditions, remove);
    const outcome = response.responses[0];
    const previous = outcome !== undefined && "deleteRange" in outcome ? outcome.deleteRange.prevKvs[0] : undefined;
    if (previous === undefined) throw new StoreError("Unavailable", `delete ${key}: etcd returned no previous value`, key);
    return decodeValue<T>(previous.value, response.header.revision);
  }

  watch<T extends StoredObject>(options: WatchOptions): AsyncIterable<WatchEvent<T>> {
    return this.watchEvents<T>(options);
  }

  async currentRevision(): Promise<Revision> {
    const response = await this.call("currentRevision", undefined, () =>
      this.client.range({ key: this.etcdKey("\u0000"), countOnly: true }),
    );
    return response.header.revision;
  }

  async compact(revision: Revision): Promise<void> {
    if (!Number.isSafeInteger(revision) || revision < 0) {
      throw new StoreError("InvalidArgument", `compact revision must be a non-negative integer, got ${revision}`);
    }
    try {
      await this.call("compact", undefined, () => this.client.compact({ revision }));
    } catch (error) {
      // History up to there is already gone: the request is fulfilled.
      if (!isStoreError(error, "Expired")) throw error;
    }
    this.compactedTo = Math.max(this.compactedTo, revision);
  }

  async close(): Promise<void> {
    this.stopCompaction();
    this.closing.abort();
    this.client.close();
  }

  private async *watchEvents<T extends StoredObject>(options: WatchOptions): AsyncGenerator<WatchEvent<T>> {
    if (this.client.isClosed) throw new StoreError("Unavailable", `watch ${options.prefix}: the store is closed`);
    const etcdPrefix = this.etcdKey(options.prefix);
    const batches = this.watchHub.watch({
      key: rangeStart(etcdPrefix),
      rangeEnd: prefixEnd(etcdPrefix),
      fromRevision: options.fromRevision,
      signal: options.signal,
      description: options.prefix,
    });
    for await (const batch of batches) {
      // The hub's events are shared by every watcher and frozen; T is the caller's claim about the values.
      for (const event of batch) yield event as WatchEvent<T>;
    }
  }

  private toWatchEvent(event: WatchEventMessage): WatchEvent<StoredObject> {
    const key = this.storeKey(event.kv.key);
    const revision = event.kv.modRevision;
    const prevObject = event.prevKv === undefined ? undefined : decodeValue(event.prevKv.value, event.prevKv.modRevision);
    switch (event.type) {
      case "PUT": {
        const object = decodeValue(event.kv.value, revision);
        if (event.kv.createRevision === revision) return { type: "ADDED", key, object, revision };
        return prevObject === undefined
          ? { type: "MODIFIED", key, object, revision }
          : { type: "MODIFIED", key, object, prevObject, revision };
      }
      case "DELETE": {
        if (event.prevKv === undefined || prevObject === undefined) {
          // etcd omits the previous value only when its revision was compacted away.
          throw new StoreError("Expired", `watch: deletion of ${key} at ${revision} came without its last state`, key);
        }
        return { type: "DELETED", key, object: decodeValue(event.prevKv.value, revision), prevObject, revision };
      }
    }
  }

  /**
   * A write guarded by the preconditions. resourceVersion alone compares
   * mod_revision in the Txn. A uid must be read first: the read's
   * mod_revision then guards the write, and a write in between sends us
   * round again.
   */
  private async conditionalWrite(
    operation: "update" | "delete",
    key: string,
    preconditions: Preconditions,
    write: RequestOp,
  ): Promise<TxnResponse> {
    const etcdKey = this.etcdKey(key);
    const expected = preconditions.resourceVersion === undefined ? undefined : parseResourceVersion(preconditions.resourceVersion);
    if (preconditions.uid === undefined) {
      const compare: RevisionCompare =
        expected === undefined
          ? { key: etcdKey, target: "create", result: "greater", revision: 0 }
          : { key: etcdKey, target: "mod", result: "equal", revision: expected };
      const response = await this.txn(operation, key, { compare: [compare], success: [write], failure: [{ range: { key: etcdKey } }] });
      if (!response.succeeded) throw this.failedPrecondition(operation, key, response, preconditions);
      return response;
    }
    for (let round = 0; round < maxUidPreconditionRounds; round += 1) {
      const current = (await this.call(operation, key, () => this.client.range({ key: etcdKey }))).kvs[0];
      if (current === undefined) throw new StoreError("NotFound", `${operation} ${key}: not found`, key);
      const actualUid = decodeValue<StoredObject>(current.value, current.modRevision).metadata?.uid;
      if (actualUid !== preconditions.uid) {
        throw new StoreError("Conflict", `${operation} ${key}: uid precondition ${preconditions.uid} does not match ${actualUid}`, key);
      }
      if (expected !== undefined && expected !== current.modRevision) {
        throw conflict(operation, key, preconditions.resourceVersion, current.modRevision);
      }
      const response = await this.txn(operation, key, {
        compare: [{ key: etcdKey, target: "mod", result: "equal", revision: current.modRevision }],
        success: [write],
        failure: [],
      });
      if (response.succeeded) return response;
    }
    throw new StoreError("Conflict", `${operation} ${key}: the object kept changing during ${maxUidPreconditionRounds} attempts`, key);
  }

  private failedPrecondition(operation: string, key: string, response: TxnResponse, preconditions: Preconditions): StoreError {
    const outcome = response.responses[0];
    const current = outcome !== undefined && "range" in outcome ? outcome.range.kvs[0] : undefined;
    if (current === undefined) return new StoreError("NotFound", `${operation} ${key}: not found`, key);
    return conflict(operation, key, preconditions.resourceVersion, current.modRevision);
  }

  private txn(operation: string, key: string, request: Parameters<EtcdClient["txn"]>[0]): Promise<TxnResponse> {
    return this.call(operation, key, () => this.client.txn(request));
  }

  /** Runs one etcd call and turns its failures into StoreErrors. */
  private async call<R>(operation: string, key: string | undefined, run: () => Promise<R>): Promise<R> {
    if (this.client.isClosed) throw new StoreError("Unavailable", `${operation}: the store is closed`, key);
    try {
      return await run();
    } catch (error) {
      throw this.storeError(operation, key, error);
    }
  }

  private storeError(operation: string, key: string | undefined, error: unknown): StoreError {
    if (isStoreError(error)) return error;
    const what = key === undefined ? operation : `${operation} ${key}`;
    if (this.client.isClosed) return new StoreError("Unavailable", `${what}: the store is closed`, key, { cause: error });
    if (!isServiceError(error)) {
      return new StoreError("Unavailable", `${what}: etcd call failed: ${String(error)}`, key, { cause: error });
    }
    return storeErrorFromEtcd(what, key, error, this.client.endpoints);
  }

  private etcdKey(key: string): Buffer {
    return Buffer.concat([this.prefix, Buffer.from(key, "utf8")]);
  }

  private storeKey(etcdKey: Buffer): string {
    return etcdKey.subarray(this.prefix.length).toString("utf8");
  }
}

/** etcd's gRPC failures as the contract's reasons; the etcd message stays in the text. */
function storeErrorFromEtcd(what: string, key: string | undefined, error: ServiceError, endpoints: readonly string[]): StoreError {
  const details = error.details;
  if (details.includes("required revision has been compacted")) {
    return new StoreError("Expired", `${what}: ${details}`, key, { cause: error });
  }
  if (details.includes("required revision is a future revision")) {
    return new StoreError("InvalidArgument", `${what}: ${details}`, key, { cause: error });
  }
  if (isTransient(error)) {
    return new StoreError("Unavailable", `${what}: etcd at ${endpoints.join(", ")} is unavailable: ${details}`, key, { cause: error });
  }
  if (error.code === grpcStatus.INVALID_ARGUMENT) {
    return new StoreError("InvalidArgument", `${what}: ${details}`, key, { cause: error });
  }
  return new StoreError("Unavailable", `${what}: etcd failed: ${details}`, key, { cause: error });
}

function conflict(operation: string, key: string, expected: string | undefined, actual: number): StoreError {
  return new StoreError("Conflict", `${operation} ${key}: resourceVersion precondition ${expected} does not match ${actual}`, key);
}

/**
 * A precondition's resourceVersion as a revision. Zero or a non-number can
 * never be a present key's mod_revision; -1 keeps it from matching the
 * mod_revision 0 etcd reports for an absent key.
 */
function parseResourceVersion(resourceVersion: string): number {
  return /^[1-9][0-9]{0,15}$/.test(resourceVersion) ? Number(resourceVersion) : -1;
}

function encodeObject(object: StoredObject): Buffer {
  const metadata = object.metadata;
  if (metadata === undefined || metadata.resourceVersion === undefined) return Buffer.from(JSON.stringify(object), "utf8");
  const { resourceVersion: _dropped, ...kept } = metadata;
  return Buffer.from(JSON.stringify({ ...object, metadata: kept }), "utf8");
}

/**
 * A stored value as an object stamped with `revision`. Writes return this
 * too, parsed from the bytes they sent: a fresh copy the caller may change,
 * equal to what a later get returns.
 */
function decodeValue<T extends StoredObject>(value: Buffer, revision: Revision): T {
  return parseStamped<T>(value.toString("utf8"), revision);
}

/** etcd refuses an empty key; "\0" is the first key there is. */
function rangeStart(key: Buffer): Buffer {
  return key.length === 0 ? Buffer.from([0]) : key;
}

/** The smallest key greater than every key starting with `prefix` ("\0" = no end, for the empty prefix). */
function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let index = end.length - 1; index >= 0; index -= 1) {
    if ((end[index] as number) < 0xff) {
      end[index] = (end[index] as number) + 1;
      return end.subarray(0, index + 1);
    }
  }
  return Buffer.from([0]);
}
