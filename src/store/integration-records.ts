import { createHash } from 'node:crypto';
import {
  type ConsultationBooking,
  type ConsultationOffer,
  type CrmDeal,
  type DocumentFile,
  INVOICE_PAYMENT_STATUSES,
  type InvoicePaymentRecord,
  LEAD_STAGES,
  type TimeRange,
} from '../models/records.js';
import { MAX_DOCUMENT_FILE_BYTES } from './port.js';
import { checkDate, checkId, checkKey, StoreValidationError } from './validate.js';

/** Checking the integrations' records before a write, shared by both adapters. */

function checkCount(field: string, value: unknown, min = 0): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min)
    throw new StoreValidationError(field, `expected a whole number from ${min}, got ${String(value)}`);
  return value;
}

function oneOf<T extends string>(field: string, values: readonly T[], value: unknown): T {
  if (!values.includes(value as T))
    throw new StoreValidationError(field, `expected one of ${values.join(', ')}, got ${String(value)}`);
  return value as T;
}

const range = (field: string, r: TimeRange): TimeRange => {
  const start = checkDate(`${field} start`, r.start);
  const end = checkDate(`${field} end`, r.end);
  if (end.getTime() < start.getTime()) throw new StoreValidationError(field, 'ends before it starts');
  return { start, end };
};

export function checkOffer(offer: ConsultationOffer): ConsultationOffer {
  if (!Array.isArray(offer.slots) || offer.slots.length === 0)
    throw new StoreValidationError('offer slots', 'expected at least one slot');
  return {
    leadId: checkId('lead id', offer.leadId),
    chatId: checkId('chat id', offer.chatId),
    slots: offer.slots.map((s) => range('offer slot', s)),
    at: checkDate('offer at', offer.at),
    booked: offer.booked
      ? {
          eventId: checkId('event id', offer.booked.eventId),
          start: checkDate('booked start', offer.booked.start),
        }
      : null,
  };
}

export function checkBooking(booking: ConsultationBooking): ConsultationBooking {
  const { start, end } = range('booking', booking);
  return {
    leadId: checkId('lead id', booking.leadId),
    eventId: checkId('event id', booking.eventId),
    chatId: checkId('chat id', booking.chatId),
    start,
    end,
    sequence: checkCount('booking sequence', booking.sequence),
    status: oneOf('booking status', ['booked', 'cancelled'] as const, booking.status),
  };
}

export function checkPayment(record: InvoicePaymentRecord): InvoicePaymentRecord {
  const amountKopecks = checkCount('payment amount', record.amountKopecks, 1);
  return {
    invoice: checkKey('invoice number', record.invoice),
    leadId: checkId('lead id', record.leadId),
    amountKopecks,
    attempt: checkCount('payment attempt', record.attempt),
    paymentId: record.paymentId === null ? null : checkId('payment id', record.paymentId),
    status: oneOf('payment status', INVOICE_PAYMENT_STATUSES, record.status),
    confirmationUrl:
      record.confirmationUrl === null ? null : checkKey('confirmation url', record.confirmationUrl),
    paidAt: record.paidAt === null ? null : checkDate('payment paidAt', record.paidAt),
    refundedKopecks: Math.min(amountKopecks, checkCount('refunded amount', record.refundedKopecks)),
  };
}

export const checkKopecks = (field: string, value: unknown) => checkCount(field, value);

export function checkDealId(value: unknown): number {
  return checkCount('deal id', value, 1);
}

export function checkDeal(deal: CrmDeal): CrmDeal {
  if (!Array.isArray(deal.tags)) throw new StoreValidationError('deal tags', 'expected a list');
  return {
    leadId: checkId('lead id', deal.leadId),
    dealId: checkDealId(deal.dealId),
    contactId: deal.contactId === null ? null : checkCount('contact id', deal.contactId),
    tags: deal.tags.map((t) => checkKey('deal tag', t)),
    status: deal.status
      ? {
          stage: oneOf('deal stage', LEAD_STAGES, deal.status.stage),
          statusId: deal.status.statusId === null ? null : checkCount('status id', deal.status.statusId),
          confirmed: deal.status.confirmed === true,
        }
      : null,
  };
}

export const checkSending = (key: string, since: Date) => ({
  key: checkKey('message key', key),
  since: checkDate('sending since', since),
});

export const checkSent = (key: string, draftId: string) => ({
  key: checkKey('message key', key),
  draftId: checkId('draft id', draftId),
});

/** The digest of a brief noted on a deal: what is compared, so the note's text (buyer data) is not kept. */
export const briefNoteDigest = (text: string) => createHash('sha256').update(text).digest('hex');

const KINDS = ['offer', 'contract', 'invoice'] as const;

export const checkFileKind = (value: unknown): DocumentFile['kind'] => oneOf('document kind', KINDS, value);

export function checkDocumentFile(file: DocumentFile): DocumentFile {
  if (!(file.pdf instanceof Uint8Array)) throw new StoreValidationError('document file', 'expected bytes');
  if (file.pdf.byteLength > MAX_DOCUMENT_FILE_BYTES)
    throw new StoreValidationError(
      'document file',
      `${file.pdf.byteLength} bytes is more than the ${MAX_DOCUMENT_FILE_BYTES} the store keeps`,
    );
  return {
    kind: checkFileKind(file.kind),
    number: checkKey('document number', file.number),
    pdf: file.pdf,
    createdAt: checkDate('file createdAt', file.createdAt),
  };
}
