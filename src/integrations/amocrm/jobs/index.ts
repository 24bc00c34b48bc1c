/**
 * amoCRM's outbox jobs, one module each: the deal kept in line (./sync-deal.ts), notes (./note.ts), the brief's
 * note (./brief-note.ts), the seller's moves coming back (./status-change.ts) and the webhook subscription
 * (./register-webhook.ts). Queues exist before the sync (lead listeners queue first); definitions come with it.
 */
import type { Agenda } from 'agenda';
import type { OutboxDeps } from '../../outbox.js';
import type { AmoCrmSync } from '../sync.js';
import { briefNoteQueue, defineBriefNoteJob } from './brief-note.js';
import { defineNoteJob, noteQueue } from './note.js';
import { defineRegisterWebhookJob, registerWebhookQueue } from './register-webhook.js';
import { defineStatusChangeJob, statusChangeQueue } from './status-change.js';
import { defineSyncDealJob, syncDealQueue } from './sync-deal.js';

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
  return {
    syncDeal: syncDealQueue(agenda),
    note: noteQueue(agenda),
    noteBrief: briefNoteQueue(agenda),
    statusChanged: statusChangeQueue(agenda),
    registerWebhook: registerWebhookQueue(agenda),
  };
}

/** Defines amoCRM's jobs on the outbox; their work is `sync`'s. */
export function defineAmoCrmJobs(deps: OutboxDeps, sync: AmoCrmSync): void {
  defineSyncDealJob(deps, sync);
  defineNoteJob(deps, sync);
  defineBriefNoteJob(deps, sync);
  defineStatusChangeJob(deps, sync);
  defineRegisterWebhookJob(deps, sync);
}
