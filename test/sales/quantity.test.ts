import { describe, expect, it } from 'vitest';
import { formatQuantity, parseQuantity } from '../../src/sales/quantity.js';

describe('quantities in thousandths', () => {
  it('when a quantity is written with a comma, a point or spaces, then it becomes thousandths', () => {
    expect(parseQuantity('2,5')).toEqual({ ok: true, milli: 2500 });
    expect(parseQuantity(2.35)).toEqual({ ok: true, milli: 2350 });
    expect(parseQuantity('1 200')).toEqual({ ok: true, milli: 1_200_000 });
    expect(parseQuantity('0.001')).toEqual({ ok: true, milli: 1 });
  });

  it('when a quantity has more than three decimals or is not a number, then it is refused', () => {
    expect(parseQuantity('1.0001').ok).toBe(false);
    expect(parseQuantity('-1').ok).toBe(false);
    expect(parseQuantity('три').ok).toBe(false);
  });

  it('when thousandths are shown, then trailing zeros go and the comma is Russian', () => {
    expect(formatQuantity(2500)).toBe('2,5');
    expect(formatQuantity(3000)).toBe('3');
    expect(formatQuantity(1_200_000).replace('\u00a0', ' ')).toBe('1 200');
  });
});
