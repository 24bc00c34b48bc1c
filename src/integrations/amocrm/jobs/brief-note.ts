/** The `amocrm-brief-note` job: the brief noted on the deal after a quiet spell (a burst of messages makes one note). */
import type { Agenda } from 'agenda';
import { z } from 'zod';
import { jobKind } from '../../../jobs/job.js';
import { jobKey, leadIdField } from '../../jobs-common.js';
import { defineOutboxJob, type OutboxDeps, outboxQueue } from '../../outbox.js';
import type { AmoCrmSync } from '../sync.js';

export const AMOCRM_BRIEF_JOB = jobKind('amocrm-brief-note', z.object({ key: jobKey, leadId: leadIdField }));

export function defineBriefNoteJob(deps: OutboxDeps, sync: Pick<AmoCrmSync, 'noteBrief'>): void {
  defineOutboxJob(deps, {
    kind: AMOCRM_BRIEF_JOB,
    integration: 'amocrm',
    operation: 'add-note',
    leadOf: (d) => d.leadId,
    run: ({ leadId }) => sync.noteBrief(leadId),
  });
}

export function briefNoteQueue(agenda: Agenda): (leadId: string, delayMs: number) => Promise<void> {
  const queue = outboxQueue(agenda, AMOCRM_BRIEF_JOB, 'coalesce');
  return (leadId, delayMs) =>
    queue.enqueue({ key: `amocrm:brief:${leadId}`, leadId }, new Date(Date.now() + delayMs));
}
