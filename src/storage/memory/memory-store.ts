// The in-memory Store: a revision log in arrays and maps, for unit and scale
// tests only (nothing survives the process). Documents are kept as JSON
// strings so callers can never reach stored state through a returned object.
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
import { StoreError } from "../store.ts";
import { encodeContinueToken } from "../continue-token.ts";
import { planList } from "../list-plan.ts";
import { parseStamped } from "../stamp-revision.ts";
import type { CommittedChange } from "../watch-hub.ts";
import { WatchHub } from "../watch-hub.ts";
import type { CompactionPolicy } from "../auto-compaction.ts";
import { startAutoCompaction } from "../auto-compaction.ts";

interface Row {
  revision: Revision;
  key: string;
  deleted: boolean;
  /** The document; for a deletion, the deleted document. */
  value: string;
  /** The document this row replaced (update, delete), kept inline so compaction never loses it. */
  prevValue?: string;
  prevRevision?: Revision;
}

export interface MemoryStoreOptions {
  /** Automatic compaction; off when absent. */
  compaction?: CompactionPolicy;
}

/** Index of the first element for which `before` is false, in an array where it is true then false. */
function partitionPoint<T>(items: readonly T[], before: (item: T) => boolean): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (before(items[middle]!)) low = middle + 1;
    else high = middle;
  }
  return low;
}

function eventOf(row: Row): WatchEvent<StoredObject> {
  const object = parseStamped(row.value, row.revision);
  if (row.prevValue === undefined || row.prevRevision === undefined) return { type: "ADDED", key: row.key, object, revision: row.revision };
  const prevObject = parseStamped(row.prevValue, row.prevRevision);
  return { type: row.deleted ? "DELETED" : "MODIFIED", key: row.key, object, prevObject, revision: row.revision };
}

export class MemoryStore implements Store {
  readonly backend = "memory";
  /** Every kept row in revision order: the watch log. */
  private log: Row[] = [];
  /** Each key's kept rows in revision order. */
  private readonly history = new Map<string, Row[]>();
  /** The keys of `history`, sorted. */
  private sortedKeys: string[] = [];
  private revision: Revision = 0;
  private compacted: Revision = 0;
  private closed = false;
  private readonly hub: WatchHub;
  private readonly stopCompaction: () => void;

  constructor(options: MemoryStoreOptions = {}) {
    this.hub = new WatchHub({ readEvents: (prefix, after, through) => this.readEvents(prefix, after, through) }, { latest: 0, compacted: 0 });
    this.stopCompaction = options.compaction ? startAutoCompaction(this, () => this.compacted, options.compaction) : () => undefined;
  }

  async get<T extends StoredObject>(key: string): Promise<T> {
    this.ensureOpen();
    const row = this.latestRow(key);
    if (row === undefined || row.deleted) throw new StoreError("NotFound", `${key} not found`, key);
    return parseStamped<T>(row.value, row.revision);
  }

  async list<T extends StoredObject>(options: ListOptions): Promise<ListResult<T>> {
    this.ensureOpen();
    const plan = planList(options, this.revision, this.compacted);
    const items: T[] = [];
    let remaining = 0;
    let lastKey: string | undefined;
    for (let index = partitionPoint(this.sortedKeys, (key) => key < plan.startKey); index < this.sortedKeys.length; index++) {
      const key = this.sortedKeys[index]!;
      if (!key.startsWith(options.prefix)) break;
      const rows = this.history.get(key)!;
      const row = rows[partitionPoint(rows, (candidate) => candidate.revision <= plan.revision) - 1];
      if (row === undefined || row.deleted) continue;
      if (plan.limit === 0 || items.length < plan.limit) {
        items.push(parseStamped<T>(row.value, row.revision));
        lastKey = key;
      } else {
        remaining++;
      }
    }
    if (remaining === 0 || lastKey === undefined) return { items, revision: plan.revision };
    return {
      items,
      revision: plan.revision,
      continue: encodeContinueToken(options.prefix, plan.revision, lastKey),
      remainingItemCount: remaining,
    };
  }

  async create<T extends StoredObject>(key: string, object: T): Promise<T> {
    this.ensureOpen();
    const value = JSON.stringify(object);
    const current = this.latestRow(key);
    if (current !== undefined && !current.deleted) throw new StoreError("AlreadyExists", `${key} already exists`, key);
    return parseStamped<T>(this.append({ revision: this.revision + 1, key, deleted: false, value }).value, this.revision);
  }

