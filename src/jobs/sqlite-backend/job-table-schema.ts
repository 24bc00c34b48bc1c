/**
 * The jobs table. Dates are epoch milliseconds (INTEGER), JSON values are text, booleans 0/1.
 *
 * - `unique_key`: canonical JSON of the `unique` constraint the job was last saved with; indexed
 *   with `name` so the usual unique/debounce upsert finds its row without scanning.
 * - `rescheduled_while_locked`: set when a coalescing save (`every`, `unique`, debounce) changes a
 *   row that a processor holds locked; the processor's later `saveJobState` then keeps the newer
 *   `next_run_at` instead of overwriting it with the value it computed before the save.
 * - `locked_by`: the lease owner (one per repository instance) whose claim holds the lock. The `_leases`
 *   table holds each owner's last heartbeat: a lock whose owner stopped renewing its lease (a killed process)
 *   is free again within seconds, without waiting out the job's lock lifetime.
 * - `<table>_free`: the rows a claim can take without a lock to break (free, with a next run). Claims search it
 *   rather than `find_next`, where every row this process holds (all of a burst's jobs, queued in memory, locked
 *   but still due) sat in the searched range and was read on every claim. `find_next` stays for the lookups by
 *   name alone (queryJobs, removeJobs and cancel by name, distinct names) where no data-path index serves them.
 *
 * Every index here is made with `IF NOT EXISTS` at each connect, so a table made before an index gets it then.
 */
export function createJobTableSql(table: string): string {
  return `
    CREATE TABLE IF NOT EXISTS "${table}" (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      priority INTEGER NOT NULL DEFAULT 0,
      next_run_at INTEGER,
      type TEXT NOT NULL DEFAULT 'normal' CHECK (type IN ('normal', 'single')),
      locked_at INTEGER,
      last_run_at INTEGER,
      last_finished_at INTEGER,
      failed_at INTEGER,
      fail_count INTEGER,
      fail_reason TEXT,
      repeat_interval TEXT,
      repeat_timezone TEXT,
      repeat_at TEXT,
      data TEXT,
      disabled INTEGER NOT NULL DEFAULT 0,
      progress REAL,
      fork INTEGER NOT NULL DEFAULT 0,
      last_modified_by TEXT,
      unique_key TEXT,
      unique_opts TEXT,
      debounce_started_at INTEGER,
      start_date INTEGER,
      end_date INTEGER,
      skip_days TEXT,
      rescheduled_while_locked INTEGER NOT NULL DEFAULT 0,
      created_at INTEGER NOT NULL,
      locked_by TEXT
    );
    CREATE INDEX IF NOT EXISTS "${table}_find_next"
      ON "${table}" (name, disabled, next_run_at, priority DESC);
    CREATE INDEX IF NOT EXISTS "${freeIndex(table)}"
      ON "${table}" (name, disabled, next_run_at, priority DESC) WHERE locked_at IS NULL AND next_run_at IS NOT NULL;
    CREATE INDEX IF NOT EXISTS "${table}_locked_at"
      ON "${table}" (locked_at) WHERE locked_at IS NOT NULL;
    CREATE INDEX IF NOT EXISTS "${table}_next_run_at"
      ON "${table}" (next_run_at);
    CREATE INDEX IF NOT EXISTS "${table}_unique_key"
      ON "${table}" (name, unique_key) WHERE unique_key IS NOT NULL;
    CREATE UNIQUE INDEX IF NOT EXISTS "${table}_single"
      ON "${table}" (name) WHERE type = 'single';
    CREATE TABLE IF NOT EXISTS "${leaseTable(table)}" (
      owner TEXT PRIMARY KEY,
      renewed_at INTEGER NOT NULL
    );
  `;
}

/** The index of the rows free to claim (see {@link createJobTableSql}). */
export const freeIndex = (table: string): string => `${table}_free`;

/** The lease table of a jobs table. */
export const leaseTable = (table: string): string => `${table}_leases`;

/** Columns added after the first release, for tables created before them. */
const ADDED_COLUMNS: ReadonlyArray<readonly [name: string, definition: string]> = [['locked_by', 'TEXT']];

/** The index claims find other owners' locks by; made after {@link upgradeJobTableSql} added the column. */
export const lockOwnerIndexSql = (table: string): string =>
  `CREATE INDEX IF NOT EXISTS "${table}_locked_by" ON "${table}" (locked_by) WHERE locked_by IS NOT NULL`;

/** Statements that bring an existing jobs table up to the current columns (empty when it is current). */
export function upgradeJobTableSql(table: string, existingColumns: ReadonlySet<string>): string[] {
  return ADDED_COLUMNS.filter(([name]) => !existingColumns.has(name)).map(
    ([name, definition]) => `ALTER TABLE "${table}" ADD COLUMN ${name} ${definition}`,
  );
}
