import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  bookingEventId,
  bookSlot,
  cancelBooking,
  findFreeSlots,
  LEAD_PROPERTY,
  rescheduleBooking,
  subtractInterval,
} from '../../../src/integrations/calendar/booking.js';
import { CalendarApiError, type CalendarClient } from '../../../src/integrations/calendar/client.js';
import { calendarSettingsSchema } from '../../../src/integrations/calendar/config.js';
import type { Slot } from '../../../src/integrations/calendar/slots.js';
import { type CalendarRig, startCalendarRig } from '../../support/google-calendar.js';

const settings = calendarSettingsSchema.parse({});
const MONDAY_MORNING = new Date('2027-06-07T08:00:00+03:00');
const slotAt = (iso: string, minutes = 60): Slot => ({
  start: new Date(iso),
  end: new Date(new Date(iso).getTime() + minutes * 60_000),
});
const request = (slot: Slot, leadId = 'lead-42') => ({ leadId, slot, summary: 'Консультация: Иван' });

describe('booking (our calendar functions, official client, simulated Google Calendar)', () => {
  let rig: CalendarRig;
  beforeEach(async () => {
    rig = await startCalendarRig();
  });
  afterEach(async () => {
    await rig.close();
  });

  const inserts = () => rig.sim.calls.find(/\/events$/, 'POST');

  it('when the seller is busy at 11:00, then the three slots offered skip the hours it and its buffer touch', async () => {
    rig.sim.sellerAddsEvent({ start: '2027-06-07T11:00:00+03:00', end: '2027-06-07T11:30:00+03:00' });
    const slots = await findFreeSlots(rig.client, settings, MONDAY_MORNING, 3);
    expect(slots.map((s) => s.start.toISOString())).toEqual([
      '2027-06-07T09:30:00.000Z', // 12:30 MSK
      '2027-06-07T10:45:00.000Z',
      '2027-06-07T12:00:00.000Z',
    ]);
    const query = rig.sim.calls.find('/freeBusy')[0]!.body as { timeMin: string; timeMax: string };
    expect(query.timeMin).toBe(MONDAY_MORNING.toISOString());
    expect(query.timeMax).toBe('2027-06-20T21:15:00.000Z'); // 14 days ahead, end of day + buffer
  });

  it('when a slot is booked, then the event has the deterministic id, our lead id and the seller’s zone', async () => {
    const slot = slotAt('2027-06-07T10:00:00+03:00');
    const result = await bookSlot(rig.client, settings, request(slot));
    expect(result).toMatchObject({ kind: 'booked', alreadyBooked: false });
    const id = bookingEventId('lead-42', slot.start);
    expect(id).toMatch(/^[a-v0-9]{5,1024}$/);
    const [stored] = rig.sim.events();
    expect(stored).toMatchObject({
      id,
      status: 'confirmed',
      summary: 'Консультация: Иван',
      start: { dateTime: '2027-06-07T10:00:00+03:00', timeZone: 'Europe/Moscow' },
      extendedProperties: { private: { [LEAD_PROPERTY]: 'lead-42' } },
    });
  });

  it('when the same booking is retried, then it is recognised as booked and no second insert is sent', async () => {
    const slot = slotAt('2027-06-07T10:00:00+03:00');
    await bookSlot(rig.client, settings, request(slot));
    const again = await bookSlot(rig.client, settings, request(slot));
    expect(again).toMatchObject({ kind: 'booked', alreadyBooked: true });
    expect(inserts()).toHaveLength(1);
    expect(rig.sim.events()).toHaveLength(1);
  });

  it('when Google commits the insert but the answer is lost (500), then the retry finds the event: booked once', async () => {
    const slot = slotAt('2027-06-07T10:00:00+03:00');
    rig.sim.failAfterCommit({ kind: 'status', status: 500 });
    const error = await bookSlot(rig.client, settings, request(slot)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CalendarApiError);
    expect((error as CalendarApiError).retryable).toBe(true);
    const retry = await bookSlot(rig.client, settings, request(slot));
    expect(retry).toMatchObject({ kind: 'booked', alreadyBooked: true });
    expect(rig.sim.events()).toHaveLength(1);
  });

  it('when a concurrent attempt inserts our id between our check and our insert, then Google’s 409 is read as booked', async () => {
    const slot = slotAt('2027-06-07T10:00:00+03:00');
    const id = bookingEventId('lead-42', slot.start);
    let raced = false;
    // The other attempt wins right after our free/busy check (which still saw the slot free).
    const racing: CalendarClient = {
      ...rig.client,
      calendarId: rig.client.calendarId,
      async freeBusy(range) {
        const busy = await rig.client.freeBusy(range);
        if (!raced) {
          raced = true;
          await rig.client.insertEvent(id, {
            summary: 'x',
            start: slot.start,
            end: slot.end,
            timeZone: 'Europe/Moscow',
            privateProperties: { [LEAD_PROPERTY]: 'lead-42' },
          });
        }
        return busy;
      },
    };
    const result = await bookSlot(racing, settings, request(slot));
    expect(result).toMatchObject({ kind: 'booked', alreadyBooked: true });
    expect(inserts().map((c) => c.status)).toEqual([200, 409]);
    expect(rig.sim.events()).toHaveLength(1);
  });

  it('when a concurrent attempt of the same booking fills the slot before our free/busy check, then it is booked, not slot-taken', async () => {
    const slot = slotAt('2027-06-07T10:00:00+03:00');
    const id = bookingEventId('lead-42', slot.start);
    let raced = false;
    const racing: CalendarClient = {
      ...rig.client,
      calendarId: rig.client.calendarId,
      async getEvent(eventId) {
        const found = await rig.client.getEvent(eventId);
        if (!raced) {
          raced = true;
          await rig.client.insertEvent(id, {
            summary: 'x',
            start: slot.start,
            end: slot.end,
            timeZone: 'Europe/Moscow',
            privateProperties: { [LEAD_PROPERTY]: 'lead-42' },
          });
        }
        return found;
      },
    };
    expect(await bookSlot(racing, settings, request(slot))).toMatchObject({
      kind: 'booked',
      alreadyBooked: true,
    });
    expect(inserts()).toHaveLength(1);
  });

  it('when the seller takes the offered slot meanwhile, then booking says slot-taken, inserts nothing, and new slots skip it', async () => {
    const [first] = await findFreeSlots(rig.client, settings, MONDAY_MORNING, 3);
    rig.sim.sellerAddsEvent({ start: first!.start, end: first!.end, summary: 'Стоматолог' });
    const result = await bookSlot(rig.client, settings, request(first!));
    expect(result).toEqual({ kind: 'slot-taken', eventId: bookingEventId('lead-42', first!.start) });
    expect(inserts()).toHaveLength(0);
    const fresh = await findFreeSlots(rig.client, settings, MONDAY_MORNING, 3);
    expect(fresh.map((s) => s.start.getTime())).not.toContain(first!.start.getTime());
  });

  it('when the seller’s event ends inside the buffer before the slot, then the slot counts as taken', async () => {
    const slot = slotAt('2027-06-07T10:00:00+03:00');
    rig.sim.sellerAddsEvent({ start: '2027-06-07T09:00:00+03:00', end: '2027-06-07T09:50:00+03:00' });
    expect((await bookSlot(rig.client, settings, request(slot))).kind).toBe('slot-taken');
  });

  it('when a booking is moved by half an hour, then its own old time does not block it and the id stays', async () => {
    const slot = slotAt('2027-06-07T10:00:00+03:00');
    const booked = await bookSlot(rig.client, settings, request(slot));
    const eventId = booked.kind === 'booked' ? booked.event.id : '';
    const later = slotAt('2027-06-07T10:30:00+03:00');
    const moved = await rescheduleBooking(rig.client, settings, eventId, later);
    expect(moved).toMatchObject({
      kind: 'rescheduled',
      event: { id: eventId, start: later.start, end: later.end },
    });
    expect(rig.sim.events()[0]).toMatchObject({
      sequence: 1,
      start: { dateTime: '2027-06-07T10:30:00+03:00' },
    });
    // Retried: already there, nothing patched again.
    await rescheduleBooking(rig.client, settings, eventId, later);
    expect(rig.sim.calls.find(eventId, 'PATCH')).toHaveLength(1);
  });

  it('when the new time is busy, then reschedule says slot-taken and the booking keeps its time', async () => {
    const slot = slotAt('2027-06-07T10:00:00+03:00');
    const booked = await bookSlot(rig.client, settings, request(slot));
    const eventId = booked.kind === 'booked' ? booked.event.id : '';
    rig.sim.sellerAddsEvent({ start: '2027-06-07T15:00:00+03:00', end: '2027-06-07T16:00:00+03:00' });
    const moved = await rescheduleBooking(rig.client, settings, eventId, slotAt('2027-06-07T15:00:00+03:00'));
    expect(moved).toEqual({ kind: 'slot-taken' });
    expect((await rig.client.getEvent(eventId))?.start).toEqual(slot.start);
    expect(await rescheduleBooking(rig.client, settings, 'abcde00000', slot)).toEqual({ kind: 'not-found' });
  });

  it('when a booking is cancelled twice, then the second says already-cancelled; booking it again revives the same event', async () => {
    const slot = slotAt('2027-06-07T10:00:00+03:00');
    const booked = await bookSlot(rig.client, settings, request(slot));
    const eventId = booked.kind === 'booked' ? booked.event.id : '';
    expect(await cancelBooking(rig.client, eventId)).toEqual({ kind: 'cancelled' });
    expect(await cancelBooking(rig.client, eventId)).toEqual({ kind: 'already-cancelled' });
    expect(rig.sim.events()[0]).toMatchObject({ id: eventId, status: 'cancelled' });
    expect(await findFreeSlots(rig.client, settings, MONDAY_MORNING, 1)).toEqual([slot]);
    // Google never frees a used id: booking the same slot again must not end in a 409 failure.
    const again = await bookSlot(rig.client, settings, request(slot));
    expect(again).toMatchObject({
      kind: 'booked',
      alreadyBooked: false,
      event: { id: eventId, status: 'confirmed' },
    });
    expect(inserts()).toHaveLength(1);
    expect(await rescheduleBooking(rig.client, settings, eventId, slot)).toMatchObject({
      kind: 'rescheduled',
    });
  });

  it('when a cancelled booking is rescheduled, then it is not-found (book anew instead)', async () => {
    const slot = slotAt('2027-06-07T10:00:00+03:00');
    const booked = await bookSlot(rig.client, settings, request(slot));
    const eventId = booked.kind === 'booked' ? booked.event.id : '';
    await cancelBooking(rig.client, eventId);
    expect(
      await rescheduleBooking(rig.client, settings, eventId, slotAt('2027-06-07T12:00:00+03:00')),
    ).toEqual({
      kind: 'not-found',
    });
  });

  it('when another lead books the same slot, then it gets its own id and the slot is taken for it', async () => {
    const slot = slotAt('2027-06-07T10:00:00+03:00');
    await bookSlot(rig.client, settings, request(slot, 'lead-1'));
    expect(bookingEventId('lead-2', slot.start)).not.toBe(bookingEventId('lead-1', slot.start));
    expect((await bookSlot(rig.client, settings, request(slot, 'lead-2'))).kind).toBe('slot-taken');
  });
});

describe('subtractInterval', () => {
  const at = (h: number) => new Date(Date.UTC(2027, 5, 7, h));
  it('when our own event sits inside a merged busy period, then only the neighbours remain', () => {
    expect(subtractInterval([{ start: at(9), end: at(12) }], { start: at(10), end: at(11) })).toEqual([
      { start: at(9), end: at(10) },
      { start: at(11), end: at(12) },
    ]);
    expect(subtractInterval([{ start: at(13), end: at(14) }], { start: at(10), end: at(11) })).toEqual([
      { start: at(13), end: at(14) },
    ]);
    expect(subtractInterval([{ start: at(10), end: at(11) }], { start: at(10), end: at(11) })).toEqual([]);
  });
});
