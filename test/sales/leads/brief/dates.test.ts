import { describe, expect, it } from 'vitest';
import { findDates, isoDate } from '../../../../src/sales/leads/brief/dates.js';

/** Wednesday, 6 May 2026 in the seller's zone. */
const today = { year: 2026, month: 5, day: 6 };

describe('dates a buyer names', () => {
  it.each([
    ['к пятнице', '2026-05-08'],
    ['до среды', '2026-05-13'],
    ['нужно в понедельник', '2026-05-11'],
    ['до 15 мая', '2026-05-15'],
    ['к 1 марта', '2027-03-01'],
    ['к 15.05', '2026-05-15'],
    ['до 20.06.2026', '2026-06-20'],
    ['через 3 дня', '2026-05-09'],
    ['через месяц', '2026-06-06'],
    ['нужно завтра', '2026-05-07'],
    ['к выходным', '2026-05-09'],
    ['к концу недели', '2026-05-10'],
    ['к новому году', '2026-12-31'],
  ])('when the buyer writes %j, then the deadline is %s', (text, iso) => {
    const [found] = findDates(text, today);
    expect(found?.deadline).toBe(true);
    expect(isoDate(found!.date)).toBe(iso);
  });

  it('when a month ends earlier than the day, then a month later keeps within it', () => {
    expect(isoDate(findDates('через месяц', { year: 2026, month: 1, day: 31 })[0]!.date)).toBe('2026-02-28');
  });
});

describe('dates that are no deadline', () => {
  it('when a date is only mentioned, then it is found but not as a deadline', () => {
    expect(findDates('Звонил 15 мая', today).map((d) => d.deadline)).toEqual([false]);
    expect(findDates('Вы работаете в пятницу?', today)).toEqual([]);
  });

  it('when a day does not exist, then no date is made of it', () => {
    expect(findDates('до 31.02', today)).toEqual([]);
    expect(findDates('к 32 мая', today)).toEqual([]);
  });
});
