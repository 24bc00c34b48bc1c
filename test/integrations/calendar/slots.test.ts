import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CalendarSettings, calendarSettingsSchema } from '../../../src/integrations/calendar/config.js';
import {
  computeFreeSlots,
  type Interval,
  isSlotFree,
  slotSearchWindow,
} from '../../../src/integrations/calendar/slots.js';
import { toRfc3339, toWallTime } from '../../../src/lib/zoned-time.js';

const settings = (over: Record<string, unknown> = {}): CalendarSettings => calendarSettingsSchema.parse(over);
const at = (iso: string) => new Date(iso);
const span = (start: string, end: string): Interval => ({ start: at(start), end: at(end) });
const shown = (slots: Interval[], zone: string) => slots.map((s) => toRfc3339(s.start.getTime(), zone));

describe('computeFreeSlots', () => {
  it('when the calendar is empty, then the next slots step by slot + buffer from the start of the working day (Moscow)', () => {
    const slots = computeFreeSlots({
      settings: settings(),
      now: at('2027-06-07T08:00:00+03:00'),
      busy: [],
      count: 3,
    });
    expect(shown(slots, 'Europe/Moscow')).toEqual([
      '2027-06-07T10:00:00+03:00',
      '2027-06-07T11:15:00+03:00',
      '2027-06-07T12:30:00+03:00',
    ]);
    expect(slots[0]!.end.getTime() - slots[0]!.start.getTime()).toBe(60 * 60_000);
  });

  it('when a busy period falls within the buffer of two slots, then both are skipped', () => {
    // 11:00–11:30 is inside 10:00–11:00 + 15 min buffer and inside 11:15–12:15.
    const busy = [span('2027-06-07T11:00:00+03:00', '2027-06-07T11:30:00+03:00')];
    const slots = computeFreeSlots({
      settings: settings(),
      now: at('2027-06-07T08:00:00+03:00'),
      busy,
      count: 2,
    });
    expect(shown(slots, 'Europe/Moscow')).toEqual(['2027-06-07T12:30:00+03:00', '2027-06-07T13:45:00+03:00']);
  });

  it('when a busy period ends exactly a buffer before a slot, then that slot is still free (end is exclusive)', () => {
    const busy = [span('2027-06-07T09:00:00+03:00', '2027-06-07T09:45:00+03:00')];
    const slots = computeFreeSlots({
      settings: settings(),
      now: at('2027-06-07T07:00:00+03:00'),
      busy,
      count: 1,
    });
    expect(shown(slots, 'Europe/Moscow')).toEqual(['2027-06-07T10:00:00+03:00']);
  });

  it('when the notice period has not passed, then the soon slot is not offered', () => {
    const slots = computeFreeSlots({
      settings: settings(),
      now: at('2027-06-07T09:30:00+03:00'),
      busy: [],
      count: 1,
    });
    expect(shown(slots, 'Europe/Moscow')).toEqual(['2027-06-07T11:15:00+03:00']);
  });

  it('when the week ends, then days off are skipped and the search stops at the horizon', () => {
    const friday = at('2027-06-11T18:30:00+03:00');
    const slots = computeFreeSlots({
      settings: settings({ horizonDays: 4 }),
      now: friday,
      busy: [],
      count: 2,
    });
    expect(shown(slots, 'Europe/Moscow')).toEqual(['2027-06-14T10:00:00+03:00', '2027-06-14T11:15:00+03:00']);
    const none = computeFreeSlots({
      settings: settings({ horizonDays: 3 }),
      now: friday,
      busy: [],
      count: 2,
    });
    expect(none).toEqual([]);
  });

  it('when a day has a lunch break, then no slot crosses it', () => {
    const s = settings({
      workingHours: { mon: ['10:00-12:00', '13:00-15:00'] },
      bufferMinutes: 0,
      minNoticeMinutes: 0,
      horizonDays: 1,
    });
    const slots = computeFreeSlots({
      settings: s,
      now: at('2027-06-07T00:00:00+03:00'),
      busy: [],
      count: 10,
    });
    expect(shown(slots, 'Europe/Moscow')).toEqual([
      '2027-06-07T10:00:00+03:00',
      '2027-06-07T11:00:00+03:00',
      '2027-06-07T13:00:00+03:00',
      '2027-06-07T14:00:00+03:00',
    ]);
  });

  it('when Berlin moves its clocks forward, then 10:00 stays 10:00 local on both sides (09:00Z, then 08:00Z)', () => {
    const s = settings({
      timeZone: 'Europe/Berlin',
      workingHours: { sat: ['10:00-11:00'], sun: ['10:00-11:00'] },
    });
    const slots = computeFreeSlots({ settings: s, now: at('2026-03-27T12:00:00Z'), busy: [], count: 2 });
    expect(slots.map((x) => x.start.toISOString())).toEqual([
      '2026-03-28T09:00:00.000Z',
      '2026-03-29T08:00:00.000Z',
    ]);
    expect(shown(slots, 'Europe/Berlin')).toEqual(['2026-03-28T10:00:00+01:00', '2026-03-29T10:00:00+02:00']);
  });

  it('when a working interval spans the spring-forward gap, then the start that does not exist is skipped', () => {
    const s = settings({
      timeZone: 'Europe/Berlin',
      workingHours: { sun: ['01:00-04:00'] },
      bufferMinutes: 0,
      minNoticeMinutes: 0,
      horizonDays: 2,
    });
    const slots = computeFreeSlots({ settings: s, now: at('2026-03-28T12:00:00Z'), busy: [], count: 5 });
    // 02:00 does not happen on 2026-03-29 in Berlin; 01:00 (+01) and 03:00 (+02) do.
    expect(shown(slots, 'Europe/Berlin')).toEqual(['2026-03-29T01:00:00+01:00', '2026-03-29T03:00:00+02:00']);
  });

  it('when New York falls back, then the doubled hour gives one slot at its first occurrence', () => {
    const s = settings({
      timeZone: 'America/New_York',
      workingHours: { sun: ['00:00-03:00'] },
      bufferMinutes: 0,
      minNoticeMinutes: 0,
      horizonDays: 2,
    });
    const slots = computeFreeSlots({ settings: s, now: at('2026-10-31T12:00:00Z'), busy: [], count: 5 });
    expect(shown(slots, 'America/New_York')).toEqual([
      '2026-11-01T00:00:00-04:00',
      '2026-11-01T01:00:00-04:00',
      '2026-11-01T02:00:00-05:00',
    ]);
  });

  it('when slots are computed for any busy calendar, then each is inside working hours, clear of busy time with its buffer, after the notice, and in order', () => {
    const zones = ['Europe/Moscow', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata'];
    const base = Date.parse('2026-03-20T00:00:00Z');
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: 0, max: 60 * 24 * 60 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20 * 24 * 60 }), fc.integer({ min: 5, max: 300 })), {
          maxLength: 25,
        }),
        fc.constantFrom(30, 45, 60),
        fc.constantFrom(0, 10, 15),
        (timeZone, nowOffset, busySpec, slotMinutes, bufferMinutes) => {
          const s = settings({ timeZone, slotMinutes, bufferMinutes });
          const now = new Date(base + nowOffset * 60_000);
          const busy = busySpec.map(([from, length]) => ({
            start: new Date(now.getTime() + from * 60_000),
            end: new Date(now.getTime() + (from + length) * 60_000),
          }));
          const slots = computeFreeSlots({ settings: s, now, busy, count: 6 });
          expect(slots.length).toBeLessThanOrEqual(6);
          for (const [i, slot] of slots.entries()) {
            expect(slot.end.getTime() - slot.start.getTime()).toBe(slotMinutes * 60_000);
            expect(slot.start.getTime()).toBeGreaterThanOrEqual(now.getTime() + s.minNoticeMinutes * 60_000);
            expect(isSlotFree(slot, busy, bufferMinutes)).toBe(true);
            const wall = toWallTime(slot.start.getTime(), timeZone);
            const weekday = new Date(Date.UTC(wall.year, wall.month - 1, wall.day)).getUTCDay();
            expect(weekday).toBeGreaterThanOrEqual(1);
            expect(weekday).toBeLessThanOrEqual(5);
            const minutes = wall.hour * 60 + wall.minute;
            expect(minutes).toBeGreaterThanOrEqual(10 * 60);
            expect(minutes + slotMinutes).toBeLessThanOrEqual(19 * 60);
            if (i > 0) expect(slot.start.getTime()).toBeGreaterThan(slots[i - 1]!.start.getTime());
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('slotSearchWindow', () => {
  it('when asked at any time of day, then it reaches the end of the last horizon day plus the buffer', () => {
    const window = slotSearchWindow(settings({ horizonDays: 2 }), at('2027-06-07T20:00:00+03:00'));
    expect(window.start.toISOString()).toBe('2027-06-07T17:00:00.000Z');
    expect(toRfc3339(window.end.getTime(), 'Europe/Moscow')).toBe('2027-06-09T00:15:00+03:00');
  });
});

describe('calendarSettingsSchema', () => {
  it('when nothing is configured, then Mon–Fri 10–19 Moscow, 60-minute slots and a 15-minute buffer apply', () => {
    const s = settings();
    expect(s.timeZone).toBe('Europe/Moscow');
    expect(s.workingHours.mon).toEqual([{ from: 600, to: 1140 }]);
    expect(s.workingHours.sat).toBeUndefined();
    expect([s.slotMinutes, s.bufferMinutes, s.horizonDays]).toEqual([60, 15, 14]);
  });

  it('when hours are malformed, reversed, overlapping, or a weekday is misspelt, then each is refused with a reason', () => {
    const problems = (workingHours: unknown) => {
      const r = calendarSettingsSchema.safeParse({ workingHours });
      return r.success ? [] : r.error.issues.map((i) => i.message);
    };
    expect(problems({ mon: ['10-19'] })[0]).toMatch(/HH:MM-HH:MM/);
    expect(problems({ mon: ['19:00-10:00'] })[0]).toMatch(/end must come after/);
    expect(problems({ mon: ['10:00-13:00', '12:00-15:00'] })[0]).toMatch(/overlap/);
    expect(problems({ monday: ['10:00-13:00'] }).length).toBe(1);
    expect(problems({ sun: ['00:00-24:00'] })).toEqual([]);
  });

  it('when the time zone is not an IANA zone, then it is refused', () => {
    expect(calendarSettingsSchema.safeParse({ timeZone: 'Moscow/Standard' }).success).toBe(false);
  });
});
