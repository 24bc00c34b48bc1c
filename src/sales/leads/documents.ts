import type { Lead, LeadDocumentRef } from '../../models/records.js';
import type { Store } from '../../store/port.js';
import { changeLead } from './change.js';
import { type LeadActionResult, moveStage } from './owner.js';

type Stores = Pick<Store, 'leads'>;

/** The stage a sent document takes its lead to: an offer to `offer_sent`, an invoice to `invoiced`. */
const STAGE_AFTER: Partial<Record<LeadDocumentRef['kind'], Lead['stage']>> = {
  offer: 'offer_sent',
  invoice: 'invoiced',
};

const same = (d: LeadDocumentRef, kind: LeadDocumentRef['kind'], number: string) =>
  d.kind === kind && d.number === number;

/**
 * The buyer was sent the document's link: noted on the document (once), and the lead moves forward to the
 * stage the document means. A lead already further on stays where it is (the system never moves a lead back).
 */
export async function documentSent(
  store: Stores,
  leadId: string,
  document: { kind: LeadDocumentRef['kind']; number: string },
  actor: string,
  now: Date,
): Promise<LeadActionResult> {
  const result = await changeLead(store.leads, leadId, (lead) => {
    const doc = lead.documents.find((d) => same(d, document.kind, document.number));
    if (!doc || doc.sentAt) return null;
    return {
      patch: {
        documents: lead.documents.map((d) => (d === doc ? { ...d, sentAt: now } : d)),
      },
      audit: [
        {
          actor,
          action: 'lead.document.sent',
          details: { kind: document.kind, number: document.number },
        },
      ],
    };
  });
  if (!result) return { ok: false, reason: 'not_found', events: [] };
  const to = STAGE_AFTER[document.kind];
  if (!to || result.lead.stage === to) return { ok: true, lead: result.lead, events: [] };
  const moved = await moveStage(store, leadId, to, 'system', now);
  // Refused when the lead is already further on (or closed): the document was still sent.
  return moved.ok ? moved : { ok: true, lead: result.lead, events: [] };
}

/** The buyer downloaded the document by its link: counted on the lead's document. */
export async function documentDownloaded(
  store: Stores,
  leadId: string,
  document: { kind: LeadDocumentRef['kind']; number: string },
): Promise<Lead | null> {
  const result = await changeLead(store.leads, leadId, (lead) => {
    const doc = lead.documents.find((d) => same(d, document.kind, document.number));
    if (!doc) return null;
    return {
      patch: {
        documents: lead.documents.map((d) => (d === doc ? { ...d, downloads: (d.downloads ?? 0) + 1 } : d)),
      },
      audit: [
        {
          actor: 'buyer',
          action: 'lead.document.download',
          details: { kind: document.kind, number: document.number },
        },
      ],
    };
  });
  return result?.lead ?? null;
}
