import { describe, expect, it } from 'vitest';
import type { BriefField } from '../../../../src/sales/leads/brief/fields.js';
import {
  checkBriefValue,
  formatBriefValue,
  parseBriefValue,
} from '../../../../src/sales/leads/brief/values.js';

const today = { year: 2026, month: 5, day: 6 };
const field = (type: BriefField['type']): BriefField => ({
  id: 'x',
  label: 'X',
  type,
  rule: null,
  hint: null,
});

describe('brief values', () => {
  it.each([
    ['text', '  угловой   диван ', 'угловой диван'],
    ['number', '2,5', 2.5],
    ['number', 3, 3],
    ['money', '45 000', 4_500_000],
    ['money', '12 500,50 ₽', 1_250_050],
    ['date', '2026-05-15', '2026-05-15'],
    ['date', '15.05.2026', '2026-05-15'],
    ['date', '15.05', '2026-05-15'],
    ['date', '01.03', '2027-03-01'],
  ] as const)('when the owner types a %s value %j, then it is kept as %j', (type, input, value) => {
    expect(parseBriefValue(field(type), input, today)).toEqual({ ok: true, value });
  });

  it.each([
    ['text', '   '],
    ['number', 'два'],
    ['number', '0'],
    ['money', '12,500'],
    ['date', 'скоро'],
    ['date', '31.02.2026'],
  ] as const)('when the owner types a %s value %j, then it is refused with a reason', (type, input) => {
    const r = parseBriefValue(field(type), input, today);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/expected/);
  });

  it('when values already in their type are checked, then kopecks and ISO dates pass and the rest does not', () => {
    expect(checkBriefValue(field('money'), 4_500_000)).toEqual({ ok: true, value: 4_500_000 });
    expect(checkBriefValue(field('money'), 45.5).ok).toBe(false);
    expect(checkBriefValue(field('number'), 2.5).ok).toBe(true);
    expect(checkBriefValue(field('number'), 2.0001).ok).toBe(false);
    expect(checkBriefValue(field('date'), '2026-05-15').ok).toBe(true);
    expect(checkBriefValue(field('date'), '15.05.2026').ok).toBe(false);
    expect(checkBriefValue(field('text'), 3).ok).toBe(false);
  });

  it('when values are shown to the seller, then they read in Russian forms', () => {
    expect(formatBriefValue(field('money'), 4_500_000)).toBe('45\u00a0000,00\u00a0₽');
    expect(formatBriefValue(field('number'), 2.5)).toBe('2,5');
    expect(formatBriefValue(field('date'), '2026-05-15')).toBe('15.05.2026');
  });
});
