import { Agenda, type AgendaBackend } from 'agenda';
import type { Config } from '../config.js';
import { backoffDelay } from '../lib/retry.js';
import { isStorageFailure } from '../lib/storage-errors.js';
import type { StorageFailureReporter } from '../lib/storage-outage.js';
import type { Logger } from '../logger.js';
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
    // A job running longer is stopped by Agenda, so this must stay above the slowest job (a send with retries:
    // about a minute). A killed process's jobs are free again much sooner on SQLite, once the lease of its locks
    // lapses (about 10 s, see SqliteJobRepository); on MongoDB after this. Every job here is safe to run again.
    defaultLockLifetime: 2 * 60_000,
    // Jobs mostly wait on HTTP (Avito, Gemini, Telegram): many can be in flight on one event loop.
    maxConcurrency: 60,
  });
}

/**
 * Where job problems go: a failing storage (a claim or a run that could not write) to the outage reporter, which
 * logs it once per outage; anything else to the log, as each happens.
 */
export function reportJobProblems(
  agenda: Agenda,
  deps: { logger: Logger; storageOutage: StorageFailureReporter },
): void {
  agenda.on('error', (err: unknown) => {
    if (isStorageFailure(err)) deps.storageOutage.report(err, 'jobs');
    else deps.logger.error({ err }, 'job backend error');
  });
  agenda.on('fail', (err: unknown, job: { attrs: { name: string } }) => {
    if (isStorageFailure(err)) deps.storageOutage.report(err, `job ${job.attrs.name}`);
    else deps.logger.warn({ err, job: job.attrs.name }, 'job failed');
  });
}

/** Delay before a run that failed on the storage is tried again: from 2 s, doubling up to 20 s. */
const STORAGE_RETRY = { baseMs: 2000, maxMs: 20_000 };
const storageRetryAdded = Symbol('storage retry added');

/**
 * Every job definition retries a run that failed on the storage (a full disk, a locked file), whatever its own
 * retry policy: the work was not done and could not even be recorded as failed, so it waits for the disk.
 */
function retryStorageFailures(agenda: Agenda): void {
  for (const definition of Object.values(agenda.definitions)) {
    const own = definition.backoff as
      (NonNullable<typeof definition.backoff> & { [storageRetryAdded]?: true }) | undefined;
    if (own?.[storageRetryAdded]) continue;
    const backoff: NonNullable<typeof definition.backoff> & { [storageRetryAdded]?: true } = (context) =>
      isStorageFailure(context.error)
        ? backoffDelay(context.attempt, STORAGE_RETRY.baseMs, STORAGE_RETRY.maxMs)
        : (own?.(context) ?? null);
    backoff[storageRetryAdded] = true;
    definition.backoff = backoff;
  }
}

/**
 * Starts processing. Every job is defined by now: each definition gets the storage retry (see
 * {@link retryStorageFailures}). Recurring jobs are scheduled by their modules after this.
 */
export async function startJobs(agenda: Agenda): Promise<void> {
  retryStorageFailures(agenda);
  await agenda.start();
}
