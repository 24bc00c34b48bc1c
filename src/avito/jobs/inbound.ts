/**
 * The `avito-inbound` job hands stored webhook events to the responder (several events per job, see
 * inbound-queue.ts); the `avito-inbox-sweep` job queues events left pending with no job to process them.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { type Agenda, exponential } from 'agenda';
import { z } from 'zod';
import { describeError } from '../../errors.js';
import { defineJob, jobKind, scheduleEvery } from '../../jobs/job.js';
import type { Logger } from '../../logger.js';
import type { OwnerAlerts } from '../../responder/ports.js';
import type { Store } from '../../store/port.js';
import type { DeliveryPressure } from '../delivery-pressure.js';
import { type InboundDeps, processInboundEvent } from '../inbound.js';

/** The events of an inbound job; jobs queued by versions before batching carry one `eventId`. */
const InboundJobData = z.union([
  z.object({ eventIds: z.array(z.string().min(1)) }),
  z.object({ eventId: z.string().min(1) }).transform(({ eventId }) => ({ eventIds: [eventId] })),
]);

export const INBOUND_JOB = jobKind('avito-inbound', InboundJobData);
export const INBOX_SWEEP_JOB = jobKind('avito-inbox-sweep', z.unknown());

/** Most events one inbound job carries. */
export const INBOUND_BATCH_MAX = 100;
/** Attempts before an inbound event is given up as `failed` (and the owner told). */
const INBOUND_MAX_ATTEMPTS = 6;
/**
 * A pending event this old with no job is an orphan: a held delivery is queued within seconds (inbound-queue.ts),
 * any other has its job before it is acknowledged.
 */
const ORPHAN_AFTER_MS = 30_000;
/** Chats of one inbound job processed side by side (each chat's events stay in order). */
const INBOUND_CHATS_IN_PARALLEL = 8;
/** Well inside the job lock lifetime (2 minutes, jobs/index.ts). */
const INBOUND_LOCK_RENEW_MS = 30_000;

/** The event ids of a stored inbound job's data (empty when it is not an inbound job's). */
export function inboundEventIds(data: unknown): string[] {
  const parsed = InboundJobData.safeParse(data ?? {});
  return parsed.success ? parsed.data.eventIds : [];
}

export interface InboundJobDeps extends InboundDeps {
  alerts: OwnerAlerts;
  /**
   * While Avito deliveries pour in, inbound processing waits (trickling through a storm) so acknowledgements
   * stay fast.
   */
  pressure?: DeliveryPressure;
}

/** Event ids grouped by the chat their message belongs to, in arrival order within each chat. */
async function groupByChat(store: Store, eventIds: string[]): Promise<string[][]> {
  const groups = new Map<string, string[]>();
  for (const id of eventIds) {
    const event = await store.events.get(id);
    const payload = event?.payload as { payload?: { value?: { chat_id?: unknown } } } | null | undefined;
    const chatId = payload?.payload?.value?.chat_id;
    const key = typeof chatId === 'string' ? chatId : `event:${id}`;
    const group = groups.get(key);
    if (group) group.push(id);
    else groups.set(key, [id]);
  }
  return [...groups.values()];
}

export function defineInboundJobs(agenda: Agenda, deps: InboundJobDeps): void {
  const log: Logger = deps.logger;

  /** Processes one event; false when it failed and should be tried again. */
  async function processOne(eventId: string): Promise<boolean> {
    try {
      await processInboundEvent(eventId, deps);
      return true;
    } catch (err) {
      const event = await deps.store.events.get(eventId);
      if (event && event.attempts >= INBOUND_MAX_ATTEMPTS) {
        await deps.store.events.setStatus(eventId, 'failed', describeError(err));
        await deps.alerts.alert(`inbound:${eventId}`, {
          kind: 'inbound-failed',
          attempts: event.attempts,
          reason: describeError(err),
        });
        return true;
      }
      log.warn({ err, eventId, attempts: event?.attempts }, 'avito event failed; will retry');
      return false;
    }
  }

  defineJob(
    agenda,
    INBOUND_JOB,
    async ({ eventIds }, job) => {
      const groups = await groupByChat(deps.store, eventIds);
      const failed: string[] = [];
      let lockedAt = Date.now();
      const worker = async () => {
        for (let ids = groups.shift(); ids; ids = groups.shift()) {
          for (const id of ids) {
            await deps.pressure?.calm();
            if (!(await processOne(id))) failed.push(id);
            // The store is synchronous: without this a batch would hold the event loop, and with it
            // the webhook acknowledgements, until it is done.
            await yieldToEventLoop();
            // A long batch (a slow Avito, a storm) keeps its lock, so no other run takes the job meanwhile.
            if (Date.now() - lockedAt > INBOUND_LOCK_RENEW_MS) {
              lockedAt = Date.now();
              await job.touch();
            }
          }
        }
      };
      await Promise.all(Array.from({ length: INBOUND_CHATS_IN_PARALLEL }, worker));
      // Agenda retries the job with backoff; the events already processed are skipped then.
      if (failed.length) throw new Error(`${failed.length} Avito event(s) failed: ${failed.join(', ')}`);
    },
    {
      concurrency: 20,
      // Without this the jobs table grows by a row per delivery burst forever. The events themselves stay in
      // the inbox (their status says they were processed) until the retention cleanup.
      removeOnComplete: true,
      backoff: exponential({ delay: 1000, maxDelay: 60_000, maxRetries: INBOUND_MAX_ATTEMPTS }),
    },
  );

  // Safety net: an event left pending with no job to process it (held during a delivery storm by a process
  // that died, a queue write that failed, an old version's leftovers) is queued again.
  defineJob(agenda, INBOX_SWEEP_JOB, async () => {
    const pending = await deps.store.events.listByStatus('pending', 1000);
    const stale = pending.filter((e) => Date.now() - e.receivedAt.getTime() > ORPHAN_AFTER_MS);
    if (stale.length === 0) return;
    // Events still waiting in a job (a long backlog) are not queued twice.
    const { jobs } = await agenda.queryJobs({ name: INBOUND_JOB.name });
    const queued = new Set(jobs.flatMap((job) => inboundEventIds(job.data)));
    const orphans = stale.map((e) => e.id).filter((id) => !queued.has(id));
    for (let at = 0; at < orphans.length; at += INBOUND_BATCH_MAX)
      await agenda.now(INBOUND_JOB.name, { eventIds: orphans.slice(at, at + INBOUND_BATCH_MAX) });
    if (orphans.length > 0) log.warn({ count: orphans.length }, 'requeued pending Avito events');
  });
}

/** Every minute: events a killed process held during a storm wait about that long (plus ORPHAN_AFTER_MS). */
export const scheduleInboxSweep = (agenda: Agenda) => scheduleEvery(agenda, INBOX_SWEEP_JOB, 60_000);
