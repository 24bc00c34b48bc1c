import { describe, expect, it } from 'vitest';
import { endOfDayAfter, formatDateLong, isoInZone, localDate, parseLocalDate } from '../../src/sales/time.js';

describe('dates in the seller’s time zone', () => {
  it('when a quote made late in the evening UTC is valid 14 days, then it ends at 23:59:59 Moscow time', () => {
    // 22:30 UTC on 6 December is already 7 December in Moscow.
    const end = endOfDayAfter(new Date('2026-12-06T22:30:00Z'), 14, 'Europe/Moscow');
    expect(isoInZone(end, 'Europe/Moscow')).toBe('2026-12-21T23:59:59+03:00');
    expect(end.toISOString()).toBe('2026-12-21T20:59:59.000Z');
  });

  it('when the validity crosses a daylight-saving change, then it still ends at local midnight', () => {
    const end = endOfDayAfter(new Date('2026-03-20T12:00:00Z'), 14, 'Europe/Berlin');
    expect(isoInZone(end, 'Europe/Berlin')).toBe('2026-04-03T23:59:59+02:00');
  });

  it('when a date is written for a document, then it reads the Russian way', () => {
    expect(formatDateLong(localDate(new Date('2026-12-06T10:00:00Z'), 'Europe/Moscow'))).toBe(
      '6 декабря 2026 г.',
    );
    expect(parseLocalDate('2026-02-30')).toBeNull();
    expect(parseLocalDate('2026-02-28')).toEqual({ year: 2026, month: 2, day: 28 });
  });
});
