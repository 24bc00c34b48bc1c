import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import { checkpointInBackground, type WalCheckpointLease } from '../../lib/wal-checkpointer.js';

export type SqlParam = SQLInputValue;

/** Table names are interpolated into SQL, so only our own `agenda_` tables are accepted. */
export function assertAgendaTableName(name: string): string {
  if (!/^agenda_[A-Za-z0-9_]{1,57}$/.test(name)) {
    throw new Error(`Agenda SQLite table name must match agenda_[A-Za-z0-9_]+, got "${name}"`);
  }
  return name;
}

/**
 * One `DatabaseSync` connection on a file shared with other connections (the app's store, other
 * Agenda processes). WAL lets readers run beside the single writer; `busy_timeout` makes a writer
 * wait for the lock instead of failing with SQLITE_BUSY.
 *
 * node:sqlite is synchronous: a transaction opened and committed inside one synchronous call can't
 * interleave with other JavaScript, and other connections are excluded by the file lock. Never
 * hold a transaction across an `await` (a connection in this same process would then block the
 * event loop in its busy wait while the holder can never resume).
 */
export class SqliteConnection {
  #db: DatabaseSync | undefined;
  #checkpointer: WalCheckpointLease | null = null;

  constructor(
    readonly path: string,
    readonly busyTimeoutMs: number,
  ) {}

  get isOpen(): boolean {
    return this.#db !== undefined;
  }

  open(): void {
    if (this.#db) return;
    const db = new DatabaseSync(this.path, { timeout: this.busyTimeoutMs });
    try {
      db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(this.busyTimeoutMs))}`);
      db.exec('PRAGMA journal_mode = WAL');
      db.exec('PRAGMA synchronous = NORMAL');
    } catch (error) {
      db.close();
      throw error;
    }
    this.#db = db;
    // Checkpoints run on a worker thread, not inside our commits (see lib/wal-checkpointer.ts).
    this.#checkpointer = checkpointInBackground(db, this.path, this.busyTimeoutMs);
  }

  async close(): Promise<void> {
    const db = this.#db;
    const checkpointer = this.#checkpointer;
    this.#db = undefined;
    this.#checkpointer = null;
    if (db?.isOpen) db.close();
    await checkpointer?.release();
  }

  get db(): DatabaseSync {
    if (!this.#db) throw new Error(`SQLite Agenda backend is not connected (${this.path})`);
    return this.#db;
  }

  /** Runs `fn` inside `BEGIN IMMEDIATE … COMMIT`: the write lock is taken up front, so a
   * read-then-write sequence is atomic across connections and never fails on lock upgrade. */
  immediate<T>(fn: (db: DatabaseSync) => T): T {
    const db = this.db;
    db.exec('BEGIN IMMEDIATE');
    try {
      const result = fn(db);
      db.exec('COMMIT');
      return result;
    } catch (error) {
      try {
        if (db.isTransaction) db.exec('ROLLBACK');
      } catch {
        // A failing disk may fail the rollback too; the original error is the one to report.
      }
      throw error;
    }
  }
}
