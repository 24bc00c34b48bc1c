/** The `consultation_offers` and `consultation_bookings` collections: one offer and one booking per lead. */
import type { Models } from '../../models/mongo-schemas.js';
import type { ConsultationBooking, ConsultationOffer } from '../../models/records.js';
import { checkBooking, checkOffer } from '../integration-records.js';
import { type ConsultationRepository, StoreConflictError } from '../port.js';
import { checkId } from '../validate.js';
import { type Doc, isDuplicateKey } from './lean.js';

const toOffer = (doc: Doc): ConsultationOffer => {
  const booked = doc.booked as { eventId: string; start: Date } | null | undefined;
  return {
    leadId: String(doc._id),
    chatId: String(doc.chatId),
    slots: (doc.slots as { start: Date; end: Date }[]).map((s) => ({ start: s.start, end: s.end })),
    at: doc.at as Date,
    booked: booked ? { eventId: booked.eventId, start: booked.start } : null,
  };
};

const toBooking = (doc: Doc): ConsultationBooking => ({
  leadId: String(doc._id),
  eventId: String(doc.eventId),
  chatId: String(doc.chatId),
  start: doc.start as Date,
  end: doc.end as Date,
  sequence: Number(doc.sequence),
  status: doc.status as ConsultationBooking['status'],
});

export function consultations(m: Models): ConsultationRepository {
  return {
    async offer(leadId) {
      const doc = await m.ConsultationOffer.findById(checkId('lead id', leadId)).lean<Doc>();
      return doc ? toOffer(doc) : null;
    },
    async saveOffer(input) {
      const { leadId, ...offer } = checkOffer(input);
      await m.ConsultationOffer.replaceOne({ _id: leadId }, offer, { upsert: true });
    },
    async booking(leadId) {
      const doc = await m.ConsultationBooking.findById(checkId('lead id', leadId)).lean<Doc>();
      return doc ? toBooking(doc) : null;
    },
    async saveBooking(input) {
      const { leadId, ...booking } = checkBooking(input);
      try {
        await m.ConsultationBooking.replaceOne({ _id: leadId }, booking, { upsert: true });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const owner = await m.ConsultationBooking.findOne({ eventId: booking.eventId }).lean<Doc>();
        throw new StoreConflictError('calendar event', booking.eventId, `lead ${String(owner?._id)}`);
      }
    },
  };
}
