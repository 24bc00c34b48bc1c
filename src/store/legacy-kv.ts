import { z } from 'zod';
import { LEAD_STAGES } from '../models/records.js';
import { briefNoteDigest } from './integration-records.js';
import { type Store, StoreConflictError } from './port.js';
import { StoreValidationError } from './validate.js';

/**
 * The integrations' records as earlier versions kept them in kv, moved into their repositories once, on open
 * (`openStore`, after the encryption decorator, so sealed values open and files are sealed again as bytes).
 * Each key is written to its repository (idempotently) and then deleted, so an interrupted run is finished by
 * the next open and a finished one finds nothing. A value that does not parse, or that would break a
 * repository's uniqueness, stays in kv untouched and is named in the report: nothing is lost.
 */

const iso = z.iso.datetime({ offset: true });
const date = iso.transform((v) => new Date(v));

const offer = z.object({
  chatId: z.string().min(1),
  slots: z.array(z.object({ start: date, end: date })).min(1),
  at: date,
  booked: z.object({ eventId: z.string().min(1), start: date }).nullable(),
});

const booking = z.object({
  eventId: z.string().min(1),
  chatId: z.string().min(1),
  start: date,
  end: date,
  sequence: z.number().int().nonnegative(),
  status: z.enum(['booked', 'cancelled']),
});

const invoicePayment = z.object({
  leadId: z.string().min(1),
  invoice: z.string().min(1),
  amountKopecks: z.number().int().positive(),
  attempt: z.number().int().nonnegative(),
  paymentId: z.string().nullable(),
  status: z.enum(['creating', 'pending', 'succeeded', 'canceled']),
  confirmationUrl: z.string().nullable(),
  paidAt: date.nullable(),
  refundedKopecks: z.number().int().nonnegative(),
});

const deal = z.object({
  dealId: z.number().int().positive(),
  contactId: z.number().int().nullable(),
  tags: z.array(z.string()),
  status: z
    .object({ stage: z.enum(LEAD_STAGES), statusId: z.number().int().nullable(), confirmed: z.boolean() })
    .nullable(),
});

const buyerMessage = z.union([
  z.object({ state: z.literal('sent'), draftId: z.string().min(1) }),
  z.object({ state: z.literal('sending'), at: date }),
]);

const documentKind = z.enum(['offer', 'contract', 'invoice']);

/** How to move one key (`rest` is the key without its prefix); false leaves the key in kv. */
type Mover = (store: Store, rest: string, value: unknown) => Promise<boolean>;

/** Old prefixes in the order they move: deals before the brief digests kept on them. */
const MOVERS: readonly (readonly [string, Mover])[] = [
  [
    'calendar:offer:',
    async (store, leadId, value) => {
      const o = offer.safeParse(value);
      if (!o.success) return false;
      await store.consultations.saveOffer({ leadId, ...o.data });
      return true;
    },
  ],
  [
    'calendar:booking:',
    async (store, leadId, value) => {
      const b = booking.safeParse(value);
      if (!b.success) return false;
      await store.consultations.saveBooking({ leadId, ...b.data });
      return true;
    },
  ],
  [
    'payments:invoice:',
    async (store, _invoice, value) => {
      const p = invoicePayment.safeParse(value);
      if (!p.success) return false;
      // `put` keeps the refunded sum of a payment already moved (a run interrupted after the write).
      await store.payments.put(p.data);
      return true;
    },
  ],
  // The way back from a payment id: the payment's own column now.
  ['payments:payment:', async () => true],
  [
    'payments:refund:',
    async (store, refundId, value) => {
      if (value !== true) return false;
      await store.payments.markRefundCounted(refundId);
      return true;
    },
  ],
  [
    'amocrm:deal:',
    async (store, leadId, value) => {
      const d = deal.safeParse(value);
      if (!d.success) return false;
      await store.crmDeals.put({ leadId, ...d.data });
      return true;
    },
  ],
  // The way back from a deal id: the deal's own unique column now.
  ['amocrm:lead-of:', async () => true],
  [
    'amocrm:brief-noted:',
    async (store, leadId, value) => {
      if (typeof value !== 'string') return false;
      // Without a deal there is nothing to de-duplicate: the next brief is noted once the deal exists.
      await store.crmDeals.setBriefNoted(leadId, briefNoteDigest(value));
      return true;
    },
  ],
  [
    'buyer-message:',
    async (store, key, value) => {
      const m = buyerMessage.safeParse(value);
      if (!m.success) return false;
      if (m.data.state === 'sent') await store.buyerMessages.markSent(key, m.data.draftId);
      else await store.buyerMessages.markSending(key, m.data.at);
      return true;
    },
  ],
  [
    'document-pdf:',
    async (store, rest, value) => {
      const at = rest.indexOf(':');
      const kind = documentKind.safeParse(rest.slice(0, at));
      if (at < 0 || !kind.success || typeof value !== 'string') return false;
      const pdf = new Uint8Array(Buffer.from(value, 'base64'));
      await store.salesDocuments.saveFile({
        kind: kind.data,
        number: rest.slice(at + 1),
        pdf,
        createdAt: new Date(),
      });
      return true;
    },
  ],
];

export const LEGACY_KV_PREFIXES = MOVERS.map(([prefix]) => prefix);

export interface LegacyKvReport {
  moved: number;
  /** Keys left in kv: their value did not parse or conflicted with a record already there. */
  left: string[];
}

/** Moves the integrations' records out of kv (see the module comment); idempotent. */
export async function moveLegacyKvRecords(store: Store): Promise<LegacyKvReport> {
  const report: LegacyKvReport = { moved: 0, left: [] };
  for (const [prefix, move] of MOVERS) {
    let after: string | undefined;
    for (;;) {
      const keys = await store.kv.keys(prefix, { limit: 100, ...(after ? { after } : {}) });
      if (keys.length === 0) break;
      for (const key of keys) {
        const value = await store.kv.get(key);
        let moved = value === null; // expired: nothing to keep
        if (!moved) {
          try {
            moved = await move(store, key.slice(prefix.length), value);
          } catch (err) {
            if (!(err instanceof StoreValidationError || err instanceof StoreConflictError)) throw err;
          }
        }
        if (moved) {
          await store.kv.delete(key);
          report.moved += 1;
        } else report.left.push(key);
      }
      after = keys[keys.length - 1];
    }
  }
  return report;
}
