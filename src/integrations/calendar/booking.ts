import { createHash } from 'node:crypto';
import { CalendarApiError, type CalendarClient, type CalendarEvent } from './client.js';
import type { CalendarSettings } from './config.js';
import { computeFreeSlots, type Interval, isSlotFree, type Slot, slotSearchWindow } from './slots.js';

/** The private extended property that ties an event to our lead. */
export const LEAD_PROPERTY = 'avitoResponderLeadId';

/**
 * The event id for a lead's booking of a slot: the same inputs always give the same id, so a retried
 * insert hits Google's 409 instead of booking twice. Hex of SHA-256 (hex ⊂ base32hex), 32 characters,
 * within the 5–1024 the discovery document allows.
 */
export function bookingEventId(leadId: string, slotStart: Date): string {
  return createHash('sha256').update(`${leadId}\n${slotStart.toISOString()}`).digest('hex').slice(0, 32);
}

/** The next `count` free slots from `now`, by the calendar's free/busy and the seller's settings. */
export async function findFreeSlots(
  client: CalendarClient,
  settings: CalendarSettings,
  now: Date,
  count = 3,
): Promise<Slot[]> {
  const busy = await client.freeBusy(slotSearchWindow(settings, now));
  return computeFreeSlots({ settings, now, busy, count });
}

/** What the booking needs to write. */
export interface BookingRequest {
  leadId: string;
  slot: Slot;
  summary: string;
  description?: string;
  location?: string;
}

export type BookingResult =
  /** The event exists now; `alreadyBooked` when an earlier attempt (or a lost answer) had made it. */
  | { kind: 'booked'; event: CalendarEvent; alreadyBooked: boolean }
  /** Someone took the slot meanwhile: offer new slots. */
  | { kind: 'slot-taken'; eventId: string };

const MINUTE = 60_000;

function widen(slot: Interval, bufferMinutes: number): Interval {
  return {
    start: new Date(slot.start.getTime() - bufferMinutes * MINUTE),
    end: new Date(slot.end.getTime() + bufferMinutes * MINUTE),
  };
}

/** Busy periods with `own` cut out (free/busy merges our own event with its neighbours). */
export function subtractInterval(busy: readonly Interval[], own: Interval): Interval[] {
  const out: Interval[] = [];
  for (const b of busy) {
    if (b.end <= own.start || b.start >= own.end) {
      out.push(b);
      continue;
    }
    if (b.start < own.start) out.push({ start: b.start, end: own.start });
    if (b.end > own.end) out.push({ start: own.end, end: b.end });
  }
  return out;
}

function isOurs(event: CalendarEvent, leadId: string): boolean {
  return event.privateProperties[LEAD_PROPERTY] === leadId;
}

function sameTimes(event: CalendarEvent, slot: Slot): boolean {
  return event.start.getTime() === slot.start.getTime() && event.end.getTime() === slot.end.getTime();
}

async function slotStillFree(
  client: CalendarClient,
  slot: Slot,
  settings: Pick<CalendarSettings, 'bufferMinutes'>,
  own?: Interval,
): Promise<boolean> {
  let busy = await client.freeBusy(widen(slot, settings.bufferMinutes));
  if (own) busy = subtractInterval(busy, own);
  return isSlotFree(slot, busy, settings.bufferMinutes);
}

/**
 * Books `request.slot` for a lead, safe to retry any number of times:
 * 1. our deterministic id already exists → it is this booking (a lost answer, a retry): booked;
 *    a booking we cancelled earlier is confirmed again (Google never frees a used id);
 * 2. free/busy says the slot (with its buffer) is taken → `slot-taken` (unless a concurrent attempt of
 *    this same booking is what took it);
 * 3. insert; a 409 on our id means a concurrent attempt won → read it back: booked.
 * A slot taken between steps 2 and 3 is not detected (Google does not refuse overlaps).
 */
