import type { Logger } from '../../logger.js';
import type { AuditEntry, Lead, LeadDocumentRef, LeadStage } from '../../models/records.js';
import type { LeadPage, Store } from '../../store/port.js';
import type { SalesConfig } from '../config.js';
import { localDate } from '../time.js';
import type { BriefExtractor, BuyerMessage } from './brief/extractor.js';
import { type BuyerBurst, type BuyerOutcome, onBuyerBurst } from './buyer.js';
import { documentDownloaded, documentSent } from './documents.js';
import { type LeadEvent, type LeadListener, notifyListeners } from './events.js';
import {
  attachDocument,
  editBrief,
  type LeadActionResult,
  moveStage,
  reopen,
  setPaidAmount,
} from './owner.js';
import { type StageChange } from './stages.js';

export type { BriefExtractor, BuyerMessage, ExtractedValue } from './brief/extractor.js';
export { createModelBriefExtractor, type ModelBriefDeps } from './brief/model.js';
export { createRuleBriefExtractor } from './brief/rules.js';
export { type BriefField, DEFAULT_BRIEF_FIELDS, defaultBriefFields } from './brief/fields.js';
export { formatBriefValue } from './brief/values.js';
export type { BuyerBurst, BuyerOutcome } from './buyer.js';
export { findContacts } from './contacts.js';
export type { LeadEvent, LeadListener } from './events.js';
export type { LeadActionFailure, LeadActionResult } from './owner.js';
export { checkMove, movesFrom, type MoveRefusal, replayStages } from './stages.js';

export interface LeadsDeps {
  store: Pick<Store, 'leads' | 'audit'>;
  /** The clock: timestamps, and today in the seller's time zone for relative dates. */
  now: () => Date;
  /** Rules, or Gemini with the rules as fallback. */
  extractor: BriefExtractor;
  sales: Pick<SalesConfig, 'brief' | 'timeZone'>;
  /** Told of every lead event after it is committed (integrations subscribe here). */
  listeners?: readonly LeadListener[];
  logger: Logger;
}

/** One buyer message, as a channel adapter delivers it. */
export type BuyerMessageInput = Omit<BuyerBurst, 'messages'> & { message: BuyerMessage };

/**
 * The leads of the sales core. Every buyer conversation becomes a lead on its first message and a
 * returning buyer continues their open one; contacts and the brief are read from the buyer's words; the
 * owner moves the lead through its stages, edits the brief, attaches documents. Every change is a
 * compare-and-set in the store with its audit entries, and is told to the listeners once committed.
 *
 * ```ts
 * const leads = createLeads({ store, now: () => new Date(), extractor: createRuleBriefExtractor(),
 *   sales, logger });
 * const { lead } = await leads.onBuyerMessage({ channel: 'avito', conversationId: chat.id,
 *   listing: { itemId, title }, buyer: { name }, message: { id, text, at } });
 * await leads.moveStage(lead.id, 'offer_sent', 'tg:123');
 * ```
 */
export function createLeads(deps: LeadsDeps) {
  const fields = deps.sales.brief.fields;
  const clock = () => {
    const now = deps.now();
    return { now, today: localDate(now, deps.sales.timeZone) };
  };
  const tell = async <T extends { events: LeadEvent[] }>(outcome: T): Promise<T> => {
    await notifyListeners(deps.listeners ?? [], outcome.events, deps.logger);
    return outcome;
  };

  return {
    /** A buyer's message: the lead it belongs to (new, the conversation's, or the buyer's open one), its contacts and brief. */
    onBuyerMessage: async (input: BuyerMessageInput): Promise<BuyerOutcome> =>
      tell(await onBuyerBurst({ ...deps, fields }, { ...input, messages: [input.message] }, clock())),

    /** A burst of the buyer's messages (what the responder answers at once): one extraction for all. */
    onBuyerBurst: async (burst: BuyerBurst): Promise<BuyerOutcome> =>
      tell(await onBuyerBurst({ ...deps, fields }, burst, clock())),

    /** Moves the lead to `to` if the stage rules allow it for `actor` (`tg:<id>` owner, `system`). */
    moveStage: async (leadId: string, to: LeadStage, actor: string, options?: { reason?: string }) =>
      tell(await moveStage(deps.store, leadId, to, actor, deps.now(), options)),

    /** The lead is lost, for `reason` (required), from whatever open stage it is at. */
    markLost: async (leadId: string, reason: string, actor: string): Promise<LeadActionResult> =>
      tell(await moveStage(deps.store, leadId, 'lost', actor, deps.now(), { reason })),

    /** The owner reopens a lost lead, back where it was lost (or at `to`). */
    reopen: async (leadId: string, actor: string, to?: LeadStage): Promise<LeadActionResult> =>
      tell(await reopen(deps.store, leadId, actor, deps.now(), to)),

    /** The owner sets (or, with null, clears) a brief field; later messages never overwrite it. */
    editBrief: async (leadId: string, field: string, value: string | number | null, actor: string) =>
      tell(await editBrief(deps.store, fields, leadId, field, value, actor, clock())),

    /** Records a document issued for the lead and the amount it names. */
    attachDocument: async (leadId: string, document: LeadDocumentRef, actor: string) =>
      tell(await attachDocument(deps.store, leadId, document, actor, deps.now())),

    /** The buyer was sent the document's link: noted, and the lead moves on (offer → offer_sent, invoice → invoiced). */
    documentSent: async (leadId: string, document: Pick<LeadDocumentRef, 'kind' | 'number'>, actor: string) =>
      tell(await documentSent(deps.store, leadId, document, actor, deps.now())),

    /** The buyer downloaded the document by its link: counted on the lead. */
    documentDownloaded: (leadId: string, document: Pick<LeadDocumentRef, 'kind' | 'number'>) =>
      documentDownloaded(deps.store, leadId, document),
    /** What the buyer has paid in all (kopecks), as payments and refunds come in. */
    setPaid: async (leadId: string, kopecks: number, actor: string): Promise<LeadActionResult> =>
      setPaidAmount(deps.store, leadId, kopecks, actor),

    get: (leadId: string): Promise<Lead | null> => deps.store.leads.get(leadId),

    /** Leads in these stages, newest first, a page at a time (`next` continues). */
    listByStage: (
      stages: readonly LeadStage[],
      page?: { limit?: number; after?: string | null },
    ): Promise<LeadPage> => deps.store.leads.listByStage(stages, page),

    /** The lead's audit trail, oldest first. */
    history: async (leadId: string): Promise<AuditEntry[]> =>
      (await deps.store.audit.query({ leadId, limit: 1000 })).reverse(),

    /** The lead's stage changes from its audit trail, oldest first (they replay to its stage). */
    stageChanges: async (leadId: string): Promise<StageChange[]> =>
      (await deps.store.audit.query({ leadId, action: 'lead.stage', limit: 1000 }))
        .reverse()
        .map((e) => ({ from: e.before as LeadStage, to: e.after as LeadStage })),
  };
}

export type Leads = ReturnType<typeof createLeads>;
