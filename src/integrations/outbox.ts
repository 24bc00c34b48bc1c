/**
 * The integrations' outbox: every call that changes something outside (a deal, an event, a payment, an e-mail,
 * a message to the buyer) is a durable Agenda job keyed by our own ids. A job survives restarts, is retried
 * with backoff while the service is unreachable (429, 5xx, network), and, when it fails for good (refused, or
 * after every retry), is kept as failed and the owner is told once. Each job concept declares its kind (name
 * and zod data) and its run in its own module with {@link defineOutboxJob}.
 */
import type { Agenda, Job } from 'agenda';
import { defineJob, type JobKind } from '../jobs/job.js';
import { describeError } from '../errors.js';
import { backoffDelay } from '../lib/retry.js';
import type { Logger } from '../logger.js';
import type { IntegrationName, IntegrationOperation, OwnerAlerts } from '../responder/ports.js';
import type { IntegrationHealth } from './health.js';

/** What every outbox job's data carries: the idempotency key of the one operation it stands for. */
export interface OutboxData {
  /** Unique per intended operation (`amocrm:note:<lead>:<what>`): queuing it twice makes one job. */
  key: string;
}

/**
 * A failure no retry can fix (our request is refused, access revoked, nothing to act on): the job stops
 * and the owner is told. Everything else a job throws counts as transient when its `retryable` says so.
 */
export class PermanentFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentFailure';
  }
}

/** Thrown by the outbox itself once a job stops: no backoff retries it. */
class GivenUp extends Error {
  constructor(cause: unknown) {
    super(describeError(cause), { cause });
    this.name = 'GivenUp';
  }
}

/** Retry timing; tests shorten it. Default: from 2 s doubling to 10 minutes, 60 attempts (about 9 hours). */
export interface OutboxRetry {
  baseMs: number;
  maxMs: number;
  maxAttempts: number;
}

export const DEFAULT_OUTBOX_RETRY: OutboxRetry = { baseMs: 2000, maxMs: 10 * 60_000, maxAttempts: 60 };

export interface OutboxDeps {
  agenda: Agenda;
  alerts: OwnerAlerts;
  health: IntegrationHealth;
  logger: Logger;
  retry?: OutboxRetry;
}

export interface OutboxJobSpec<Data extends OutboxData> {
  kind: JobKind<Data>;
  /** Whose health and alert a run counts for (fixed, or read from the job's data). */
  integration: IntegrationName | ((data: NoInfer<Data>) => IntegrationName);
  operation: IntegrationOperation;
  /** Does the work; must be safe to run again after any failure or crash (idempotent by `data.key`). */
  run(data: NoInfer<Data>, job: Job<unknown>): Promise<void>;
  /** The lead a job is for (named in the owner's alert). */
  leadOf?(data: NoInfer<Data>): string | null;
  concurrency?: number;
}

/** How to queue one kind of outbox job (queuing needs no definition: modules queue before theirs exist). */
export interface OutboxQueue<Data extends OutboxData> {
  readonly name: string;
  enqueue(data: Data, at?: Date): Promise<void>;
}

/** Transient unless it says otherwise: our clients' errors carry `retryable`. */
export function isTransient(error: unknown): boolean {
  if (error instanceof PermanentFailure) return false;
  const retryable = (error as { retryable?: unknown } | null)?.retryable;
  return typeof retryable === 'boolean' ? retryable : true;
}

/**
 * The queue of an outbox job kind. `once` (default): a second enqueue of the same key is a no-op, even after
 * the job ran. `coalesce`: the job runs again with the latest data (a sync that reads the current state); a
 * running one is left alone and a new run is queued behind it.
 */
export function outboxQueue<Data extends OutboxData>(
  agenda: Agenda,
  kind: JobKind<Data>,
  mode: 'once' | 'coalesce' = 'once',
): OutboxQueue<Data> {
  return {
    name: kind.name,
    async enqueue(data, at = new Date()) {
      const parsed = kind.data.parse(data);
      const job = agenda.create(kind.name, parsed);
      if (mode === 'once') job.unique({ 'data.key': parsed.key }, { insertOnly: true });
      // A running job is not saved over (its end-of-run write would drop the new schedule): a new one queues.
      else job.unique({ 'data.key': parsed.key, lockedAt: null });
      await job.schedule(at).save();
    },
  };
}

/** Defines an outbox job kind on `agenda` (see the module comment). */
export function defineOutboxJob<Data extends OutboxData>(deps: OutboxDeps, spec: OutboxJobSpec<Data>): void {
  const retry = deps.retry ?? DEFAULT_OUTBOX_RETRY;
  const log = deps.logger.child({ job: spec.kind.name });

  defineJob(
    deps.agenda,
    spec.kind,
    async (data, job) => {
      const attempt = (job.attrs.failCount ?? 0) + 1;
      const integration = typeof spec.integration === 'function' ? spec.integration(data) : spec.integration;
      try {
        await spec.run(data, job);
        deps.health.succeeded(integration);
      } catch (error) {
        deps.health.failed(integration, error);
        const final = !isTransient(error) || attempt >= retry.maxAttempts;
        if (!final) {
          log.warn({ err: error, key: data.key, attempt }, `${integration} call failed; will retry`);
          throw error;
        }
        log.error({ err: error, key: data.key, attempt }, `${integration} call failed for good`);
        await deps.alerts.alert(`outbox:${spec.kind.name}:${data.key}`, {
          kind: 'integration-failed',
          integration,
          operation: spec.operation,
          leadId: spec.leadOf?.(data) ?? null,
          reason: describeError(error),
        });
        throw new GivenUp(error);
      }
    },
    {
      concurrency: spec.concurrency ?? 5,
      backoff: (context) =>
        context.error instanceof GivenUp ? null : backoffDelay(context.attempt, retry.baseMs, retry.maxMs),
    },
  );
}
