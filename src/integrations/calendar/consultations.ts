/**
 * Consultations: a buyer (or the owner, from the lead card) asks for one → the calendar's free/busy → three
 * free slots offered in the buyer's chat → the buyer's choice books an event whose id derives from the lead and
 * the slot (retries never double-book; a slot taken meanwhile gets new slots offered) → the owner is told, the
 * lead moves to `booked`, the deal gets a note, the buyer an e-mail with the invitation when they gave an
 * address. The owner reschedules or cancels from the lead card.
 *
 * The buyer's side runs inside the responder's answer to the buyer (see {@link Consultations.replyTo}): reading
 * free/busy and booking happen there, and only when the calendar does not answer is the work left to a durable
 * job (the buyer is told it will follow).
 */
import type { Logger } from '../../logger.js';
import type { Lead, LeadStage, Message } from '../../models/records.js';
import { channelOf } from '../../responder/channel.js';
import type { OwnerAlerts } from '../../responder/ports.js';
import type { LeadActionResult } from '../../sales/leads/index.js';
import type { Store } from '../../store/port.js';
import { type BuyerMessenger, buyerChatOf, INTEGRATIONS_ACTOR } from '../buyer-messages.js';
import type { Crm } from '../amocrm/integration.js';
import type { EmailOutbox } from '../email/outbox.js';
import { isTransient, type OutboxDeps, PermanentFailure } from '../outbox.js';
import { formatSlot, type Locale, type Texts } from '../../texts/index.js';
import { toRfc3339 } from '../../lib/zoned-time.js';
import { bookingEventId, bookSlot, cancelBooking, findFreeSlots, rescheduleBooking } from './booking.js';
import type { CalendarClient, CalendarEvent } from './client.js';
import type { CalendarSettings } from './config.js';
import { isConsultationRequest, parseSlotChoice } from './intent.js';
import { type CalendarJobs, calendarQueues, defineCalendarJobs } from './jobs/index.js';
import { type Booking, consultationRecords, type SlotOffer } from './records.js';
import type { Slot } from './slots.js';

/** How many slots a buyer is offered at once. */
export const SLOTS_OFFERED = 3;

export interface ConsultationDeps {
  client: CalendarClient;
  settings: CalendarSettings;
  store: Pick<Store, 'consultations' | 'leads'>;
  leads: {
    get(leadId: string): Promise<Lead | null>;
    moveStage(leadId: string, to: LeadStage, actor: string): Promise<LeadActionResult>;
  };
  crm: Crm;
  email: EmailOutbox;
  alerts: OwnerAlerts;
  messenger: BuyerMessenger;
  outbox: OutboxDeps;
  texts: Texts;
  locale: Locale;
  now?: () => Date;
  logger: Logger;
}

/** The outcome of an owner's action on a lead's consultation (the lead card words it). */
export type ConsultationActionResult =
  { ok: true } | { ok: false; reason: 'not_found' | 'no_booking' | 'slot_unavailable' };

export interface Consultations {
  /**
   * The responder's hook: our own reply to these buyer messages when they ask for a consultation or choose an
   * offered slot; null lets the AI answer them as usual.
   */
  replyTo(input: { chatId: string; messages: readonly Message[] }): Promise<{ text: string } | null>;
  /** 📅 on the lead card: free slots are offered to the buyer in their chat. */
  offer(leadId: string): Promise<ConsultationActionResult>;
  /** Free slots the owner can move the lead's booking to (the lead card lists them). */
  freeSlots(leadId: string): Promise<Slot[]>;
  /** Moves the lead's booking to `slot` (the buyer is told, the invitation updated). */
  reschedule(leadId: string, slot: Slot): Promise<ConsultationActionResult>;
  /** Cancels the lead's booking (the buyer is told). */
  cancel(leadId: string): Promise<ConsultationActionResult>;
  /** The lead's consultation, if any (for the lead card). */
  booking(leadId: string): Promise<Booking | null>;
}

