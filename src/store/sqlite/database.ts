import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { migrate } from './migrations.js';

export type Row = Record<string, unknown>;

/**
 * A `node:sqlite` connection with cached statements. Calls are synchronous, so each repository
 * method runs to completion without interleaving with other async callers in this process;
 * other processes are serialised by SQLite's locks (WAL + busy timeout).
 */
export class SqliteDatabase {
  readonly db: DatabaseSync;
  private readonly statements = new Map<string, StatementSync>();

  constructor(readonly path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new DatabaseSync(path);
    this.db.exec('PRAGMA journal_mode = WAL');
    this.db.exec('PRAGMA busy_timeout = 5000');
    this.db.exec('PRAGMA synchronous = NORMAL');
    this.db.exec('PRAGMA foreign_keys = ON');
    migrate(this.db);
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

  /** Runs `fn` in one write transaction (synchronous: no await may happen inside). */
  transaction<T>(fn: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = fn();
      this.db.exec('COMMIT');
      return result;
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
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

  close(): void {
    if (this.db.isOpen) this.db.close();
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
