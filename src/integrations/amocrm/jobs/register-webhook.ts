/** The `amocrm-register-webhook` job: amoCRM's stage-change webhook subscribed to our URL, once per URL. */
import type { Agenda } from 'agenda';
import { z } from 'zod';
import { jobKind } from '../../../jobs/job.js';
import { jobKey } from '../../jobs-common.js';
import { defineOutboxJob, type OutboxDeps, outboxQueue } from '../../outbox.js';
import type { AmoCrmSync } from '../sync.js';

export const AMOCRM_WEBHOOK_JOB = jobKind('amocrm-register-webhook', z.object({ key: jobKey, url: z.url() }));

export function defineRegisterWebhookJob(deps: OutboxDeps, sync: Pick<AmoCrmSync, 'registerWebhook'>): void {
  defineOutboxJob(deps, {
    kind: AMOCRM_WEBHOOK_JOB,
    integration: 'amocrm',
    operation: 'register-webhook',
    run: ({ url }) => sync.registerWebhook(url),
  });
}

/** `fingerprint` keys the job without the URL's secret. */
export function registerWebhookQueue(agenda: Agenda): (url: string, fingerprint: string) => Promise<void> {
  const queue = outboxQueue(agenda, AMOCRM_WEBHOOK_JOB);
  return (url, fingerprint) => queue.enqueue({ key: `amocrm:webhook:${fingerprint}`, url });
}
