import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildIcs, escapeText, foldLine, type IcsEvent } from '../../../src/integrations/email/ics.js';
import { parseIcs, unescapeText } from '../../support/ics.js';

const base: IcsEvent = {
  uid: 'booking-42@shop.example',
  stamp: new Date('2027-06-01T09:00:00Z'),
  start: new Date('2027-06-07T07:00:00Z'),
  end: new Date('2027-06-07T08:00:00Z'),
  summary: 'Консультация по заказу',
  organizer: { email: 'shop@example.ru', name: 'Магазин «Пример»' },
  attendees: [{ email: 'buyer@example.ru', name: 'Иван Петров' }],
};

describe('iCalendar generator', () => {
  it('when a booking invitation is built, then it has every property RFC 5545/5546 requires, in UTC by default', () => {
    const cal = parseIcs(buildIcs('REQUEST', base));
    expect(cal.name).toBe('VCALENDAR');
    expect(cal.get('VERSION')?.value).toBe('2.0');
    expect(cal.get('PRODID')?.value).toMatch(/^-\/\//);
    expect(cal.get('METHOD')?.value).toBe('REQUEST');
    const [event] = cal.components;
    expect(event?.name).toBe('VEVENT');
    expect(event?.get('UID')?.value).toBe('booking-42@shop.example');
    expect(event?.get('DTSTAMP')?.value).toBe('20270601T090000Z');
    expect(event?.get('DTSTART')?.value).toBe('20270607T070000Z');
    expect(event?.get('DTEND')?.value).toBe('20270607T080000Z');
    expect(event?.get('SEQUENCE')?.value).toBe('0');
    expect(event?.get('STATUS')?.value).toBe('CONFIRMED');
    expect(event?.get('ORGANIZER')).toEqual({
      name: 'ORGANIZER',
      params: { CN: 'Магазин «Пример»' },
      value: 'mailto:shop@example.ru',
    });
    expect(event?.get('ATTENDEE')?.params).toMatchObject({
      CN: 'Иван Петров',
      RSVP: 'TRUE',
      PARTSTAT: 'NEEDS-ACTION',
    });
    expect(event?.get('DURATION')).toBeUndefined();
  });

  it('when texts hold commas, semicolons, backslashes and newlines, then they are escaped and read back unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }), (summary) => {
        const clean = summary.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '').replace(/\r\n?/g, '\n');
        fc.pre(clean.length > 0);
        const cal = parseIcs(buildIcs('PUBLISH', { ...base, summary: clean, description: clean }));
        expect(unescapeText(cal.components[0]!.get('SUMMARY')!.value)).toBe(clean);
        expect(unescapeText(cal.components[0]!.get('DESCRIPTION')!.value)).toBe(clean);
      }),
      { numRuns: 100 },
    );
    expect(escapeText('a,b;c\\d\ne')).toBe('a\\,b\\;c\\\\d\\ne');
  });

  it('when a line is long Cyrillic, then it folds at 75 octets without splitting a character', () => {
    const line = `SUMMARY:${'Ж'.repeat(100)}`;
    const folded = foldLine(line);
    const physical = folded.split('\r\n');
    expect(physical.length).toBeGreaterThan(2);
    for (const p of physical) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(75);
    expect(physical.slice(1).every((p) => p.startsWith(' '))).toBe(true);
    expect(physical.map((p, i) => (i === 0 ? p : p.slice(1))).join('')).toBe(line);
    expect(folded).not.toContain('\uFFFD');
  });

  it('when the attendee name has a colon or semicolon, then the parameter is quoted', () => {
    const text = buildIcs('REQUEST', {
      ...base,
      attendees: [{ email: 'a@b.ru', name: 'ООО "Ромашка"; отдел: закупки' }],
    });
    const attendee = parseIcs(text).components[0]!.get('ATTENDEE')!;
    expect(attendee.params.CN).toBe('ООО Ромашка; отдел: закупки');
    expect(attendee.value).toBe('mailto:a@b.ru');
  });

  it('when times are zoned in Moscow, then DTSTART carries TZID with local time and a VTIMEZONE of +0300', () => {
    const cal = parseIcs(
      buildIcs('REQUEST', { ...base, times: { kind: 'zoned', timeZone: 'Europe/Moscow' } }),
    );
    const tz = cal.components.find((c) => c.name === 'VTIMEZONE')!;
    expect(tz.get('TZID')?.value).toBe('Europe/Moscow');
    expect(tz.components.every((o) => o.get('TZOFFSETTO')?.value === '+0300')).toBe(true);
    const event = cal.components.find((c) => c.name === 'VEVENT')!;
    expect(event.get('DTSTART')).toEqual({
      name: 'DTSTART',
      params: { TZID: 'Europe/Moscow' },
      value: '20270607T100000',
    });
  });

  it('when times are zoned in a DST zone, then the VTIMEZONE has the transitions and the offset in force at the event', () => {
    const event = { ...base, start: new Date('2027-07-01T08:00:00Z'), end: new Date('2027-07-01T09:00:00Z') };
    const cal = parseIcs(
      buildIcs('REQUEST', { ...event, times: { kind: 'zoned', timeZone: 'Europe/Berlin' } }),
    );
    const tz = cal.components.find((c) => c.name === 'VTIMEZONE')!;
    const daylight = tz.components.filter((o) => o.name === 'DAYLIGHT');
    expect(daylight.map((o) => o.get('DTSTART')?.value)).toContain('20270328T020000');
    expect(
      daylight.every(
        (o) => o.get('TZOFFSETFROM')?.value === '+0100' && o.get('TZOFFSETTO')?.value === '+0200',
      ),
    ).toBe(true);
    // The last observance before the event gives +0200: 08:00Z is 10:00 local.
    const before = tz.components
      .map((o) => ({ at: o.get('DTSTART')!.value, to: o.get('TZOFFSETTO')!.value }))
      .filter((o) => o.at <= '20270701T100000')
      .sort((a, b) => a.at.localeCompare(b.at));
    expect(before.at(-1)?.to).toBe('+0200');
    expect(cal.components.find((c) => c.name === 'VEVENT')!.get('DTSTART')?.value).toBe('20270701T100000');
  });

  it('when an invitation is cancelled, then METHOD:CANCEL, STATUS:CANCELLED, a higher SEQUENCE and no alarm', () => {
    const cal = parseIcs(buildIcs('CANCEL', { ...base, sequence: 2, reminderMinutes: 30 }));
    const event = cal.components[0]!;
    expect([cal.get('METHOD')?.value, event.get('STATUS')?.value, event.get('SEQUENCE')?.value]).toEqual([
      'CANCEL',
      'CANCELLED',
      '2',
    ]);
    expect(event.components).toEqual([]);
  });

  it('when an invitation lacks an organizer or ends before it starts, then it is refused', () => {
    expect(() => buildIcs('REQUEST', { ...base, organizer: undefined })).toThrow(/organizer/);
    expect(() => buildIcs('PUBLISH', { ...base, end: base.start })).toThrow(/end after/);
  });
});
