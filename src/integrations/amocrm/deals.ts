import type { CrmDeal } from '../../models/records.js';
import { briefNoteDigest } from '../../store/integration-records.js';
import type { CrmDealRepository } from '../../store/port.js';

/** Our lead's deal in amoCRM, as we keep it (see {@link CrmDeal}). */
export type DealRecord = Omit<CrmDeal, 'leadId'>;

/** Lead ↔ deal, both ways, in the store's deals repository (one deal per lead, one lead per deal). */
export interface DealBook {
  get(leadId: string): Promise<DealRecord | null>;
  put(leadId: string, deal: DealRecord): Promise<void>;
  leadOf(dealId: number): Promise<string | null>;
  /** Whether this brief text is the one last noted on the lead's deal. */
  briefNoted(leadId: string, text: string): Promise<boolean>;
  /** Remembers the brief just noted (its digest: the text is the buyer's). */
  noteBrief(leadId: string, text: string): Promise<void>;
}

export function dealBook(repo: CrmDealRepository): DealBook {
  return {
    async get(leadId) {
      const d = await repo.get(leadId);
      return d && { dealId: d.dealId, contactId: d.contactId, tags: d.tags, status: d.status };
    },
    put: (leadId, deal) => repo.put({ ...deal, leadId }),
    leadOf: (dealId) => repo.leadOf(dealId),
    briefNoted: async (leadId, text) => (await repo.briefNoted(leadId)) === briefNoteDigest(text),
    async noteBrief(leadId, text) {
      await repo.setBriefNoted(leadId, briefNoteDigest(text));
    },
  };
}
