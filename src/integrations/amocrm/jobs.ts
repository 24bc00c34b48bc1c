/**
 * amoCRM's outbox jobs: the deal of a lead kept in line (`amocrm-sync-deal`, one per lead, run again after every
 * lead event), notes (`amocrm-note`, once per key), the brief's note (`amocrm-brief-note`, debounced), the
 * seller's moves coming back (`amocrm-status-change`, one per deal) and the webhook subscription.
 */
import { z } from 'zod';
import { jobKind } from '../../jobs/job.js';
import type { Agenda } from 'agenda';
import { defineOutboxJob, type OutboxDeps, outboxQueue } from '../outbox.js';
import type { AmoCrmSync } from './sync.js';

const key = z.string().min(1).max(300);
const leadId = z.string().min(1);

export const AMOCRM_SYNC_JOB = jobKind('amocrm-sync-deal', z.object({ key, leadId }));
export const AMOCRM_NOTE_JOB = jobKind(
  'amocrm-note',
  z.object({ key, leadId, text: z.string().min(1).max(20_000) }),
);
export const AMOCRM_BRIEF_JOB = jobKind('amocrm-brief-note', z.object({ key, leadId }));
export const AMOCRM_STATUS_JOB = jobKind(
  'amocrm-status-change',
  z.object({ key, dealId: z.number().int().positive() }),
);
export const AMOCRM_WEBHOOK_JOB = jobKind('amocrm-register-webhook', z.object({ key, url: z.url() }));

export interface AmoCrmJobs {
  /** Brings the lead's deal in line (made, tagged, moved); runs again for every call. */
  syncDeal(leadId: string): Promise<void>;
  /** Adds `text` to the lead's deal once per `what` (e.g. `doc:offer:КП-2026-0001`). */
  note(leadId: string, what: string, text: string): Promise<void>;
  /** Notes the brief after `delayMs` of quiet (a burst of messages makes one note). */
  noteBrief(leadId: string, delayMs: number): Promise<void>;
  /** The seller moved this deal in amoCRM: read it and bring our lead along. */
  statusChanged(dealId: number): Promise<void>;
  /** `fingerprint` keys the job without the URL's secret. */
  registerWebhook(url: string, fingerprint: string): Promise<void>;
}

/** Queues amoCRM's jobs (their definitions come with the sync: {@link defineAmoCrmJobs}). */
export function amoCrmQueues(agenda: Agenda): AmoCrmJobs {
  const sync = outboxQueue(agenda, AMOCRM_SYNC_JOB, 'coalesce');
  const note = outboxQueue(agenda, AMOCRM_NOTE_JOB);
  const brief = outboxQueue(agenda, AMOCRM_BRIEF_JOB, 'coalesce');
  const status = outboxQueue(agenda, AMOCRM_STATUS_JOB, 'coalesce');
  const webhook = outboxQueue(agenda, AMOCRM_WEBHOOK_JOB);
  return {
    syncDeal: (id) => sync.enqueue({ key: `amocrm:deal:${id}`, leadId: id }),
    note: (id, what, text) => note.enqueue({ key: `amocrm:note:${id}:${what}`, leadId: id, text }),
    noteBrief: (id, delayMs) =>
      brief.enqueue({ key: `amocrm:brief:${id}`, leadId: id }, new Date(Date.now() + delayMs)),
    statusChanged: (dealId) => status.enqueue({ key: `amocrm:status:${dealId}`, dealId }),
    registerWebhook: (url, fingerprint) => webhook.enqueue({ key: `amocrm:webhook:${fingerprint}`, url }),
  };
}

/** Defines amoCRM's jobs on the outbox; their work is `sync`'s. */
export function defineAmoCrmJobs(deps: OutboxDeps, sync: AmoCrmSync): void {
  const common = { integration: 'amocrm' as const, leadOf: (d: { leadId: string }) => d.leadId };
  defineOutboxJob(deps, {
    ...common,
    kind: AMOCRM_SYNC_JOB,
    operation: 'sync-deal',
    run: ({ leadId }) => sync.syncDeal(leadId),
  });
  defineOutboxJob(deps, {
    ...common,
    kind: AMOCRM_NOTE_JOB,
    operation: 'add-note',
    run: ({ leadId, text }) => sync.addNote(leadId, text),
  });
  defineOutboxJob(deps, {
    ...common,
    kind: AMOCRM_BRIEF_JOB,
    operation: 'add-note',
    run: ({ leadId }) => sync.noteBrief(leadId),
  });
  defineOutboxJob(deps, {
    kind: AMOCRM_STATUS_JOB,
    integration: 'amocrm',
    operation: 'sync-deal',
    run: ({ dealId }) => sync.statusChanged(dealId),
  });
  defineOutboxJob(deps, {
    kind: AMOCRM_WEBHOOK_JOB,
    integration: 'amocrm',
    operation: 'register-webhook',
    run: ({ url }) => sync.registerWebhook(url),
  });
}
