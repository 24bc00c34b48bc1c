import { z } from 'zod';
import type { KvRepository } from '../../store/port.js';
import type { Slot } from './slots.js';

const iso = z.iso.datetime({ offset: true });

const offerSchema = z.object({
  chatId: z.string().min(1),
  slots: z.array(z.object({ start: iso, end: iso })).min(1),
  at: iso,
  /** Set once the buyer chose: a repeat of the same choice is answered as booked again. */
  booked: z.object({ eventId: z.string(), start: iso }).nullable(),
});

const bookingSchema = z.object({
  eventId: z.string().min(1),
  chatId: z.string().min(1),
  start: iso,
  end: iso,
  /** The invitation's SEQUENCE: bumped by every change the buyer is e-mailed about. */
  sequence: z.number().int().nonnegative(),
  status: z.enum(['booked', 'cancelled']),
});

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

const toSlot = (s: { start: string; end: string }): Slot => ({
  start: new Date(s.start),
  end: new Date(s.end),
});
const fromSlot = (s: Slot) => ({ start: s.start.toISOString(), end: s.end.toISOString() });

/** Offers and bookings by lead, in the store's kv (sealed at rest). */
export function consultationRecords(kv: Pick<KvRepository, 'get' | 'set'>) {
  return {
    async offer(leadId: string): Promise<SlotOffer | null> {
      const parsed = offerSchema.safeParse(await kv.get(`calendar:offer:${leadId}`));
      if (!parsed.success) return null;
      const o = parsed.data;
      return {
        chatId: o.chatId,
        slots: o.slots.map(toSlot),
        at: new Date(o.at),
        booked: o.booked ? { eventId: o.booked.eventId, start: new Date(o.booked.start) } : null,
      };
    },
    saveOffer: (leadId: string, offer: SlotOffer) =>
      kv.set(`calendar:offer:${leadId}`, {
        chatId: offer.chatId,
        slots: offer.slots.map(fromSlot),
        at: offer.at.toISOString(),
        booked: offer.booked
          ? { eventId: offer.booked.eventId, start: offer.booked.start.toISOString() }
          : null,
      }),
    async booking(leadId: string): Promise<Booking | null> {
      const parsed = bookingSchema.safeParse(await kv.get(`calendar:booking:${leadId}`));
      if (!parsed.success) return null;
      return { ...parsed.data, start: new Date(parsed.data.start), end: new Date(parsed.data.end) };
    },
    saveBooking: (leadId: string, booking: Booking) =>
      kv.set(`calendar:booking:${leadId}`, {
        ...booking,
        start: booking.start.toISOString(),
        end: booking.end.toISOString(),
      }),
  };
}

export type ConsultationRecords = ReturnType<typeof consultationRecords>;
