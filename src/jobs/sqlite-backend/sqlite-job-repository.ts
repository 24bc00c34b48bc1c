import { randomUUID } from 'node:crypto';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import {
  computeJobState,
  type JobId,
  type JobParameters,
  type JobRepository,
  type JobRepositoryOptions,
  type JobsOverview,
  type JobsQueryOptions,
  type JobsResult,
  type JobWithState,
  type RemoveJobsOptions,
} from 'agenda';
import { backoffDelay } from '../../lib/retry.js';
import { isStorageFailure } from '../../lib/storage-errors.js';
import { claimParams, claimSql } from './claim-sql.js';
import { debounceSchedule } from './debounce-schedule.js';
import { orderByClause, queryJobsConditions, removeJobsConditions } from './job-filters.js';
import { asJobRow, asJobRows, type JobRow, rowToJob, toJson, toMs } from './job-row.js';
import { createJobTableSql, leaseTable, lockOwnerIndexSql, upgradeJobTableSql } from './job-table-schema.js';
import { dataPathIndexSql, joinConditions, type SqlCondition, uniqueConstraint } from './json-match.js';
import { assertAgendaTableName, type SqliteConnection, type SqlParam } from './sqlite-connection.js';

export interface SqliteJobRepositoryOptions {
  /** Jobs table; must start with `agenda_`. Default `agenda_jobs`. */
  tableName?: string;
  /**
   * How long the locks this repository takes outlive its last heartbeat (renewed every fifth of it): after a
   * crash, another process takes the jobs over this soon instead of after their lock lifetime. Default 10 s.
   */
  leaseMs?: number;
}

export const DEFAULT_LEASE_MS = 10_000;
/** After a claim fails on a failing storage, claims pause this long at first, doubling up to the cap. */
const CLAIM_PAUSE = { baseMs: 500, maxMs: 10_000 };
/** A lease row this old belongs to a process long gone: removed at connect. */
const FORGET_LEASES_AFTER_MS = 24 * 3600_000;

/** Fields of a save that describe the job (as opposed to the processor-managed run state). */
interface DefinitionValues {
  name: string;
  priority: number;
  nextRunAt: number | null;
  type: 'normal' | 'single';
  repeatInterval: string | null;
  repeatTimezone: string | null;
  repeatAt: string | null;
  data: string | null;
  disabled: number;
  fork: number;
  lastModifiedBy: string | null;
  debounceStartedAt: number | null;
  startDate: number | null;
  endDate: number | null;
  skipDays: string | null;
  uniqueKey: string | null;
  uniqueOpts: string | null;
}

/** Each definition column and the field it holds: a first insert and a later save both follow this list. */
const DEFINITION_COLUMNS: ReadonlyArray<
  readonly [column: string, field: Exclude<keyof DefinitionValues, 'name'>]
> = [
  ['priority', 'priority'],
  ['next_run_at', 'nextRunAt'],
  ['type', 'type'],
  ['repeat_interval', 'repeatInterval'],
  ['repeat_timezone', 'repeatTimezone'],
  ['repeat_at', 'repeatAt'],
  ['data', 'data'],
  ['disabled', 'disabled'],
  ['fork', 'fork'],
  ['last_modified_by', 'lastModifiedBy'],
  ['debounce_started_at', 'debounceStartedAt'],
  ['start_date', 'startDate'],
  ['end_date', 'endDate'],
  ['skip_days', 'skipDays'],
  ['unique_key', 'uniqueKey'],
  ['unique_opts', 'uniqueOpts'],
];

/** A save without a unique constraint keeps the one the row was saved with. */
const KEPT_WHEN_NULL = new Set(['unique_key', 'unique_opts']);

/** Run-state columns a first insert writes (later only the processor's saveJobState and the lock methods do). */
const RUN_STATE_COLUMNS = [
  'locked_at',
  'last_run_at',
  'last_finished_at',
  'failed_at',
  'fail_count',
  'fail_reason',
  'progress',
];

const definitionParams = (values: DefinitionValues): SqlParam[] =>
  DEFINITION_COLUMNS.map(([, field]) => values[field]);

const changes = (result: { changes: number | bigint }): number => Number(result.changes);

