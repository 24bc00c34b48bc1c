import type { AgendaBackend } from 'agenda';
import { SqliteConnection } from './sqlite-connection.js';
import { SqliteJobLogger } from './sqlite-job-logger.js';
import { SqliteJobRepository } from './sqlite-job-repository.js';

export interface SqliteBackendOptions {
  /** SQLite database file (may be shared with other tables; only `agenda_*` tables are touched). */
  path: string;
  /** Jobs table, `agenda_` prefix required. Default `agenda_jobs`. */
  tableName?: string;
  /** Provide a `logger` (table `logTableName`) for Agenda's `logging: true`. Default false. */
  logging?: boolean;
  /** Log table, `agenda_` prefix required. Default `agenda_logs`. */
  logTableName?: string;
  /** How long a statement waits for another connection's write lock. Default 5000 ms. */
  busyTimeoutMs?: number;
  /** How long this backend's job locks outlive its last heartbeat (see SqliteJobRepository). Default 10 s. */
  leaseMs?: number;
}

/**
 * Agenda 6 backend on an embedded SQLite file. It opens its own `node:sqlite` connection in
 * `connect()` (Agenda calls it from its constructor) and closes it in `disconnect()` (called by
 * `agenda.stop()`). Several Agenda instances or processes may share one file, each with its own
 * backend. No notification channel: Agenda polls every `processEvery`.
 */
export class SqliteBackend implements AgendaBackend {
  readonly name = 'SQLite';
  readonly ownsConnection = true;
  readonly notificationChannel = undefined;
  readonly repository: SqliteJobRepository;
  readonly logger: SqliteJobLogger | undefined;
  readonly #connection: SqliteConnection;

  constructor(options: SqliteBackendOptions) {
    this.#connection = new SqliteConnection(options.path, options.busyTimeoutMs ?? 5000);
    this.repository = new SqliteJobRepository(this.#connection, {
      tableName: options.tableName,
      leaseMs: options.leaseMs,
    });
    this.logger = options.logging
      ? new SqliteJobLogger(this.#connection, { tableName: options.logTableName })
      : undefined;
  }

  async connect(): Promise<void> {
    await this.repository.connect();
    this.logger?.ensureSchema();
  }

  async disconnect(): Promise<void> {
    await this.repository.disconnect();
  }
}
