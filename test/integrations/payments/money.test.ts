import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalToKopecks, kopecksToDecimal } from '../../../src/integrations/payments/money.js';

describe('kopecks ↔ YooKassa decimal strings', () => {
  it('when kopecks are written and read back, then the number is the same and the string has two decimals', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 13 }), (kopecks) => {
        const text = kopecksToDecimal(kopecks);
        expect(text).toMatch(/^\d+\.\d{2}$/);
        expect(decimalToKopecks(text)).toBe(kopecks);
      }),
    );
  });

  it('when known values are converted, then they match what YooKassa writes', () => {
    expect(kopecksToDecimal(150_000)).toBe('1500.00');
    expect(kopecksToDecimal(5)).toBe('0.05');
    expect(kopecksToDecimal(1_500_050)).toBe('15000.50');
    expect(decimalToKopecks('1500.5')).toBe(150_050);
    expect(decimalToKopecks('1500')).toBe(150_000);
    expect(decimalToKopecks('0.01')).toBe(1);
  });

  it('when a string is not a decimal with up to two places, then it is rejected rather than rounded', () => {
    for (const bad of ['1500.005', '-1.00', '1,50', '1e3', '', '.5', '1.', ' ', 'NaN']) {
      expect(decimalToKopecks(bad), bad).toBeUndefined();
    }
  });

  it('when kopecks are not a non-negative integer, then writing them throws', () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1]) {
      expect(() => kopecksToDecimal(bad)).toThrow(RangeError);
    }
  });
});