/**
 * Agenda 6 `JobRepository` on SQLite (node:sqlite), safe for several Agenda instances, each with
 * its own connection, on one database file:
 * - claiming a job (`getNextJobToRun`, `lockJob`) is one `UPDATE … WHERE <lock conditions>
 *   RETURNING *` statement, which SQLite runs under the database write lock;
 * - read-then-write saves (`every`'s single jobs, `unique`, debounce) run in `BEGIN IMMEDIATE`;
 * - every write runs to completion (`all()`, never `get()`): a `get()` stops at the first row and
 *   node:sqlite ignores the error of the autocommit that follows, so a claim whose commit failed (a
 *   full disk) would come back as claimed while the row stays free, and be claimed again and again;
 * - a lock belongs to this repository's lease (`locked_by`), renewed by a heartbeat: a lock whose
 *   lease lapsed (its process was killed) is free for the others within `leaseMs`;
 * - while the storage fails, claims pause with a growing backoff (one failure reported per pause, no
 *   hot loop), and the lock releases that could not be written are written once it works again.
 *
 * `saveJob` never writes the processor-managed fields (lockedAt, lastRunAt, lastFinishedAt,
 * failedAt, failCount, failReason, progress) of an existing row: Agenda strips them from user
 * saves precisely so a save can't clobber a running job's state; only `saveJobState`, the lock
 * methods and a first insert write them.
 */
export class SqliteJobRepository implements JobRepository {
  readonly tableName: string;
  readonly #connection: SqliteConnection;
  #statements = new WeakMap<DatabaseSync, Map<string, StatementSync>>();
  /** The data-path indexes made on each connection (see {@link SqliteJobRepository.#indexDataPaths}). */
  #indexedDataPaths = new WeakMap<DatabaseSync, Set<string>>();

  readonly #insertSql: string;
  readonly #claimSql: string;
  readonly #updateDefinitionSql: Record<'by-id' | 'coalescing', string>;
  /** This repository's lease: the owner of the locks it takes. */
  readonly #owner = randomUUID();
  readonly #leaseMs: number;
  /** When this repository last wrote its lease (0: not since connecting). */
  #renewedAt = 0;
  #heartbeat: NodeJS.Timeout | undefined;
  /** Lock releases and final job states that failed on a failing storage, by job id: written on recovery. */
  readonly #deferred = new Map<string, { sql: string; params: SqlParam[] }>();
  #claimFailures = 0;
  #claimsPausedUntil = 0;

  constructor(connection: SqliteConnection, options: SqliteJobRepositoryOptions = {}) {
    this.#connection = connection;
    this.tableName = assertAgendaTableName(options.tableName ?? 'agenda_jobs');
    this.#leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.#claimSql = claimSql(this.tableName);
    const columns = ['id', 'name', ...DEFINITION_COLUMNS.map(([c]) => c), ...RUN_STATE_COLUMNS, 'created_at'];
    this.#insertSql = `INSERT INTO ${this.#t} (${columns.join(', ')})
       VALUES (${columns.map(() => '?').join(', ')}) RETURNING *`;
    const assignments = DEFINITION_COLUMNS.map(([c]) =>
      KEPT_WHEN_NULL.has(c) ? `${c} = coalesce(?, ${c})` : `${c} = ?`,
    ).join(', ');
    // A coalescing save (every/unique/debounce, which reuses a row its caller did not load) that hits a row held
    // by a processor marks it, so that processor's later saveJobState keeps this newer schedule.
    const update = (rescheduled: string) =>
      `UPDATE ${this.#t} SET ${assignments}, rescheduled_while_locked = ${rescheduled}
       WHERE id = ? AND name = ? RETURNING *`;
    this.#updateDefinitionSql = {
      'by-id': update('rescheduled_while_locked'),
      coalescing: update('CASE WHEN locked_at IS NOT NULL THEN 1 ELSE 0 END'),
    };
  }

  async connect(): Promise<void> {
    this.#connection.open();
    this.#connection.immediate((db) => {
      db.exec(createJobTableSql(this.tableName));
      const columns = db.prepare(`PRAGMA table_info(${this.#t})`).all() as Array<{ name: string }>;
      for (const sql of upgradeJobTableSql(this.tableName, new Set(columns.map((c) => c.name)))) db.exec(sql);
      db.exec(lockOwnerIndexSql(this.tableName));
      db.prepare(`DELETE FROM ${this.#leases} WHERE renewed_at < ?`).run(Date.now() - FORGET_LEASES_AFTER_MS);
    });
    this.#renewLease();
    clearInterval(this.#heartbeat);
    this.#heartbeat = setInterval(() => this.#beat(), this.#heartbeatMs);
    this.#heartbeat.unref();
  }

  /**
   * Stops the heartbeat and closes the connection. The lease is left to lapse: a job still running now (a
   * drain that timed out) is taken over by the next process once it has, not while this one may still run it.
   */
  async disconnect(): Promise<void> {
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    await this.#connection.close();
  }

  get #leases(): string {
    return `"${leaseTable(this.tableName)}"`;
  }

  #renewLease(): void {
    const now = Date.now();
    this.#run(
      `INSERT INTO ${this.#leases} (owner, renewed_at) VALUES (?, ?)
       ON CONFLICT (owner) DO UPDATE SET renewed_at = excluded.renewed_at`,
      [this.#owner, now],
    );
    this.#renewedAt = now;
  }

