/** What the seller reads in amoCRM and in the calendar, in English: typed against the Russian texts (`ru/crm.ts`). */
import type { LeadDocumentRef } from '../../models/records.js';
import type { CalendarTexts, CrmTexts } from '../ru/crm.js';

const documentName: Record<LeadDocumentRef['kind'], string> = {
  offer: 'Quotation',
  contract: 'Contract',
  invoice: 'Invoice',
};

export const crm: CrmTexts = {
  dealName: (listing, buyer) => `${listing ?? 'Request'} — ${buyer ?? 'buyer'}`,
  buyerName: 'Buyer',
  listingField: 'Listing',
  linkField: 'Conversation with the buyer',
  brief: (lines) => `Brief:\n${lines.join('\n')}`,
  contact: (phone, email) => `Buyer's contacts: ${[phone, email].filter(Boolean).join(', ')}`,
  document: (d, amount) =>
    `${documentName[d.kind]} No. ${d.number}${amount ? ` for ${amount}` : ''} issued to the buyer.`,
  booked: (when) => `Consultation booked: ${when}.`,
  rescheduled: (when) => `Consultation moved to ${when}.`,
  cancelled: (when) => `Consultation on ${when} cancelled.`,
  paymentLink: (invoice, amount) => `Payment link for invoice No. ${invoice} (${amount}) sent to the buyer.`,
  paid: (invoice, amount, paymentId) =>
    `Paid ${amount} for invoice No. ${invoice} (YooKassa, payment ${paymentId}).`,
  canceled: (invoice, reason) => `The payment for invoice No. ${invoice} did not go through: ${reason}.`,
  refunded: (invoice, amount) => `Refund of ${amount} for invoice No. ${invoice}.`,
  lostInCrm: 'Closed in amoCRM',
};

export const calendar: CalendarTexts = {
  summary: (buyer, listing) => `Consultation: ${buyer ?? 'buyer'}${listing ? ` — ${listing}` : ''}`,
  description: (lines) => lines.join('\n'),
  contacts: (phone, email) => `Contacts: ${[phone, email].filter(Boolean).join(', ') || 'none'}`,
  lead: (id) => `Lead: ${id}`,
  topic: (listing) => `a consultation${listing ? ` about "${listing}"` : ''}`,
};