export async function bookSlot(
  client: CalendarClient,
  settings: Pick<CalendarSettings, 'bufferMinutes' | 'timeZone'>,
  request: BookingRequest,
): Promise<BookingResult> {
  const id = bookingEventId(request.leadId, request.slot.start);
  const draft = {
    summary: request.summary,
    ...(request.description !== undefined ? { description: request.description } : {}),
    ...(request.location !== undefined ? { location: request.location } : {}),
    start: request.slot.start,
    end: request.slot.end,
    timeZone: settings.timeZone,
    privateProperties: { [LEAD_PROPERTY]: request.leadId },
  };
  const existing = await client.getEvent(id);
  if (existing) return resumeExisting(client, settings, request, existing, draft);
  if (!(await slotStillFree(client, request.slot, settings))) {
    // A concurrent attempt for this very booking may be what fills the slot now.
    const mine = await client.getEvent(id);
    if (mine && isOurs(mine, request.leadId) && mine.status !== 'cancelled') {
      return { kind: 'booked', event: mine, alreadyBooked: true };
    }
    return { kind: 'slot-taken', eventId: id };
  }
  try {
    return { kind: 'booked', event: await client.insertEvent(id, draft), alreadyBooked: false };
  } catch (error) {
    if (!(error instanceof CalendarApiError) || error.kind !== 'duplicate') throw error;
    const winner = await client.getEvent(id);
    if (!winner) throw error;
    return resumeExisting(client, settings, request, winner, draft);
  }
}

async function resumeExisting(
  client: CalendarClient,
  settings: Pick<CalendarSettings, 'bufferMinutes' | 'timeZone'>,
  request: BookingRequest,
  event: CalendarEvent,
  draft: Parameters<CalendarClient['insertEvent']>[1],
): Promise<BookingResult> {
  if (!isOurs(event, request.leadId)) {
    throw new CalendarApiError(
      'duplicate',
      `Google Calendar event ${event.id} exists but is not lead ${request.leadId}'s`,
    );
  }
  if (event.status !== 'cancelled') return { kind: 'booked', event, alreadyBooked: true };
  if (!(await slotStillFree(client, request.slot, settings)))
    return { kind: 'slot-taken', eventId: event.id };
  const revived = await client.patchEvent(event.id, { ...draft, status: 'confirmed' });
  return { kind: 'booked', event: revived, alreadyBooked: false };
}

export type RescheduleResult =
  | { kind: 'rescheduled'; event: CalendarEvent }
  | { kind: 'slot-taken' }
  /** No such booking, or it was cancelled: book anew instead. */
  | { kind: 'not-found' };

/**
 * Moves a booking to `slot`, keeping its event id (so the lead's link to it holds). Idempotent: a retry
 * after the move finds the event already there. The booking's own current time does not block the new
 * slot (moving by half an hour is fine).
 */
export async function rescheduleBooking(
  client: CalendarClient,
  settings: Pick<CalendarSettings, 'bufferMinutes' | 'timeZone'>,
  eventId: string,
  slot: Slot,
): Promise<RescheduleResult> {
  const event = await client.getEvent(eventId);
  if (!event || event.status === 'cancelled') return { kind: 'not-found' };
  if (sameTimes(event, slot)) return { kind: 'rescheduled', event };
  if (!(await slotStillFree(client, slot, settings, { start: event.start, end: event.end }))) {
    return { kind: 'slot-taken' };
  }
  const moved = await client.patchEvent(eventId, {
    start: slot.start,
    end: slot.end,
    timeZone: settings.timeZone,
  });
  return { kind: 'rescheduled', event: moved };
}

export type CancelResult = { kind: 'cancelled' } | { kind: 'already-cancelled' } | { kind: 'not-found' };

/** Cancels a booking (Google keeps it as `cancelled`); safe to retry. */
export async function cancelBooking(client: CalendarClient, eventId: string): Promise<CancelResult> {
  const outcome = await client.deleteEvent(eventId);
  if (outcome === 'deleted') return { kind: 'cancelled' };
  return { kind: outcome === 'already-deleted' ? 'already-cancelled' : 'not-found' };
}
