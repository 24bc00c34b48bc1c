/** The `amocrm-note` job: a note added to a lead's deal, once per key (a document sent, a booking, a payment). */
import type { Agenda } from 'agenda';
import { z } from 'zod';
import { jobKind } from '../../../jobs/job.js';
import { jobKey, leadIdField } from '../../jobs-common.js';
import { defineOutboxJob, type OutboxDeps, outboxQueue } from '../../outbox.js';
import type { AmoCrmSync } from '../sync.js';

export const AMOCRM_NOTE_JOB = jobKind(
  'amocrm-note',
  z.object({ key: jobKey, leadId: leadIdField, text: z.string().min(1).max(20_000) }),
);

export function defineNoteJob(deps: OutboxDeps, sync: Pick<AmoCrmSync, 'addNote'>): void {
  defineOutboxJob(deps, {
    kind: AMOCRM_NOTE_JOB,
    integration: 'amocrm',
    operation: 'add-note',
    leadOf: (d) => d.leadId,
    run: ({ leadId, text }) => sync.addNote(leadId, text),
  });
}

export function noteQueue(agenda: Agenda): (leadId: string, what: string, text: string) => Promise<void> {
  const queue = outboxQueue(agenda, AMOCRM_NOTE_JOB);
  return (leadId, what, text) => queue.enqueue({ key: `amocrm:note:${leadId}:${what}`, leadId, text });
}
