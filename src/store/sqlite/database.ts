import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { checkpointInBackground, type WalCheckpointLease } from '../../lib/wal-checkpointer.js';
import { migrate } from './migrations.js';

export type Row = Record<string, unknown>;

interface QueuedWrite {
  run(): unknown;
  /** Writes with a single statement, which SQLite undoes alone when it fails: no savepoint needed. */
  oneStatement: boolean;
  resolve(value: unknown): void;
  reject(reason: unknown): void;
}

/**
 * A `node:sqlite` connection with cached statements. Calls are synchronous, so each repository
 * method runs to completion without interleaving with other async callers in this process;
 * other processes are serialised by SQLite's locks (WAL + busy timeout).
 *
 * Statements that run per chat bind `col = +?` and `LIMIT +?` where an ORDER BY or a partial index is
 * involved: with a bare `?` there, SQLite (3.5x in node:sqlite) prepares the statement anew each time values
 * are bound (its planner looked at the value), 50-150 µs per call. The unary plus passes the same value,
 * compared the same way (a parameter has no affinity either way); the plans stay the same. Checked through
 * the authorizer in test/store/sqlite-statements.test.ts (and for the jobs, in claim-sql.ts's test).
 */
export class SqliteDatabase {
  readonly db: DatabaseSync;
  private readonly statements = new Map<string, StatementSync>();
  private queued: QueuedWrite[] = [];
  /** Checkpoints run on a worker thread, not inside our commits (see lib/wal-checkpointer.ts). */
  readonly checkpointer: WalCheckpointLease | null;

  constructor(readonly path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new DatabaseSync(path);
    this.db.exec('PRAGMA journal_mode = WAL');
    this.db.exec('PRAGMA busy_timeout = 5000');
    this.db.exec('PRAGMA synchronous = NORMAL');
    this.db.exec('PRAGMA foreign_keys = ON');
    migrate(this.db);
    this.checkpointer = checkpointInBackground(this.db, path);
  }

  private statement(sql: string): StatementSync {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  all(sql: string, ...params: SQLInputValue[]): Row[] {
    return this.statement(sql).all(...params) as Row[];
  }

  get(sql: string, ...params: SQLInputValue[]): Row | undefined {
    return this.statement(sql).get(...params) as Row | undefined;
  }

  /** Runs a write; returns the number of rows changed. */
  run(sql: string, ...params: SQLInputValue[]): number {
    return Number(this.statement(sql).run(...params).changes);
  }

  /**
   * Runs `fn` in one write transaction (synchronous: no await may happen inside). Inside a transaction
   * already open (a group commit) it is a savepoint: all or nothing, as alone. Throws when the transaction
   * does not commit: nothing it wrote is then in the database.
   */
  transaction<T>(fn: () => T): T {
    const nested = this.db.isTransaction;
    // Cached statements: in a group commit every write opens and closes a savepoint.
    this.statement(nested ? 'SAVEPOINT tx' : 'BEGIN IMMEDIATE').run();
    try {
      const result = fn();
      this.statement(nested ? 'RELEASE tx' : 'COMMIT').run();
      return result;
    } catch (err) {
      // A full disk or an I/O error may have rolled the whole transaction back already (SQLite does so for
      // a statement without a statement journal): then there is no savepoint left to roll back to.
      try {
        if (this.db.isTransaction && nested) {
          this.statement('ROLLBACK TO tx').run();
          this.statement('RELEASE tx').run();
        } else if (this.db.isTransaction) this.statement('ROLLBACK').run();
      } catch {
        // The original error says what went wrong; a failed rollback leaves nothing committed either.
      }
      throw err;
    }
  }

  /**
   * Group commit for hot writes: `fn` runs with the other writes queued in this turn of the event loop,
   * all in one transaction, and the promise settles once that transaction is committed (durable, as an
   * awaited single write is). A commit costs several times a statement, so a burst of webhook deliveries
   * pays for one instead of one each. Each `fn` is its own savepoint: one that throws rejects alone.
   * A `fn` whose only write is one statement may say so (`oneStatement`): a failed statement is undone by
   * SQLite alone, so it skips the savepoint's two extra statements (the webhook's insert, on every delivery).
   */
  groupWrite<T>(fn: () => T, options: { oneStatement?: boolean } = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const oneStatement = options.oneStatement ?? false;
      this.queued.push({ run: fn, oneStatement, resolve: resolve as (value: unknown) => void, reject });
      if (this.queued.length === 1) setImmediate(() => this.flushGroup());
    });
  }

  private flushGroup(): void {
    const writes = this.queued;
    this.queued = [];
    if (writes.length === 0) return;
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    try {
      this.transaction(() => {
        for (const write of writes) {
          try {
            const value = write.oneStatement ? write.run() : this.transaction(() => write.run());
            outcomes.push({ ok: true, value });
          } catch (error) {
            // SQLite rolled the group's transaction back (disk full, I/O error): the writes before this one
            // are undone too, and the ones after it must not run outside the transaction, each committing
            // on its own while its caller is told it failed.
            if (!this.db.isTransaction) throw error;
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      // The transaction could not start or commit (locked, read-only, disk full): nothing was written.
      for (const write of writes) write.reject(error);
      return;
    }
    writes.forEach((write, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) write.resolve(outcome.value);
      else write.reject(outcome.error);
    });
  }

  /**
   * Rewrites the file without free pages and empties the WAL, so deleted or overwritten values are gone
   * from disk. Needs a moment without other writers (busy timeout applies); false when it could not run.
   */
  compact(): boolean {
    try {
      this.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      this.db.exec('VACUUM');
      const row = this.db.prepare('PRAGMA wal_checkpoint(TRUNCATE)').get() as { busy?: number } | undefined;
      return (row?.busy ?? 0) === 0;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.db.isOpen) this.flushGroup();
    if (this.db.isOpen) this.db.close();
    await this.checkpointer?.release();
  }
}

/** SQL fragments with `?` placeholders and their values, skipping fields that are undefined. */
export class SqlParts {
  readonly fragments: string[] = [];
  readonly values: SQLInputValue[] = [];

  add(fragment: string, value: SQLInputValue | undefined): this {
    if (value !== undefined) {
      this.fragments.push(fragment);
      this.values.push(value);
    }
    return this;
  }

  where(): string {
    return this.fragments.length ? `WHERE ${this.fragments.join(' AND ')}` : '';
  }
}

// Column codecs: the one place where records become SQL values and back.
export const toMs = (d: Date | null | undefined): number | null => (d ? d.getTime() : null);
export const fromMs = (v: unknown): Date | null =>
  v === null || v === undefined ? null : new Date(Number(v));
export const toJson = (v: unknown): string | null =>
  v === null || v === undefined ? null : JSON.stringify(v);
export const fromJson = <T>(v: unknown, fallback: T): T =>
  typeof v === 'string' ? (JSON.parse(v) as T) : fallback;
export const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** `?, ?, ?` for `n` bound values. */
export const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');
