// The SQLite revision log, like kine's: every write appends one row whose
// primary key is the new revision. The state at revision R is, per key, the
// newest row with revision <= R unless that row is a deletion. Synchronous by
// design (better-sqlite3): the store decides when to call it.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { Revision } from "../store.ts";
import { StoreError } from "../store.ts";

export interface LogRow {
  revision: Revision;
  key: string;
  /** This row created the key (ADDED). */
  created: boolean;
  /** This row deleted the key (DELETED); its value is empty, the deleted document is the previous row's. */
  deleted: boolean;
  createRevision: Revision;
  /** The row this one replaced; null for a creation. */
  prevRevision: Revision | null;
  value: string;
}

/** The newest row of a key. */
export interface KeyState {
  revision: Revision;
  deleted: boolean;
  createRevision: Revision;
  value: string;
}

export interface LogEvent {
  revision: Revision;
  key: string;
  created: boolean;
  deleted: boolean;
  prevRevision: Revision | null;
  value: string;
  prevValue: string | null;
}

// SQLite orders any TEXT before any BLOB, so this BLOB bounds "no upper key"
// and lets one statement serve both bounded and unbounded prefixes.
const afterEveryKey = Buffer.from([0xff]);

const schema = `
  CREATE TABLE IF NOT EXISTS log (
    revision        INTEGER PRIMARY KEY,
    key             TEXT    NOT NULL,
    created         INTEGER NOT NULL,
    deleted         INTEGER NOT NULL,
    create_revision INTEGER NOT NULL,
    prev_revision   INTEGER,
    value           TEXT    NOT NULL
  );
  -- Serves the latest row of a key, lists at a revision (covering for key, revision, deleted) and compaction.
  CREATE INDEX IF NOT EXISTS log_key_revision ON log (key, revision, deleted);
  CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
`;

type Bound = string | Buffer;

export class RevisionLog {
  private readonly latestOfKey;
  private readonly insertRow;
  private readonly listAt;
  private readonly countLiveAt;
  private readonly eventsIn;
  private readonly compactRange;
  private readonly readMeta;
  private readonly writeMeta;
  private readonly oldestRevision;
  private readonly newestRevision;