  /** Whether the heartbeat's interval has passed since the lease was last written. */
  get #leaseStale(): boolean {
    return Date.now() - this.#renewedAt >= this.#heartbeatMs;
  }

  get #heartbeatMs(): number {
    return Math.max(10, Math.floor(this.#leaseMs / 5));
  }

  /** Whether any job is locked under this repository's lease. */
  #holdsLocks(): boolean {
    const sql = `SELECT 1 FROM ${this.#t} INDEXED BY "${this.tableName}_locked_by" WHERE locked_by = ? LIMIT 1`;
    return this.#prepare(sql).get(this.#owner) !== undefined;
  }

  /**
   * Writes what a failing storage held back, then renews the lease while it covers a lock. An idle process writes
   * nothing: its database stays unchanged, and the WAL checkpoint worker can stop (lib/wal-checkpointer.ts).
   * A claim made on a lease left to go stale renews it in the claim's own transaction.
   */
  #beat(): void {
    if (!this.#connection.isOpen) return;
    try {
      for (const [id, write] of this.#deferred) {
        this.#run(write.sql, write.params);
        this.#deferred.delete(id);
      }
      if (this.#holdsLocks()) this.#renewLease();
    } catch {
      // The storage is still failing: the next beat tries again. The claims report the failure (once per
      // pause), and should this last past the lease, another process may take the locks over, as after a crash.
    }
  }

  /** Keeps a write that failed on a failing storage for the heartbeat to retry; rethrows anything else. */
  #deferOnStorageFailure(error: unknown, id: string, write: { sql: string; params: SqlParam[] }): void {
    if (!isStorageFailure(error)) throw error;
    this.#deferred.set(id, write);
  }

  /** Frees a lock this repository holds, whatever the job's schedule. */
  #releaseWrite(id: string): { sql: string; params: SqlParam[] } {
    return {
      sql: `UPDATE ${this.#t} SET locked_at = NULL, locked_by = NULL, rescheduled_while_locked = 0
            WHERE id = ? AND locked_by = ?`,
      params: [id, this.#owner],
    };
  }

  /** Prepared statements are cached per connection, keyed by SQL text. */
  #prepare(sql: string): StatementSync {
    const db = this.#connection.db;
    let cache = this.#statements.get(db);
    if (!cache) {
      cache = new Map();
      this.#statements.set(db, cache);
    }
    let statement = cache.get(sql);
    if (!statement) {
      if (cache.size >= 256) cache.clear();
      statement = db.prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  }

  /** A read's first row. Never for a write: see the class comment. */
  #get(sql: string, params: SqlParam[]): JobRow | undefined {
    const row = this.#prepare(sql).get(...params);
    return row === undefined ? undefined : asJobRow(row);
  }

  /** A write with `RETURNING`, run to completion so that a failed commit throws; its first row. */
  #write(sql: string, params: SqlParam[]): JobRow | undefined {
    return asJobRows(this.#prepare(sql).all(...params))[0];
  }

  #all(sql: string, params: SqlParam[]): JobRow[] {
    return asJobRows(this.#prepare(sql).all(...params));
  }

  #run(sql: string, params: SqlParam[]): number {
    return changes(this.#prepare(sql).run(...params));
  }

  get #t(): string {
    return `"${this.tableName}"`;
  }

  // ---- reads -------------------------------------------------------------------------------

  async getJobById(id: string): Promise<JobParameters | null> {
    const row = this.#get(`SELECT * FROM ${this.#t} WHERE id = ?`, [String(id)]);
    return row ? rowToJob(row) : null;
  }

  async queryJobs(options: JobsQueryOptions = {}): Promise<JobsResult> {
    const now = new Date();
    const where = joinConditions(queryJobsConditions(options));
    const order = orderByClause(options.sort);
    const skip = Math.max(0, Math.floor(options.skip ?? 0));
    const limit = Math.max(0, Math.floor(options.limit ?? 0));
    const withState = (row: JobRow): JobWithState => {
      const job = rowToJob(row) as JobWithState;
      job.state = computeJobState(job, now);
      return job;
    };

    if (!options.state) {
      // The state can't exclude anything: paginate in SQL.
      const countRow = this.#prepare(`SELECT count(*) AS n FROM ${this.#t} WHERE ${where.sql}`).get(
        ...where.params,
      ) as { n: number };
      const rows = this.#all(
        `SELECT * FROM ${this.#t} WHERE ${where.sql} ORDER BY ${order} LIMIT ? OFFSET ?`,
        [...where.params, limit > 0 ? limit : -1, skip],
      );
      return { jobs: rows.map(withState), total: countRow.n };
    }

    const state = options.state;
    const matching = this.#all(`SELECT * FROM ${this.#t} WHERE ${where.sql} ORDER BY ${order}`, where.params)
      .map(withState)
      .filter((job) => (state === 'paused' ? job.disabled === true : job.state === state));
    const page = limit > 0 ? matching.slice(skip, skip + limit) : matching.slice(skip);
    return { jobs: page, total: matching.length };
  }

  /** Per name: total and the count in each computed state; `paused` counts disabled jobs on top
   * of their computed state (as the Mongo and Postgres backends do). */
  async getJobsOverview(): Promise<JobsOverview[]> {
    const now = new Date();
    const overviews = new Map<string, JobsOverview>();
    for (const row of this.#all(`SELECT * FROM ${this.#t} ORDER BY name`, [])) {
      let overview = overviews.get(row.name);
      if (!overview) {
        overview = {
          name: row.name,
          total: 0,
          running: 0,
          scheduled: 0,
          queued: 0,
          completed: 0,
          failed: 0,
          repeating: 0,
          paused: 0,
        };
        overviews.set(row.name, overview);
      }
      const job = rowToJob(row);
      overview.total++;
      overview[computeJobState(job, now)]++;
      if (job.disabled) overview.paused++;
    }
    return [...overviews.values()];
  }

  async getDistinctJobNames(): Promise<string[]> {
    const rows = this.#prepare(`SELECT DISTINCT name FROM ${this.#t} ORDER BY name`).all() as {
      name: string;
    }[];
    return rows.map((row) => row.name);
  }

  /** Jobs whose nextRunAt has passed (locked and disabled included, as in the Mongo backend). */
  async getQueueSize(): Promise<number> {
    const row = this.#prepare(`SELECT count(*) AS n FROM ${this.#t} WHERE next_run_at < ?`).get(
      Date.now(),
    ) as {
      n: number;
    };
    return row.n;
  }

  // ---- bulk changes ------------------------------------------------------------------------

  async removeJobs(options: RemoveJobsOptions): Promise<number> {
    const conditions = removeJobsConditions(options);
    if (!conditions) return 0;
    const where = joinConditions(conditions);
    return changes(
      this.#connection.db.prepare(`DELETE FROM ${this.#t} WHERE ${where.sql}`).run(...where.params),
    );
  }

  async disableJobs(options: RemoveJobsOptions): Promise<number> {
    return this.#setDisabled(options, true);
  }

  async enableJobs(options: RemoveJobsOptions): Promise<number> {
    return this.#setDisabled(options, false);
  }

  /** Returns the number of jobs whose flag actually changed (Mongo's modifiedCount). */
  #setDisabled(options: RemoveJobsOptions, disabled: boolean): number {
    const conditions = removeJobsConditions(options);
    if (!conditions) return 0;
    const where = joinConditions([...conditions, { sql: 'disabled = ?', params: [disabled ? 0 : 1] }]);
    return changes(
      this.#connection.db
        .prepare(`UPDATE ${this.#t} SET disabled = ? WHERE ${where.sql}`)
        .run(disabled ? 1 : 0, ...where.params),
    );
  }

  async purgeAllJobs(): Promise<number> {
    return this.#run(`DELETE FROM ${this.#t}`, []);
  }

  // ---- saving ------------------------------------------------------------------------------

  async saveJob<DATA = unknown>(
    job: JobParameters<DATA>,
    options: JobRepositoryOptions | undefined,
  ): Promise<JobParameters<DATA>> {
    const now = Date.now();
    const values = this.#definitionValues(job, options);

    if (job._id) {
      const row = this.#updateDefinition(String(job._id), values, 'by-id');
      // A job removed meanwhile is not resurrected (Mongo/Postgres return the input unchanged).
      return row ? rowToJob<DATA>(row) : job;
    }

    if (job.type === 'single') {
      // `every()`: one row per name. A nextRunAt already due does not replace the stored one
      // (re-running every() at each start must not make the job run again immediately).
      return this.#connection.immediate(() => {
        const existing = this.#get(`SELECT * FROM ${this.#t} WHERE name = ? AND type = 'single' LIMIT 1`, [
          values.name,
        ]);
        if (!existing) return rowToJob<DATA>(this.#insert(job, values, now));
        const protect = values.nextRunAt !== null && values.nextRunAt <= now;
        const nextRunAt = protect ? (existing.next_run_at ?? values.nextRunAt) : values.nextRunAt;
        return rowToJob<DATA>(
          this.#updateDefinition(existing.id, { ...values, nextRunAt }, 'coalescing') as JobRow,
        );
      });
    }

    if (job.unique) {
      const constraint = uniqueConstraint(job.unique);
      const insertOnly = job.uniqueOpts?.insertOnly === true;
      const debounce = job.uniqueOpts?.debounce;
      values.uniqueKey = constraint.key;
      this.#indexDataPaths(constraint.dataPaths);
      return this.#connection.immediate(() => {
        const existing = this.#findUnique(values.name, constraint.key, constraint.conditions);
        if (existing && insertOnly && !debounce) return rowToJob<DATA>(existing);
        let scheduled = { nextRunAt: values.nextRunAt, debounceStartedAt: values.debounceStartedAt };
        if (debounce) {
          scheduled = debounceSchedule(
            debounce,
            now,
            values.nextRunAt,
            existing && {
              nextRunAt: existing.next_run_at,
              debounceStartedAt: existing.debounce_started_at,
              lastRunAt: existing.last_run_at,
            },
          );
        }
        const next = { ...values, ...scheduled };
        if (!existing) return rowToJob<DATA>(this.#insert(job, next, now));
        return rowToJob<DATA>(this.#updateDefinition(existing.id, next, 'coalescing') as JobRow);
      });
    }

    return rowToJob<DATA>(this.#insert(job, values, now));
  }

  /** The row a unique constraint designates: first among rows saved with the same constraint
   * (indexed on name + unique_key), then among all rows of the name (a row saved without, or
   * with another, constraint). The fields are checked either way. `+?`: see claim-sql.ts (the
   * lookup of a new key cost ~50 µs with `?`, ~7 µs with `+?`). */
  #findUnique(name: string, key: string, conditions: SqlCondition[]): JobRow | undefined {
    const match = joinConditions(conditions);
    return (
      this.#get(
        `SELECT * FROM ${this.#t} WHERE name = +? AND unique_key = +? AND (${match.sql}) ORDER BY rowid LIMIT 1`,
        [name, key, ...match.params],
      ) ??
      this.#get(`SELECT * FROM ${this.#t} WHERE name = +? AND (${match.sql}) ORDER BY rowid LIMIT 1`, [
        name,
        ...match.params,
      ])
    );
  }

  /** Creates (once per connection) the indexes a unique constraint's data paths are looked up by. */
  #indexDataPaths(paths: readonly string[][]): void {
    const db = this.#connection.db;
    let made = this.#indexedDataPaths.get(db);
    if (!made) {
      made = new Set();
      this.#indexedDataPaths.set(db, made);
    }
    for (const path of paths) {
      const sql = dataPathIndexSql(this.tableName, path);
      if (made.has(sql)) continue;
      db.exec(sql);
      made.add(sql);
    }
  }

  #definitionValues(
    job: JobParameters<unknown>,
    options: JobRepositoryOptions | undefined,
  ): DefinitionValues {
    return {
      name: job.name,
      priority: Number(job.priority ?? 0) || 0,
      nextRunAt: toMs(job.nextRunAt),
      type: job.type === 'single' ? 'single' : 'normal',
      repeatInterval: toJson(job.repeatInterval ?? undefined),
      repeatTimezone: job.repeatTimezone ?? null,
      repeatAt: job.repeatAt ?? null,
      data: toJson(job.data),
      disabled: job.disabled ? 1 : 0,
      fork: job.fork ? 1 : 0,
      lastModifiedBy: options?.lastModifiedBy ?? null,
      debounceStartedAt: toMs(job.debounceStartedAt),
      startDate: toMs(job.startDate),
      endDate: toMs(job.endDate),
      skipDays: toJson(job.skipDays ?? undefined),
      uniqueKey: job.unique ? uniqueConstraint(job.unique).key : null,
      uniqueOpts: toJson(job.uniqueOpts ?? undefined),
    };
  }

  #insert(job: JobParameters<unknown>, values: DefinitionValues, now: number): JobRow {
    const row = this.#write(this.#insertSql, [
      randomUUID(),
      values.name,
      ...definitionParams(values),
      toMs(job.lockedAt),
      toMs(job.lastRunAt),
      toMs(job.lastFinishedAt),
      toMs(job.failedAt),
      job.failCount ?? null,
      job.failReason ?? null,
      job.progress ?? null,
      now,
    ]);
    if (!row) throw new Error(`Inserting job "${values.name}" returned no row`);
    return row;
  }

  /**
   * Writes the definition fields of an existing row; a `coalescing` save marks a locked row as rescheduled
   * (see job-table-schema.ts).
   */
  #updateDefinition(id: string, values: DefinitionValues, kind: 'by-id' | 'coalescing'): JobRow | undefined {
    return this.#write(this.#updateDefinitionSql[kind], [...definitionParams(values), id, values.name]);
  }

  /**
   * The processor's writes (run start, touch, run end). `nextRunAt` is not written over a newer
   * schedule saved while the job was locked; the final write (lockedAt cleared) resets that mark and
   * gives the lease's lock up. On a failing storage the final state (or, for a run that could not start,
   * the lock's release) is written once the storage works again: Agenda has let go of the job by then.
   */
  async saveJobState(job: JobParameters, options: JobRepositoryOptions | undefined): Promise<void> {
    if (!job._id) throw new Error('Cannot save job state without job ID');
    const id = String(job._id);
    const lockedAt = toMs(job.lockedAt);
    const sql = (ownLockOnly: boolean) =>
      `UPDATE ${this.#t} SET
         locked_at = ?,
         next_run_at = CASE WHEN rescheduled_while_locked = 1 THEN next_run_at ELSE ? END,
         last_run_at = ?, progress = ?, fail_reason = ?, fail_count = ?, failed_at = ?,
         last_finished_at = ?, last_modified_by = ?,
         rescheduled_while_locked = CASE WHEN ? IS NULL THEN 0 ELSE rescheduled_while_locked END,
         locked_by = CASE WHEN ? IS NULL THEN NULL ELSE locked_by END
       WHERE id = ? AND name = ?${ownLockOnly ? ' AND locked_by = ?' : ''}`;
    const params: SqlParam[] = [
      lockedAt,
      toMs(job.nextRunAt),
      toMs(job.lastRunAt),
      job.progress ?? null,
      job.failReason ?? null,
      job.failCount ?? null,
      toMs(job.failedAt),
      toMs(job.lastFinishedAt),
      options?.lastModifiedBy ?? null,
      lockedAt,
      lockedAt,
      id,
      job.name,
    ];
    let updated: number;
    try {
      updated = this.#run(sql(false), params);
    } catch (error) {
      const later =
        lockedAt === null ? { sql: sql(true), params: [...params, this.#owner] } : this.#releaseWrite(id);
      this.#deferOnStorageFailure(error, id, later);
      throw error;
    }
    this.#deferred.delete(id);
    if (updated !== 1) {
      throw new Error(
        `job ${job._id} (name: ${job.name}) cannot be updated in the database, maybe it does not exist anymore?`,
      );
    }
  }

  // ---- locking -----------------------------------------------------------------------------

  /**
   * Runs a statement that takes a lock under this repository's lease. With a stale lease, the lease is renewed in
   * the same transaction when a row is locked: no other process ever sees our new lock under a lapsed lease.
   */
  #lock(sql: string, params: SqlParam[]): JobRow | undefined {
    if (!this.#leaseStale) return this.#write(sql, params);
    return this.#connection.immediate(() => {
      const row = this.#write(sql, params);
      if (row) this.#renewLease();
      return row;
    });
  }

  async lockJob(
    job: JobParameters,
    options: JobRepositoryOptions | undefined,
  ): Promise<JobParameters | undefined> {
    if (!job._id) return undefined;
    const row = this.#lock(
      `UPDATE ${this.#t} SET locked_at = ?, locked_by = ?, last_modified_by = ?, rescheduled_while_locked = 0
       WHERE id = ? AND name = ? AND locked_at IS NULL AND next_run_at IS ? AND disabled = 0
       RETURNING *`,
      [
        Date.now(),
        this.#owner,
        options?.lastModifiedBy ?? null,
        String(job._id),
        job.name,
        toMs(job.nextRunAt),
      ],
    );
    if (!row) return undefined;
    this.#deferred.delete(row.id);
    return rowToJob(row);
  }

  /** Frees a job the processor won't run now; a job already running (nextRunAt null) keeps its lock. */
  async unlockJob(job: JobParameters): Promise<void> {
    // Agenda calls this without awaiting it (it must not reject); after disconnect the lock simply expires.
    if (!job._id || !this.#connection.isOpen) return;
    const id = String(job._id);
    const sql = `UPDATE ${this.#t} SET locked_at = NULL, locked_by = NULL, rescheduled_while_locked = 0
       WHERE id = ? AND next_run_at IS NOT NULL`;
    try {
      this.#run(sql, [id]);
    } catch (error) {
      if (isStorageFailure(error)) this.#deferred.set(id, { sql, params: [id] });
    }
  }

  async unlockJobs(jobIds: (JobId | string)[]): Promise<void> {
    if (jobIds.length === 0 || !this.#connection.isOpen) return;
    const ids = jobIds.map(String);
    try {
      this.#run(
        `UPDATE ${this.#t} SET locked_at = NULL, locked_by = NULL, rescheduled_while_locked = 0
         WHERE id IN (SELECT value FROM json_each(?))`,
        [JSON.stringify(ids)],
      );
    } catch (error) {
      for (const id of ids) this.#deferOnStorageFailure(error, id, this.#releaseWrite(id));
    }
  }

  /**
   * Claims the next job of `jobName`: enabled, and either unlocked and due by `nextScanAt`, locked at or
   * before `lockDeadline` (its run outlived the lock lifetime), or locked by another lease that lapsed (its
   * process died). One statement (claim-sql.ts), so two connections can never claim the same row.
   */
  async getNextJobToRun(
    jobName: string,
    nextScanAt: Date,
    lockDeadline: Date,
    now: Date | undefined,
    options: JobRepositoryOptions | undefined,
  ): Promise<JobParameters | undefined> {
    if (Date.now() < this.#claimsPausedUntil) return undefined;
    const at = (now ?? new Date()).getTime();
    let row: JobRow | undefined;
    try {
      row = this.#lock(
        this.#claimSql,
        claimParams({
          name: jobName,
          now: at,
          dueBy: nextScanAt.getTime(),
          lockDeadline: lockDeadline.getTime(),
          owner: this.#owner,
          leaseMs: this.#leaseMs,
          lastModifiedBy: options?.lastModifiedBy ?? null,
        }),
      );
    } catch (error) {
      if (isStorageFailure(error)) {
        this.#claimFailures += 1;
        this.#claimsPausedUntil =
          Date.now() + backoffDelay(this.#claimFailures, CLAIM_PAUSE.baseMs, CLAIM_PAUSE.maxMs);
      }
      throw error;
    }
    this.#claimFailures = 0;
    if (!row) return undefined;
    // A write held back for this row (its previous run's end, on a failing disk) is older than this claim.
    this.#deferred.delete(row.id);
    return rowToJob(row);
  }
}
