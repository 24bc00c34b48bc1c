import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSalesConfig } from '../../../src/sales/config.js';
import { QuoteError } from '../../../src/sales/pricing/calculate.js';
import { orderFromWords, parseDiscount } from '../../../src/sales/pricing/request.js';
import type { PriceList } from '../../../src/sales/pricing/schema.js';

const EXAMPLE = fileURLToPath(new URL('../../../examples/sales.yaml', import.meta.url));
let list: PriceList;
beforeAll(async () => {
  list = (await loadSalesConfig(EXAMPLE)).priceList;
});

const failure = (words: string[]) => {
  try {
    orderFromWords(list, words);
  } catch (err) {
    if (err instanceof QuoteError) return err;
    throw err;
  }
  throw new Error('expected a QuoteError');
};

describe('orderFromWords', () => {
  it('when words name options, a coefficient, a quantity and discounts, then each lands in its place', () => {
    expect(
      orderFromWords(list, [
        'wardrobe',
        'doors=mirror',
        'qty=2,35',
        'urgency=express',
        'discount=winter,5%',
        'discount=1 500',
      ]),
    ).toEqual({
      items: [{ product: 'wardrobe', qty: 2350, options: { doors: 'mirror' } }],
      coefficients: { urgency: 'express' },
      discounts: [{ rule: 'winter' }, { percent: 500 }, { amount: 150_000 }],
    });
  });

  it('when a word is not an option of the product, then the error lists its options and the rest', () => {
    const err = failure(['armchair-milan', 'fabric=velour']);
    expect(err.code).toBe('unknown_option');
    expect(err.message).toBe(
      'unknown option "fabric" of "armchair-milan"; available: delivery (pickup|moscow|mkad30), assembly (yes|no), ' +
        'lift (0…30 эт.), urgency (standard|express), qty, discount',
    );
    expect(failure(['qty=2']).code).toBe('unknown_product');
    expect(failure(['sofa-milan', 'fabric']).message).toBe('expected name=value, got "fabric"');
    expect(failure(['sofa-milan', 'qty=два']).code).toBe('bad_quantity');
  });

  it('when a discount is typed, then a percentage, an amount and a rule id are told apart', () => {
    expect(parseDiscount('7,5%')).toEqual({ percent: 750 });
    expect(parseDiscount('2000 ₽')).toEqual({ amount: 200_000 });
    expect(parseDiscount('repeat')).toEqual({ rule: 'repeat' });
    expect(() => parseDiscount('150%')).toThrow(QuoteError);
  });
});
