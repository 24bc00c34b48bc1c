import type { ConsultationRepository } from '../../store/port.js';
import type { Slot } from './slots.js';

/** The slots offered to a lead's buyer, open until chosen or past. */
export interface SlotOffer {
  chatId: string;
  slots: Slot[];
  at: Date;
  booked: { eventId: string; start: Date } | null;
}

/** A lead's consultation as we keep it (the event itself is the calendar's). */
export interface Booking {
  eventId: string;
  chatId: string;
  start: Date;
  end: Date;
  sequence: number;
  status: 'booked' | 'cancelled';
}

/** Offers and bookings by lead, in the store's consultations repository (one of each per lead). */
export function consultationRecords(repo: ConsultationRepository) {
  return {
    async offer(leadId: string): Promise<SlotOffer | null> {
      const offer = await repo.offer(leadId);
      return offer && { chatId: offer.chatId, slots: offer.slots, at: offer.at, booked: offer.booked };
    },
    saveOffer: (leadId: string, offer: SlotOffer) => repo.saveOffer({ leadId, ...offer }),
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
    saveBooking: (leadId: string, booking: Booking) => repo.saveBooking({ leadId, ...booking }),
  };
}

export type ConsultationRecords = ReturnType<typeof consultationRecords>;
