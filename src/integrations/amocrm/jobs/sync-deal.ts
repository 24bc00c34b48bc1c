/** The `amocrm-sync-deal` job: a lead's deal brought in line (made, tagged, moved); one per lead, run again after every lead event. */
import type { Agenda } from 'agenda';
import { z } from 'zod';
import { jobKind } from '../../../jobs/job.js';
import { jobKey, leadIdField } from '../../jobs-common.js';
import { defineOutboxJob, type OutboxDeps, outboxQueue } from '../../outbox.js';
import type { AmoCrmSync } from '../sync.js';

export const AMOCRM_SYNC_JOB = jobKind('amocrm-sync-deal', z.object({ key: jobKey, leadId: leadIdField }));

export function defineSyncDealJob(deps: OutboxDeps, sync: Pick<AmoCrmSync, 'syncDeal'>): void {
  defineOutboxJob(deps, {
    kind: AMOCRM_SYNC_JOB,
    integration: 'amocrm',
    operation: 'sync-deal',
    leadOf: (d) => d.leadId,
    run: ({ leadId }) => sync.syncDeal(leadId),
  });
}

export function syncDealQueue(agenda: Agenda): (leadId: string) => Promise<void> {
  const queue = outboxQueue(agenda, AMOCRM_SYNC_JOB, 'coalesce');
  return (leadId) => queue.enqueue({ key: `amocrm:deal:${leadId}`, leadId });
}