/** An offer stays open until its first slot starts, at most a day. */
const OFFER_OPEN_MS = 24 * 3600_000;

export function createConsultations(deps: ConsultationDeps): Consultations {
  const { client, settings, texts, locale } = deps;
  const records = consultationRecords(deps.store.consultations);
  const now = deps.now ?? (() => new Date());
  const zone = settings.timeZone;
  const when = (start: Date) => formatSlot(start, zone, locale);
  const log = deps.logger;

  const offerText = (slots: Slot[]) =>
    slots.length > 0
      ? texts.buyer.slotsOffered(
          slots.map((s) => when(s.start)),
          zone,
        )
      : texts.buyer.noSlots(settings.horizonDays);

  const isOpen = (offer: SlotOffer) =>
    now().getTime() - offer.at.getTime() < OFFER_OPEN_MS && offer.slots.some((s) => s.start > now());

  /** Free slots now, kept as the lead's open offer; the text to send the buyer. */
  async function freshOffer(lead: Lead, chatId: string, taken = false): Promise<string> {
    const slots = await findFreeSlots(client, settings, now(), SLOTS_OFFERED);
    if (slots.length > 0) await records.saveOffer(lead.id, { chatId, slots, at: now(), booked: null });
    if (taken && slots.length > 0)
      return texts.buyer.slotTaken(
        slots.map((s) => when(s.start)),
        zone,
      );
    return offerText(slots);
  }

  function eventTexts(lead: Lead) {
    const listing = lead.listing?.title ?? null;
    return {
      summary: texts.calendar.summary(lead.contact.name, listing),
      description: texts.calendar.description([
        texts.calendar.contacts(lead.contact.phone, lead.contact.email),
        texts.calendar.lead(lead.id),
      ]),
    };
  }

  /**
   * What follows a booking, each step once however often it runs: the booking kept, the offer closed, the
   * lead at `booked`, a note on the deal, the owner told, the invitation e-mailed.
   */
  async function afterBooking(lead: Lead, chatId: string, event: CalendarEvent): Promise<void> {
    const previous = await records.booking(lead.id);
    const sequence = previous && previous.eventId === event.id ? previous.sequence : 0;
    await records.saveBooking(lead.id, {
      eventId: event.id,
      chatId,
      start: event.start,
      end: event.end,
      sequence,
      status: 'booked',
    });
    const offer = await records.offer(lead.id);
    if (offer)
      await records.saveOffer(lead.id, { ...offer, booked: { eventId: event.id, start: event.start } });
    const moved = await deps.leads.moveStage(lead.id, 'booked', INTEGRATIONS_ACTOR);
    if (!moved.ok) log.debug({ leadId: lead.id, reason: moved.reason }, 'lead not moved to booked');
    const stamp = event.start.toISOString();
    await deps.crm.note(lead.id, `booking:${event.id}:${stamp}`, texts.crm.booked(when(event.start)));
    await deps.alerts.alert(`consultation:${event.id}:${stamp}`, {
      kind: 'consultation',
      change: 'booked',
      buyer: lead.contact.name,
      start: toRfc3339(event.start.getTime(), zone),
      listing: lead.listing?.title ?? null,
      leadId: lead.id,
    });
    await deps.email.send(
      lead.id,
      `booking:${event.id}:${sequence}`,
      {
        kind: 'booking',
        uid: `${event.id}@avito-responder`,
        sequence,
        start: event.start.toISOString(),
        end: event.end.toISOString(),
        topic: texts.calendar.topic(lead.listing?.title ?? null),
      },
      { ownerCopy: true },
    );
  }

  /** Books `slot` for the lead; the buyer's reply. Throws what the calendar throws. */
  async function book(lead: Lead, chatId: string, slot: Slot): Promise<string> {
    const result = await bookSlot(client, settings, { leadId: lead.id, slot, ...eventTexts(lead) });
    if (result.kind === 'slot-taken') return freshOffer(lead, chatId, true);
    await afterBooking(lead, chatId, result.event);
    return texts.buyer.booked(when(result.event.start), zone);
  }

  /** A failure the buyer's flow cannot wait out: the owner is told, the AI answers the buyer meanwhile. */
  async function giveUp(lead: Lead, operation: 'offer-slots' | 'book', error: unknown): Promise<null> {
    log.error({ err: error, leadId: lead.id }, 'calendar refused; the consultation waits for the owner');
    await deps.alerts.alert(`calendar:${operation}:${lead.id}`, {
      kind: 'integration-failed',
      integration: 'calendar',
      operation,
      leadId: lead.id,
      reason: error instanceof Error ? error.message : String(error),
    });
    return null;
  }

  const jobs = calendarQueues(deps.outbox.agenda);
  const handlers: CalendarJobs = {
    async offer({ key, leadId, chatId }) {
      const lead = await deps.leads.get(leadId);
      if (!lead) return;
      const text = await freshOffer(lead, chatId);
      await deps.messenger.send({ chatId, text, key });
    },
    async book({ key, leadId, chatId, start, end }) {
      const lead = await deps.leads.get(leadId);
      if (!lead) return;
      const text = await book(lead, chatId, { start: new Date(start), end: new Date(end) });
      await deps.messenger.send({ chatId, text, key });
    },
    async reschedule({ key, leadId, start, end }) {
      const [lead, current] = await Promise.all([deps.leads.get(leadId), records.booking(leadId)]);
      if (!lead || !current || current.status !== 'booked')
        throw new PermanentFailure('there is no booking to move');
      const slot = { start: new Date(start), end: new Date(end) };
      const result = await rescheduleBooking(client, settings, current.eventId, slot);
      if (result.kind === 'slot-taken') throw new PermanentFailure(`${when(slot.start)} is taken`);
      if (result.kind === 'not-found') throw new PermanentFailure('the booking is no longer in the calendar');
      const sequence =
        current.start.getTime() === slot.start.getTime() ? current.sequence : current.sequence + 1;
      await records.saveBooking(leadId, {
        ...current,
        start: result.event.start,
        end: result.event.end,
        sequence,
      });
      const stamp = result.event.start.toISOString();
      await deps.messenger.send({
        chatId: current.chatId,
        text: texts.buyer.rescheduled(when(slot.start), zone),
        key,
      });
      await deps.crm.note(
        leadId,
        `reschedule:${current.eventId}:${stamp}`,
        texts.crm.rescheduled(when(slot.start)),
      );
      await deps.alerts.alert(`consultation:${current.eventId}:${stamp}:moved`, {
        kind: 'consultation',
        change: 'rescheduled',
        buyer: lead.contact.name,
        start: toRfc3339(slot.start.getTime(), zone),
        listing: lead.listing?.title ?? null,
        leadId,
      });
      await deps.email.send(leadId, `booking:${current.eventId}:${sequence}`, {
        kind: 'booking',
        uid: `${current.eventId}@avito-responder`,
        sequence,
        start: slot.start.toISOString(),
        end: slot.end.toISOString(),
        topic: texts.calendar.topic(lead.listing?.title ?? null),
      });
    },
    async cancel({ key, leadId }) {
      const [lead, current] = await Promise.all([deps.leads.get(leadId), records.booking(leadId)]);
      if (!lead || !current) return;
      await cancelBooking(client, current.eventId);
      await records.saveBooking(leadId, { ...current, status: 'cancelled' });
      const stamp = current.start.toISOString();
      await deps.messenger.send({
        chatId: current.chatId,
        text: texts.buyer.cancelled(when(current.start)),
        key,
      });
      await deps.crm.note(
        leadId,
        `cancel:${current.eventId}:${stamp}`,
        texts.crm.cancelled(when(current.start)),
      );
      await deps.alerts.alert(`consultation:${current.eventId}:${stamp}:cancelled`, {
        kind: 'consultation',
        change: 'cancelled',
        buyer: lead.contact.name,
        start: toRfc3339(current.start.getTime(), zone),
        listing: lead.listing?.title ?? null,
        leadId,
      });
    },
  };
  defineCalendarJobs(deps.outbox, handlers);

  return {
    async replyTo({ chatId, messages }) {
      const text = messages.filter((m) => m.type === 'text' && m.text).at(-1)?.text;
      if (!text) return null;
      const lead = await deps.store.leads.findOpenByConversation(channelOf(chatId), chatId);
      if (!lead) return null;
      const offer = await records.offer(lead.id);
      if (offer && isOpen(offer)) {
        const chosen = parseSlotChoice(text, offer.slots, zone, now());
        const slot = chosen === undefined ? undefined : offer.slots[chosen];
        // Once booked, only the same slot is answered (as booked again); another choice is not ours to make.
        const another = slot && offer.booked && offer.booked.start.getTime() !== slot.start.getTime();
        if (slot && !another) {
          try {
            return { text: await book(lead, chatId, slot) };
          } catch (error) {
            if (!isTransient(error)) return giveUp(lead, 'book', error);
            log.warn({ err: error, leadId: lead.id }, 'calendar unavailable; booking queued');
            await jobs.book({
              key: `calendar:book:${bookingEventId(lead.id, slot.start)}`,
              leadId: lead.id,
              chatId,
              start: slot.start.toISOString(),
              end: slot.end.toISOString(),
            });
            return { text: texts.buyer.booking(when(slot.start)) };
          }
        }
      }
      if (!isConsultationRequest(text)) return null;
      try {
        return { text: await freshOffer(lead, chatId) };
      } catch (error) {
        if (!isTransient(error)) return giveUp(lead, 'offer-slots', error);
        log.warn({ err: error, leadId: lead.id }, 'calendar unavailable; the offer of slots is queued');
        await jobs.offer({
          key: `calendar:offer:${lead.id}:${messages.at(-1)?.id ?? ''}`,
          leadId: lead.id,
          chatId,
        });
        return { text: texts.buyer.checkingCalendar };
      }
    },

    async offer(leadId) {
      const lead = await deps.leads.get(leadId);
      if (!lead) return { ok: false, reason: 'not_found' };
      // A double tap within the minute offers once.
      const minute = Math.floor(now().getTime() / 60_000);
      await jobs.offer({
        key: `calendar:offer:${leadId}:owner:${minute}`,
        leadId,
        chatId: buyerChatOf(lead),
      });
      return { ok: true };
    },

    async freeSlots(leadId) {
      const current = await records.booking(leadId);
      const slots = await findFreeSlots(client, settings, now(), SLOTS_OFFERED + 3);
      return current?.status === 'booked'
        ? slots.filter((s) => s.start.getTime() !== current.start.getTime())
        : slots;
    },

    async reschedule(leadId, slot) {
      const current = await records.booking(leadId);
      if (!(await deps.leads.get(leadId))) return { ok: false, reason: 'not_found' };
      if (!current || current.status !== 'booked') return { ok: false, reason: 'no_booking' };
      if (slot.start <= now()) return { ok: false, reason: 'slot_unavailable' };
      await jobs.reschedule({
        key: `calendar:reschedule:${current.eventId}:${slot.start.toISOString()}`,
        leadId,
        start: slot.start.toISOString(),
        end: slot.end.toISOString(),
      });
      return { ok: true };
    },

    async cancel(leadId) {
      const current = await records.booking(leadId);
      if (!(await deps.leads.get(leadId))) return { ok: false, reason: 'not_found' };
      if (!current || current.status !== 'booked') return { ok: false, reason: 'no_booking' };
      await jobs.cancel({ key: `calendar:cancel:${current.eventId}:${current.start.toISOString()}`, leadId });
      return { ok: true };
    },

    booking: (leadId) => records.booking(leadId),
  };
}
