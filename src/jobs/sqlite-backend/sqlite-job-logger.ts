import type { JobLogEntry, JobLogger, JobLogQuery, JobLogQueryResult } from 'agenda';
import { joinConditions, type SqlCondition } from './json-match.js';
import { assertAgendaTableName, type SqliteConnection } from './sqlite-connection.js';

export interface SqliteJobLoggerOptions {
  /** Log table; must start with `agenda_`. Default `agenda_logs`. */
  tableName?: string;
}

interface LogRow {
  id: number;
  timestamp: number;
  level: JobLogEntry['level'];
  event: JobLogEntry['event'];
  job_id: string | null;
  job_name: string;
  message: string;
  duration: number | null;
  error: string | null;
  fail_count: number | null;
  retry_delay: number | null;
  retry_attempt: number | null;
  agenda_name: string | null;
  meta: string | null;
}

const DEFAULT_LIMIT = 50;

/** Agenda's persistent job event log (`logging: true`) in a table beside the jobs. */
export class SqliteJobLogger implements JobLogger {
  readonly tableName: string;
  readonly #connection: SqliteConnection;

  constructor(connection: SqliteConnection, options: SqliteJobLoggerOptions = {}) {
    this.#connection = connection;
    this.tableName = assertAgendaTableName(options.tableName ?? 'agenda_logs');
  }

  /** Creates the table and its indexes; called by the backend on connect. */
  ensureSchema(): void {
    const t = `"${this.tableName}"`;
    this.#connection.immediate((db) =>
      db.exec(`
        CREATE TABLE IF NOT EXISTS ${t} (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          timestamp INTEGER NOT NULL,
          level TEXT NOT NULL,
          event TEXT NOT NULL,
          job_id TEXT,
          job_name TEXT NOT NULL,
          message TEXT NOT NULL,
          duration INTEGER,
          error TEXT,
          fail_count INTEGER,
          retry_delay INTEGER,
          retry_attempt INTEGER,
          agenda_name TEXT,
          meta TEXT
        );
        CREATE INDEX IF NOT EXISTS "${this.tableName}_timestamp" ON ${t} (timestamp);
        CREATE INDEX IF NOT EXISTS "${this.tableName}_job_id" ON ${t} (job_id, timestamp);
        CREATE INDEX IF NOT EXISTS "${this.tableName}_job_name" ON ${t} (job_name, timestamp);
      `),
    );
  }

  async log(entry: Omit<JobLogEntry, '_id'>): Promise<void> {
    // Agenda logs fire-and-forget; entries arriving after disconnect are dropped.
    if (!this.#connection.isOpen) return;
    this.#connection.db
      .prepare(
        `INSERT INTO "${this.tableName}" (timestamp, level, event, job_id, job_name, message, duration,
           error, fail_count, retry_delay, retry_attempt, agenda_name, meta)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        (entry.timestamp ?? new Date()).getTime(),
        entry.level,
        entry.event,
        entry.jobId ?? null,
        entry.jobName,
        entry.message,
        entry.duration ?? null,
        entry.error ?? null,
        entry.failCount ?? null,
        entry.retryDelay ?? null,
        entry.retryAttempt ?? null,
        entry.agendaName ?? null,
        entry.meta === undefined ? null : JSON.stringify(entry.meta),
      );
  }

  async getLogs(query: JobLogQuery = {}): Promise<JobLogQueryResult> {
    if (!this.#connection.isOpen) return { entries: [], total: 0 };
    const where = joinConditions(this.#conditions(query));
    const db = this.#connection.db;
    const order = query.sort === 'asc' ? 'ASC' : 'DESC';
    const limit = Math.max(0, Math.floor(query.limit ?? DEFAULT_LIMIT));
    const offset = Math.max(0, Math.floor(query.offset ?? 0));
    const rows = db
      .prepare(
        `SELECT * FROM "${this.tableName}" WHERE ${where.sql} ORDER BY timestamp ${order}, id ${order} LIMIT ? OFFSET ?`,
      )
      .all(...where.params, limit, offset) as unknown as LogRow[];
    const count = db
      .prepare(`SELECT count(*) AS n FROM "${this.tableName}" WHERE ${where.sql}`)
      .get(...where.params) as {
      n: number;
    };
    return { entries: rows.map(toEntry), total: count.n };
  }

  async clearLogs(query?: JobLogQuery): Promise<number> {
    if (!this.#connection.isOpen) return 0;
    const where = joinConditions(this.#conditions(query ?? {}));
    const result = this.#connection.db
      .prepare(`DELETE FROM "${this.tableName}" WHERE ${where.sql}`)
      .run(...where.params);
    return Number(result.changes);
  }

  #conditions(query: JobLogQuery): SqlCondition[] {
    const conditions: SqlCondition[] = [];
    if (query.jobId) conditions.push({ sql: 'job_id = ?', params: [query.jobId] });
    if (query.jobName) conditions.push({ sql: 'job_name = ?', params: [query.jobName] });
    const oneOf = (column: string, value: string | string[]): SqlCondition =>
      Array.isArray(value)
        ? { sql: `${column} IN (SELECT value FROM json_each(?))`, params: [JSON.stringify(value)] }
        : { sql: `${column} = ?`, params: [value] };
    if (query.level) conditions.push(oneOf('level', query.level));
    if (query.event) conditions.push(oneOf('event', query.event));
    if (query.from) conditions.push({ sql: 'timestamp >= ?', params: [query.from.getTime()] });
    if (query.to) conditions.push({ sql: 'timestamp <= ?', params: [query.to.getTime()] });
    return conditions;
  }
}

function toEntry(row: LogRow): JobLogEntry {
  const entry: JobLogEntry = {
    _id: String(row.id),
    timestamp: new Date(row.timestamp),
    level: row.level,
    event: row.event,
    jobName: row.job_name,
    message: row.message,
  };
  if (row.job_id !== null) entry.jobId = row.job_id;
  if (row.duration !== null) entry.duration = row.duration;
  if (row.error !== null) entry.error = row.error;
  if (row.fail_count !== null) entry.failCount = row.fail_count;
  if (row.retry_delay !== null) entry.retryDelay = row.retry_delay;
  if (row.retry_attempt !== null) entry.retryAttempt = row.retry_attempt;
  if (row.agenda_name !== null) entry.agendaName = row.agenda_name;
  if (row.meta !== null) entry.meta = JSON.parse(row.meta) as Record<string, unknown>;
  return entry;
}
