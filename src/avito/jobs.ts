import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { type Agenda, exponential } from 'agenda';
import { describeError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { OwnerAlert, OwnerAlerts } from '../responder/ports.js';
import type { Store } from '../store/port.js';
import type { AvitoClient } from './client.js';
import type { DeliveryPressure } from './delivery-pressure.js';
import { AvitoApiError } from './errors.js';
import { type InboundHooks, processInboundEvent } from './inbound.js';
import { INBOUND_BATCH_MAX, INBOUND_JOB, inboundEventIds } from './inbound-queue.js';
import { type ListingKnowledge, syncListings } from './listings.js';
import { ensureSubscribed, maskWebhookUrl } from './subscription.js';
import type { TokenManager } from './token.js';

export const JOB = {
  inbound: INBOUND_JOB,
  inboxSweep: 'avito-inbox-sweep',
  tokenRefresh: 'avito-token-refresh',
  subscriptionCheck: 'avito-subscription-check',
  listingsSync: 'avito-listings-sync',
} as const;

export interface AvitoJobDeps {
  store: Store;
  client: AvitoClient;
  tokens: TokenManager;
  hooks: InboundHooks;
  alerts: OwnerAlerts;
  logger: Logger;
  /** Our webhook URL when `PUBLIC_URL` is set; without it there is nothing to keep subscribed. */
  webhookUrl?: string;
  knowledge?: ListingKnowledge;
  /**
   * While Avito deliveries pour in, inbound processing waits (trickling through a storm) so acknowledgements
   * stay fast.
   */
  pressure?: DeliveryPressure;
}

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

/** The owner's alert for a failed token request: the causes the owner can fix are named. */
export function tokenAlert(err: unknown): OwnerAlert {
  const kind = err instanceof AvitoApiError ? err.kind : undefined;
  const cause = kind === 'tariff' || kind === 'permission' || kind === 'auth' ? kind : 'other';
  return { kind: 'avito-token', cause, reason: describeError(err) };
}

export function defineAvitoJobs(agenda: Agenda, deps: AvitoJobDeps): void {
  const log = deps.logger;
  const inbound = { store: deps.store, avito: deps.client, hooks: deps.hooks, logger: log };

  /** Processes one event; false when it failed and should be tried again. */
  async function processOne(eventId: string): Promise<boolean> {
    try {
      await processInboundEvent(eventId, inbound);
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

  agenda.define(
    JOB.inbound,
    async (job) => {
      const groups = await groupByChat(deps.store, inboundEventIds(job.attrs.data));
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
  agenda.define(JOB.inboxSweep, async () => {
    const pending = await deps.store.events.listByStatus('pending', 1000);
    const stale = pending.filter((e) => Date.now() - e.receivedAt.getTime() > ORPHAN_AFTER_MS);
    if (stale.length === 0) return;
    // Events still waiting in a job (a long backlog) are not queued twice.
    const { jobs } = await agenda.queryJobs({ name: JOB.inbound });
    const queued = new Set(jobs.flatMap((job) => inboundEventIds(job.data)));
    const orphans = stale.map((e) => e.id).filter((id) => !queued.has(id));
    for (let at = 0; at < orphans.length; at += INBOUND_BATCH_MAX)
      await agenda.now(JOB.inbound, { eventIds: orphans.slice(at, at + INBOUND_BATCH_MAX) });
    if (orphans.length > 0) log.warn({ count: orphans.length }, 'requeued pending Avito events');
  });

  agenda.define(JOB.tokenRefresh, async () => {
    try {
      await deps.tokens.refreshIfExpiring(2 * 3600_000);
      await deps.alerts.resolve('avito:token');
    } catch (err) {
      await deps.alerts.alert('avito:token', tokenAlert(err));
      throw err;
    }
  });

  agenda.define(JOB.subscriptionCheck, async () => {
    if (!deps.webhookUrl) return;
    const state = await ensureSubscribed(deps.client, deps.store.kv, deps.webhookUrl);
    if (state === 'first') log.info({ url: maskWebhookUrl(deps.webhookUrl) }, 'Avito webhook subscribed');
    if (state === 'resubscribed') {
      log.warn({ url: maskWebhookUrl(deps.webhookUrl) }, 'Avito webhook was missing; subscribed again');
      await deps.alerts.alert('avito:subscription', { kind: 'avito-subscription-restored' });
    }
  });

  agenda.define(JOB.listingsSync, async () => {
    await syncListings({ client: deps.client, store: deps.store, knowledge: deps.knowledge, logger: log });
  });
}

/** Recurring Avito jobs (numbers in ms: the bundled human-interval misreads some unit names). */
export async function scheduleAvitoJobs(agenda: Agenda): Promise<void> {
  // Every minute: events a killed process held during a storm wait about that long (plus ORPHAN_AFTER_MS).
  await agenda.every(60_000, JOB.inboxSweep);
  await agenda.every(3600_000, JOB.tokenRefresh);
  await agenda.every(30 * 60_000, JOB.subscriptionCheck);
  await agenda.every(6 * 3600_000, JOB.listingsSync);
}
