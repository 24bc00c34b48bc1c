import { type Agenda, exponential } from 'agenda';
import { describeError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { OwnerAlerts } from '../responder/ports.js';
import type { Store } from '../store/port.js';
import type { AvitoClient } from './client.js';
import { AvitoApiError, explain } from './errors.js';
import { type InboundHooks, processInboundEvent } from './inbound.js';
import { type ListingKnowledge, syncListings } from './listings.js';
import { ensureSubscribed, maskWebhookUrl } from './subscription.js';
import type { TokenManager } from './token.js';

export const JOB = {
  inbound: 'avito-inbound',
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
}

/** Attempts before an inbound event is given up as `failed` (and the owner told). */
const INBOUND_MAX_ATTEMPTS = 6;

/**
 * Queues processing of a stored event. A plain insert (no unique key): it sits on the webhook's hot path,
 * and processing is idempotent, so the rare second job for a redelivered pending event does nothing.
 */
export async function enqueueInbound(agenda: Agenda, eventId: string): Promise<void> {
  await agenda.now(JOB.inbound, { eventId });
}

export function defineAvitoJobs(agenda: Agenda, deps: AvitoJobDeps): void {
  const log = deps.logger;

  agenda.define(
    JOB.inbound,
    async (job) => {
      const { eventId } = job.attrs.data as { eventId: string };
      try {
        await processInboundEvent(eventId, {
          store: deps.store,
          avito: deps.client,
          hooks: deps.hooks,
          logger: log,
        });
      } catch (err) {
        const event = await deps.store.events.get(eventId);
        if (event && event.attempts >= INBOUND_MAX_ATTEMPTS) {
          await deps.store.events.setStatus(eventId, 'failed', describeError(err));
          await deps.alerts.alert(
            `inbound:${eventId}`,
            `Сообщение из Avito не обработано после ${event.attempts} попыток: ${describeError(err)}`,
          );
          return;
        }
        throw err;
      }
    },
    {
      concurrency: 20,
      // One job per webhook event: without this the jobs table grows by a row per buyer message forever.
      // The event itself stays in the inbox (its status says it was processed) until the retention cleanup.
      removeOnComplete: true,
      backoff: exponential({ delay: 1000, maxDelay: 60_000, maxRetries: INBOUND_MAX_ATTEMPTS }),
    },
  );

  // Safety net: an event stored while the queue write failed (or an old version's leftovers) is picked up.
  agenda.define(JOB.inboxSweep, async () => {
    const pending = await deps.store.events.listByStatus('pending', 200);
    const stale = pending.filter((e) => Date.now() - e.receivedAt.getTime() > 60_000);
    for (const event of stale) await enqueueInbound(agenda, event.id);
    if (stale.length) log.warn({ count: stale.length }, 'requeued pending Avito events');
  });

  agenda.define(JOB.tokenRefresh, async () => {
    try {
      await deps.tokens.refreshIfExpiring(2 * 3600_000);
      await deps.alerts.resolve('avito:token');
    } catch (err) {
      await deps.alerts.alert(
        'avito:token',
        `Avito: не удаётся получить токен. ${err instanceof AvitoApiError ? explain(err) : describeError(err)}`,
      );
      throw err;
    }
  });

  agenda.define(JOB.subscriptionCheck, async () => {
    if (!deps.webhookUrl) return;
    const state = await ensureSubscribed(deps.client, deps.webhookUrl);
    if (state === 'resubscribed') {
      log.warn({ url: maskWebhookUrl(deps.webhookUrl) }, 'Avito webhook was missing; subscribed again');
      await deps.alerts.alert(
        'avito:subscription',
        'Подписка Avito на вебхук пропала — подписал заново. Сообщения снова будут приходить.',
      );
    }
  });

  agenda.define(JOB.listingsSync, async () => {
    await syncListings({ client: deps.client, store: deps.store, knowledge: deps.knowledge, logger: log });
  });
}

/** Recurring Avito jobs (numbers in ms: the bundled human-interval misreads some unit names). */
export async function scheduleAvitoJobs(agenda: Agenda): Promise<void> {
  await agenda.every(5 * 60_000, JOB.inboxSweep);
  await agenda.every(3600_000, JOB.tokenRefresh);
  await agenda.every(30 * 60_000, JOB.subscriptionCheck);
  await agenda.every(6 * 3600_000, JOB.listingsSync);
}
