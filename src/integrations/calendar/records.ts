import type { ConsultationBooking, ConsultationOffer } from '../../models/records.js';
import type { ConsultationRepository } from '../../store/port.js';

/** The slots offered to a lead's buyer, open until chosen or past. */
export type SlotOffer = Omit<ConsultationOffer, 'leadId'>;

/** A lead's consultation as we keep it (the event itself is the calendar's). */
export type Booking = Omit<ConsultationBooking, 'leadId'>;

/** Offers and bookings by lead, in the store's consultations repository (one of each per lead). */
export function consultationRecords(repo: ConsultationRepository) {
  return {
    async offer(leadId: string): Promise<SlotOffer | null> {
      const offer = await repo.offer(leadId);
      return offer && { chatId: offer.chatId, slots: offer.slots, at: offer.at, booked: offer.booked };
    },
    saveOffer: (leadId: string, offer: SlotOffer) => repo.saveOffer({ ...offer, leadId }),
    async booking(leadId: string): Promise<Booking | null> {
      const b = await repo.booking(leadId);
      return (
        b && {
          eventId: b.eventId,
          chatId: b.chatId,
          start: b.start,
          end: b.end,
          sequence: b.sequence,
          status: b.status,
        }
      );
    },
    saveBooking: (leadId: string, booking: Booking) => repo.saveBooking({ ...booking, leadId }),
  };
}

export type ConsultationRecords = ReturnType<typeof consultationRecords>;
