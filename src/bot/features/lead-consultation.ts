/**
 * 📅 on the lead card (Google Calendar configured): without a booking, «📅 Предложить консультацию» offers the
 * buyer free slots in their own chat (the path their own request takes); with one, the card shows when it is, in
 * the calendar's zone, with 🔁 reschedule and ✖️ cancel.
 *
 * Rescheduling is the owner's choice of a new slot on the card (agreed with the buyer in the chat): the booking's
 * event is moved in place, keeping its id, only once a slot is picked. Until then — or if the owner backs out —
 * the booking stays as it is; a slot taken meanwhile fails the move and leaves the old event. Cancelling asks
 * first. Both run as the calendar's durable jobs; the card is redrawn when the job is through (or after a short
 * wait, with the owner's alert following the job).
 */
import { Composer } from 'grammy';
import type { InlineKeyboardButton } from 'grammy/types';
import type { Consultations } from '../../integrations/index.js';
import type { Lead } from '../../models/records.js';
import { answerTap, tapWithResult } from '../answer.js';
import { type LeadCardExtension, leadIsOpen } from '../cards/lead.js';
import type { BotContext } from '../context.js';
import type { FeatureEnv } from '../env.js';
import { isNotModified } from '../telegram-errors.js';
import { parseSalesCallback, salesCallback } from '../sales-callbacks.js';
import { formatSlot, type Texts } from '../../texts/index.js';
import { redrawLeadCard, whenSettled } from './leads.js';

type Booking = NonNullable<Awaited<ReturnType<Consultations['booking']>>>;

const button = (text: string, data: string): InlineKeyboardButton => ({ text, callback_data: data });
const minuteOf = (date: Date) => Math.floor(date.getTime() / 60_000);

/** The lead's consultation still to come (a past or cancelled one offers nothing to move). */
async function upcoming(consultations: Consultations, leadId: string, now = new Date()) {
  const booking = await consultations.booking(leadId);
  return booking?.status === 'booked' && booking.end > now ? booking : null;
}

export function consultationCard(
  env: FeatureEnv,
  calendar: { consultations: Consultations; timeZone: string },
): LeadCardExtension {
  const { consultations, timeZone } = calendar;
  const zone = (t: Texts) => (timeZone === t.timeZone ? t.tzLabel : timeZone);
  const when = (t: Texts, date: Date) => formatSlot(date, timeZone, t.locale);
  const composer = new Composer<BotContext>();

  /** Shows `text` with `rows` in place of the card (a question, a choice); the card comes back after. */
  async function replaceCard(ctx: BotContext, text: string, rows: InlineKeyboardButton[][]) {
    await ctx
      .editMessageText(text, { parse_mode: 'HTML', reply_markup: { inline_keyboard: rows } })
      .catch((error: unknown) => {
        if (!isNotModified(error)) throw error;
      });
  }

  /** Redraws the card once the booking is no longer `before` (the job ran), or after the wait anyway. */
  async function redrawAfter(ctx: BotContext, leadId: string, before: Booking) {
    await whenSettled(async () => {
      const now = await consultations.booking(leadId);
      return now?.status !== 'booked' || now.start.getTime() !== before.start.getTime();
    });
    const lead = await env.sales?.leads.get(leadId);
    if (lead) await redrawLeadCard(env, ctx, lead);
  }

  composer.callbackQuery(/^b:/, async (ctx, next) => {
    const data = parseSalesCallback(ctx.callbackQuery.data);
    if (data?.kind !== 'booking') return next();
    const { t, log } = ctx;
    const lead: Lead | null | undefined = await env.sales?.leads.get(data.leadId);
    if (!lead) return answerTap(ctx, t.sales.toast.notFound, log);
    const b = t.sales.booking;
    const booking = await upcoming(consultations, lead.id);
    /** A stale button: say why, and show the card as it is now. */
    const stale = async (toast: string) => {
      await answerTap(ctx, toast, log);
      await redrawLeadCard(env, ctx, lead);
    };

    if (data.action === 'offer') {
      if (!leadIsOpen(lead)) return stale(b.toast.closed);
      if (booking) return stale(b.toast.booked);
      return tapWithResult(ctx, log, t, async () => {
        const result = await consultations.offer(lead.id);
        if (!result.ok) return t.sales.toast.notFound;
        await redrawLeadCard(env, ctx, lead);
        return b.toast.offered;
      });
    }
    if (!booking) return stale(b.toast.noBooking);
    const back = [button(b.back, salesCallback({ kind: 'refresh', leadId: lead.id }))];

    switch (data.action) {
      case 'ask':
        await answerTap(ctx, undefined, log);
        return replaceCard(ctx, b.confirmCancel(when(t, booking.start), zone(t)), [
          [
            button(
              t.sales.buttons.yes,
              salesCallback({
                kind: 'booking',
                action: 'cancel',
                minute: minuteOf(booking.start),
                leadId: lead.id,
              }),
            ),
            button(t.sales.buttons.no, salesCallback({ kind: 'refresh', leadId: lead.id })),
          ],
        ]);
      case 'cancel':
        // A confirmation for a booking that has moved since is not this booking's.
        if (data.minute !== minuteOf(booking.start)) return stale(b.toast.noBooking);
        return tapWithResult(ctx, log, t, async () => {
          const result = await consultations.cancel(lead.id);
          if (!result.ok) return result.reason === 'not_found' ? t.sales.toast.notFound : b.toast.noBooking;
          await redrawAfter(ctx, lead.id, booking);
          return b.toast.cancelling;
        });
      case 'move':
        return tapWithResult(ctx, log, t, async () => {
          const slots = await consultations.freeSlots(lead.id);
          if (slots.length === 0) return b.toast.noSlots;
          await replaceCard(ctx, b.pick(when(t, booking.start), zone(t)), [
            ...slots.map((slot) => [
              button(
                when(t, slot.start),
                salesCallback({
                  kind: 'booking',
                  action: 'to',
                  minute: minuteOf(slot.start),
                  leadId: lead.id,
                }),
              ),
            ]),
            back,
          ]);
          return '';
        });
      case 'to':
        return tapWithResult(ctx, log, t, async () => {
          // The slot must still be free now: the list the owner saw may be minutes old.
          const slot = (await consultations.freeSlots(lead.id)).find(
            (s) => minuteOf(s.start) === data.minute,
          );
          if (!slot) return b.toast.slotGone;
          const result = await consultations.reschedule(lead.id, slot);
          if (!result.ok)
            return result.reason === 'slot_unavailable'
              ? b.toast.slotGone
              : result.reason === 'not_found'
                ? t.sales.toast.notFound
                : b.toast.noBooking;
          await redrawAfter(ctx, lead.id, booking);
          return b.toast.moving(when(t, slot.start));
        });
    }
  });

  return {
    id: 'calendar',
    async lines({ lead, t }) {
      const booking = await upcoming(consultations, lead.id);
      return booking ? [t.sales.booking.line(when(t, booking.start), zone(t))] : [];
    },
    async rows({ lead, t }) {
      const b = t.sales.booking;
      const booking = await upcoming(consultations, lead.id);
      if (booking)
        return [
          [
            button(b.reschedule, salesCallback({ kind: 'booking', action: 'move', leadId: lead.id })),
            button(b.cancel, salesCallback({ kind: 'booking', action: 'ask', leadId: lead.id })),
          ],
        ];
      if (!leadIsOpen(lead)) return [];
      return [[button(b.offer, salesCallback({ kind: 'booking', action: 'offer', leadId: lead.id }))]];
    },
    composer,
  };
}
