import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatRubles, formatRublesDecimal, parseRubles, roundDiv } from '../../src/sales/money.js';

const kopecks = (input: unknown) => {
  const r = parseRubles(input);
  return r.ok ? r.kopecks : r.error;
};

describe('parseRubles', () => {
  it('when an amount is written the ways sellers write it, then it becomes exact kopecks', () => {
    expect(kopecks(12500)).toBe(1_250_000);
    expect(kopecks(12500.5)).toBe(1_250_050);
    expect(kopecks('12500.50')).toBe(1_250_050);
    expect(kopecks('12 500,50 ₽')).toBe(1_250_050);
    expect(kopecks('12\u00a0500 руб.')).toBe(1_250_000);
    expect(kopecks(0.1)).toBe(10);
    expect(kopecks(19.99)).toBe(1999);
  });

  it('when an amount is ambiguous, negative or not a number, then it is refused with a reason', () => {
    expect(kopecks('12,500')).toMatch(/at most 2 digits of kopecks/);
    expect(kopecks('-5')).toBe('expected a positive amount');
    expect(kopecks('двести')).toMatch(/expected an amount in rubles/);
    expect(kopecks(1e21)).toMatch(/expected an amount in rubles/);
    expect(kopecks(true)).toMatch(/expected an amount in rubles/);
  });

  it('when any amount with two decimals is formatted and parsed back, then it is the same', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 14 }), (k) => {
        expect(kopecks(formatRublesDecimal(k))).toBe(k);
        expect(kopecks(formatRubles(k, { withSign: true }))).toBe(k);
      }),
    );
  });
});

describe('formatting and rounding', () => {
  it('when kopecks are shown, then the decimal form has two digits and the human form groups thousands', () => {
    expect(formatRublesDecimal(1_250_000)).toBe('12500.00');
    expect(formatRublesDecimal(5)).toBe('0.05');
    expect(formatRubles(123_456_789).replaceAll('\u00a0', ' ')).toBe('1 234 567,89');
    expect(formatRubles(-100, { withSign: true }).replaceAll('\u00a0', ' ')).toBe('−1,00 ₽');
  });

  it('when a ratio is rounded, then half-up, up and down behave as named', () => {
    expect(roundDiv(5n, 2n)).toBe(3n);
    expect(roundDiv(4n, 3n)).toBe(1n);
    expect(roundDiv(4n, 3n, 'up')).toBe(2n);
    expect(roundDiv(5n, 3n, 'down')).toBe(1n);
    expect(roundDiv(6n, 3n, 'up')).toBe(2n);
  });
});
