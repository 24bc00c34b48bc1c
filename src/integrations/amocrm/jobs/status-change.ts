/** The `amocrm-status-change` job: the seller moved a deal in amoCRM; read it and bring our lead along (one per deal). */
import type { Agenda } from 'agenda';
import { z } from 'zod';
import { jobKind } from '../../../jobs/job.js';
import { jobKey } from '../../jobs-common.js';
import { defineOutboxJob, type OutboxDeps, outboxQueue } from '../../outbox.js';
import type { AmoCrmSync } from '../sync.js';

export const AMOCRM_STATUS_JOB = jobKind(
  'amocrm-status-change',
  z.object({ key: jobKey, dealId: z.number().int().positive() }),
);

export function defineStatusChangeJob(deps: OutboxDeps, sync: Pick<AmoCrmSync, 'statusChanged'>): void {
  defineOutboxJob(deps, {
    kind: AMOCRM_STATUS_JOB,
    integration: 'amocrm',
    operation: 'sync-deal',
    run: ({ dealId }) => sync.statusChanged(dealId),
  });
}

export function statusChangeQueue(agenda: Agenda): (dealId: number) => Promise<void> {
  const queue = outboxQueue(agenda, AMOCRM_STATUS_JOB, 'coalesce');
  return (dealId) => queue.enqueue({ key: `amocrm:status:${dealId}`, dealId });
}