  async update<T extends StoredObject>(key: string, object: T, preconditions?: Preconditions): Promise<T> {
    this.ensureOpen();
    const value = JSON.stringify(object);
    const current = this.presentRow(key, preconditions);
    const row = this.append({ revision: this.revision + 1, key, deleted: false, value, prevValue: current.value, prevRevision: current.revision });
    return parseStamped<T>(row.value, row.revision);
  }

  async delete<T extends StoredObject>(key: string, preconditions?: Preconditions): Promise<T> {
    this.ensureOpen();
    const current = this.presentRow(key, preconditions);
    const row = this.append({
      revision: this.revision + 1,
      key,
      deleted: true,
      value: current.value,
      prevValue: current.value,
      prevRevision: current.revision,
    });
    return parseStamped<T>(row.value, row.revision);
  }

  watch<T extends StoredObject>(options: WatchOptions): AsyncIterable<WatchEvent<T>> {
    return this.hub.watch<T>(options);
  }

  async currentRevision(): Promise<Revision> {
    this.ensureOpen();
    return this.revision;
  }

  async compact(revision: Revision): Promise<void> {
    this.ensureOpen();
    if (!Number.isSafeInteger(revision) || revision > this.revision) {
      throw new StoreError("InvalidArgument", `cannot compact to ${revision}: the latest revision is ${this.revision}`);
    }
    if (revision <= this.compacted) return;
    this.compacted = revision;
    this.hub.compactedTo(revision);
    // Rows before the compacted revision serve no watch; per key, keep the
    // newest row before it (the state at that revision) unless it is a deletion.
    this.log = this.log.slice(partitionPoint(this.log, (row) => row.revision < revision));
    const emptied = new Set<string>();
    for (const [key, rows] of this.history) {
      const firstKept = partitionPoint(rows, (row) => row.revision < revision);
      if (firstKept === 0) continue;
      const stateAtCompaction = rows[firstKept - 1]!;
      const kept = stateAtCompaction.deleted ? rows.slice(firstKept) : rows.slice(firstKept - 1);
      if (kept.length === 0) {
        this.history.delete(key);
        emptied.add(key);
      } else {
        this.history.set(key, kept);
      }
    }
    if (emptied.size > 0) this.sortedKeys = this.sortedKeys.filter((key) => !emptied.has(key));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopCompaction();
    this.hub.close(new StoreError("Unavailable", "the store is closed"));
  }

  private ensureOpen(): void {
    if (this.closed) throw new StoreError("Unavailable", "the store is closed");
  }

  private latestRow(key: string): Row | undefined {
    return this.history.get(key)?.at(-1);
  }

  /** The key's current row, which must exist and satisfy the preconditions. */
  private presentRow(key: string, preconditions: Preconditions | undefined): Row {
    const current = this.latestRow(key);
    if (current === undefined || current.deleted) throw new StoreError("NotFound", `${key} not found`, key);
    if (preconditions?.resourceVersion !== undefined && preconditions.resourceVersion !== String(current.revision)) {
      throw new StoreError("Conflict", `${key} is at resourceVersion ${current.revision}, not ${preconditions.resourceVersion}`, key);
    }
    if (preconditions?.uid !== undefined) {
      const uid = (JSON.parse(current.value) as StoredObject).metadata?.uid;
      if (uid !== preconditions.uid) throw new StoreError("Conflict", `${key} has uid ${uid}, not ${preconditions.uid}`, key);
    }
    return current;
  }

  private append(row: Row): Row {
    this.revision = row.revision;
    this.log.push(row);
    const rows = this.history.get(row.key);
    if (rows === undefined) {
      this.history.set(row.key, [row]);
      this.sortedKeys.splice(partitionPoint(this.sortedKeys, (key) => key < row.key), 0, row.key);
    } else {
      rows.push(row);
    }
    const change: CommittedChange = { key: row.key, revision: row.revision, event: () => eventOf(row) };
    this.hub.publish([change]);
    return row;
  }

  private readEvents(prefix: string, after: Revision, through: Revision): WatchEvent<StoredObject>[] {
    const events: WatchEvent<StoredObject>[] = [];
    for (let index = partitionPoint(this.log, (row) => row.revision <= after); index < this.log.length; index++) {
      const row = this.log[index]!;
      if (row.revision > through) break;
      if (row.key.startsWith(prefix)) events.push(eventOf(row));
    }
    return events;
  }
}

/** An in-memory store for unit and scale tests. */
export function openMemoryStore(options: MemoryStoreOptions = {}): Promise<Store> {
  return Promise.resolve(new MemoryStore(options));
}
