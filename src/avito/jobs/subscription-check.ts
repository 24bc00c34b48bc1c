/** The `avito-subscription-check` job: makes sure Avito still posts to our webhook, and subscribes it again if not. */
import type { Agenda } from 'agenda';
import { z } from 'zod';
import { defineJob, jobKind, scheduleEvery } from '../../jobs/job.js';
import type { Logger } from '../../logger.js';
import type { OwnerAlerts } from '../../responder/ports.js';
import type { Store } from '../../store/port.js';
import type { AvitoClient } from '../client.js';
import { ensureSubscribed, maskWebhookUrl } from '../subscription.js';

export const SUBSCRIPTION_CHECK_JOB = jobKind('avito-subscription-check', z.unknown());

export function defineSubscriptionCheckJob(
  agenda: Agenda,
  deps: {
    client: Pick<AvitoClient, 'subscriptions' | 'subscribe'>;
    /** Remembers the subscription we made, so only its disappearance alerts the owner. */
    store: Pick<Store, 'kv'>;
    alerts: OwnerAlerts;
    logger: Logger;
    /** Our webhook URL when `PUBLIC_URL` is set; without it there is nothing to keep subscribed. */
    webhookUrl: string | undefined;
  },
): void {
  defineJob(agenda, SUBSCRIPTION_CHECK_JOB, async () => {
    if (!deps.webhookUrl) return;
    const state = await ensureSubscribed(deps.client, deps.store.kv, deps.webhookUrl);
    if (state === 'first')
      deps.logger.info({ url: maskWebhookUrl(deps.webhookUrl) }, 'Avito webhook subscribed');
    if (state === 'resubscribed') {
      deps.logger.warn(
        { url: maskWebhookUrl(deps.webhookUrl) },
        'Avito webhook was missing; subscribed again',
      );
      await deps.alerts.alert('avito:subscription', { kind: 'avito-subscription-restored' });
    }
  });
}

export const scheduleSubscriptionCheck = (agenda: Agenda) =>
  scheduleEvery(agenda, SUBSCRIPTION_CHECK_JOB, 30 * 60_000);