  private constructor(private readonly db: Database.Database) {
    this.latestOfKey = db.prepare<[string], { revision: number; deleted: number; createRevision: number; value: string }>(
      "SELECT revision, deleted, create_revision AS createRevision, value FROM log WHERE key = ? ORDER BY revision DESC LIMIT 1",
    );
    this.insertRow = db.prepare<[number, string, number, number, number, number | null, string]>(
      "INSERT INTO log (revision, key, created, deleted, create_revision, prev_revision, value) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
    // Walks the index in key order and keeps each key's newest row at the
    // revision: no sort, and documents are read only for the rows returned.
    this.listAt = db.prepare<[Bound, Bound, number, number], { key: string; revision: number; value: string }>(`
      SELECT row.key AS key, row.revision AS revision, row.value AS value
      FROM log AS row
      WHERE row.key >= ? AND row.key < ? AND row.deleted = 0
        AND row.revision = (SELECT MAX(newer.revision) FROM log AS newer WHERE newer.key = row.key AND newer.revision <= ?)
      ORDER BY row.key
      LIMIT ?`);
    // Counting needs no documents: one pass over the covering index, grouped by key
    // (the bare column "deleted" comes from each key's MAX(revision) row).
    this.countLiveAt = db.prepare<[Bound, Bound, number], { count: number }>(`
      SELECT count(*) AS count
      FROM (SELECT MAX(revision), deleted FROM log WHERE key >= ? AND key < ? AND revision <= ? GROUP BY key)
      WHERE deleted = 0`);
    this.eventsIn = db.prepare<[number, number, Bound, Bound], Omit<LogEvent, "created" | "deleted"> & { created: number; deleted: number }>(`
      SELECT row.revision AS revision, row.key AS key, row.created AS created, row.deleted AS deleted,
             row.prev_revision AS prevRevision, row.value AS value, prev.value AS prevValue
      FROM log AS row LEFT JOIN log AS prev ON prev.revision = row.prev_revision
      WHERE row.revision > ? AND row.revision <= ? AND row.key >= ? AND row.key < ?
      ORDER BY row.revision`);
    // Rows before the compacted revision that no read at or after it needs:
    // deletions, and rows replaced before it. A row replaced at or after the
    // compacted revision stays: it is the previous object of a kept event.
    this.compactRange = db.prepare<[number, number, number]>(`
      DELETE FROM log WHERE revision IN (
        SELECT row.revision FROM log AS row
        WHERE row.revision >= ? AND row.revision < ?
          AND (row.deleted = 1 OR EXISTS (
            SELECT 1 FROM log AS later
            WHERE later.key = row.key AND later.revision > row.revision AND later.revision < ?)))`);
    this.readMeta = db.prepare<[string], { value: number }>("SELECT value FROM meta WHERE name = ?");
    this.writeMeta = db.prepare<[string, number]>("INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value");
    this.oldestRevision = db.prepare<[], { revision: number | null }>("SELECT MIN(revision) AS revision FROM log");
    this.newestRevision = db.prepare<[], { revision: number | null }>("SELECT MAX(revision) AS revision FROM log");
  }

  /**
   * Opens (creating if needed) the log at `path` and holds it exclusively
   * until close: a second opener, in this process or another, fails.
   */
  static open(path: string): RevisionLog {
    let db: Database.Database | undefined;
    try {
      mkdirSync(dirname(path), { recursive: true });
      db = new Database(path, { timeout: 1_000 });
      // EXCLUSIVE: the file lock is taken by the first write below and held
      // until close, so only one process uses a data file; it also keeps the
      // WAL index in process memory instead of a shared-memory file.
      db.pragma("locking_mode = EXCLUSIVE");
      db.pragma("journal_mode = WAL");
      // FULL: the WAL is synced at every commit, so an acknowledged write survives a crash or power loss.
      db.pragma("synchronous = FULL");
      db.exec(`BEGIN IMMEDIATE; ${schema} COMMIT;`);
      return new RevisionLog(db);
    } catch (error) {
      db?.close();
      const busy = (error as { code?: string }).code === "SQLITE_BUSY";
      throw new StoreError(
        "Unavailable",
        busy ? `${path} is in use by another store (only one process may open a data file)` : `cannot open ${path}: ${String(error)}`,
        undefined,
        { cause: error },
      );
    }
  }

  latest(key: string): KeyState | undefined {
    const row = this.latestOfKey.get(key);
    return row && { revision: row.revision, deleted: row.deleted === 1, createRevision: row.createRevision, value: row.value };
  }

  append(row: LogRow): void {
    this.insertRow.run(row.revision, row.key, row.created ? 1 : 0, row.deleted ? 1 : 0, row.createRevision, row.prevRevision, row.value);
  }

  /** Runs `body` in one transaction: one WAL sync for everything it appends. */
  transaction<T>(body: () => T): T {
    return this.db.transaction(body)();
  }

  /** Live keys in [startKey, end) at `revision`, in key order; limit 0 = all. */
  list(startKey: string, end: string | undefined, revision: Revision, limit: number): { key: string; revision: number; value: string }[] {
    return this.listAt.all(startKey, end ?? afterEveryKey, revision, limit === 0 ? -1 : limit);
  }

  countLive(startKey: string, end: string | undefined, revision: Revision): number {
    return this.countLiveAt.get(startKey, end ?? afterEveryKey, revision)?.count ?? 0;
  }

  /** Rows after `after` up to `through` under [startKey, end), with the documents they replaced. */
  events(after: Revision, through: Revision, startKey: string, end: string | undefined): LogEvent[] {
    return this.eventsIn.all(after, through, startKey, end ?? afterEveryKey).map((row) => ({
      ...row,
      created: row.created === 1,
      deleted: row.deleted === 1,
    }));
  }

  newest(): Revision {
    return this.newestRevision.get()?.revision ?? 0;
  }

  oldest(): Revision {
    return this.oldestRevision.get()?.revision ?? 0;
  }

  compactedRevision(): Revision {
    return this.readMeta.get("compacted")?.value ?? 0;
  }

  recordCompaction(revision: Revision): void {
    this.writeMeta.run("compacted", revision);
  }

  /** Drops rows in [from, to) that no read at or after `compactedTo` needs; returns how many. */
  compactRows(from: Revision, to: Revision, compactedTo: Revision): number {
    return this.transaction(() => this.compactRange.run(from, to, compactedTo).changes);
  }

  close(): void {
    this.db.close();
  }
}
