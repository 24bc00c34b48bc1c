import { Agenda, type AgendaBackend } from 'agenda';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/port.js';
import { LocalWakeups } from './local-wakeups.js';
import { SqliteBackend } from './sqlite-backend/index.js';

export interface JobsOptions {
  /** Instance name in job locks (`lastModifiedBy`), e.g. host:pid. */
  name?: string;
  /** Poll interval in ms (tests use a short one). */
  processEvery?: number;
}

/**
 * Agenda on the store's backend: MongoDB collections, or `agenda_*` tables in the SQLite file. The MongoDB
 * backend (and the driver under it) is loaded only when MONGODB_URI asks for it.
 */
export async function createAgenda(storage: Config['storage'], options: JobsOptions = {}): Promise<Agenda> {
  let backend: AgendaBackend;
  if (storage.kind === 'mongo') {
    const { MongoBackend } = await import('@agendajs/mongo-backend');
    backend = new MongoBackend({ address: storage.uri, collection: 'agendaJobs' });
  } else backend = new SqliteBackend({ path: storage.path });
  return new Agenda({
    backend,
    // Jobs this process saves start at once rather than at the next poll; other processes still poll.
    notificationChannel: new LocalWakeups(),
    name: options.name ?? `avito-responder:${process.pid}`,
    processEvery: options.processEvery ?? 1000,
    // A crashed process's jobs are free again after this; a job running longer is stopped by Agenda, so it must
    // stay above the slowest job (a send with retries: about a minute). Every job here is safe to run again.
    defaultLockLifetime: 2 * 60_000,
    // Jobs mostly wait on HTTP (Avito, Gemini, Telegram): many can be in flight on one event loop.
    maxConcurrency: 60,
  });
}

/** How long processed webhook events are kept for deduplication and audit. */
export const EVENT_RETENTION_DAYS = 30;

/** Scheduled housekeeping that every deployment runs. Feature jobs are defined by their modules. */
export function defineCoreJobs(agenda: Agenda, deps: { store: Store; logger: Logger }): void {
  agenda.define('cleanup-events', async () => {
    const before = new Date(Date.now() - EVENT_RETENTION_DAYS * 24 * 3600_000);
    const removed = await deps.store.events.deleteProcessedBefore(before);
    deps.logger.info({ job: 'cleanup-events', removed }, 'old webhook events removed');
  });
}

/** Starts processing and (idempotently) schedules the recurring core jobs. */
export async function startJobs(agenda: Agenda): Promise<void> {
  await agenda.start();
  // Numbers, not phrases: the bundled human-interval misreads some unit names.
  await agenda.every(24 * 3600_000, 'cleanup-events');
}
