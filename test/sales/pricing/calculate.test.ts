import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSalesConfig } from '../../../src/sales/config.js';
import {
  calculateQuote,
  type Quote,
  QuoteError,
  type QuoteRequest,
} from '../../../src/sales/pricing/calculate.js';
import type { PriceList } from '../../../src/sales/pricing/schema.js';
import { caseArb, quantityOf } from './arbitraries.js';

const EXAMPLE = fileURLToPath(new URL('../../../examples/sales.yaml', import.meta.url));
const NOW = new Date('2026-12-06T10:00:00Z');
const at = { now: NOW, timeZone: 'Europe/Moscow' };

let list: PriceList;
beforeAll(async () => {
  list = (await loadSalesConfig(EXAMPLE)).priceList;
});

const quote = (request: QuoteRequest, l = list) => calculateQuote(l, request, at);
const one = (
  product: string,
  qty?: number,
  options: Record<string, string> = {},
  rest: Partial<QuoteRequest> = {},
) => quote({ items: [{ product, qty, options }], ...rest });
const sumLines = (q: Quote) => q.lines.reduce((acc, l) => acc + l.amount, 0);
const thrown = (f: () => unknown): QuoteError => {
  try {
    f();
  } catch (err) {
    if (err instanceof QuoteError) return err;
    throw err;
  }
  throw new Error('expected a QuoteError');
};

describe('calculateQuote on the sample catalogue', () => {
  it('when a sofa is ordered with options, urgency and a discount, then every figure follows the documented order', () => {
    const q = one(
      'sofa-milan',
      1000,
      { fabric: 'chenille', corner: 'right', delivery: 'moscow', assembly: 'yes', lift: '3' },
      { coefficients: { urgency: 'express' }, discounts: [{ rule: 'winter' }] },
    );
    expect(q.lines.map((l) => [l.title, l.qty, l.unitPrice, l.amount])).toEqual([
      ['Диван угловой «Милан» (угол: правый)', 1000, 3_290_000, 3_290_000],
      ['Обивка: шенилл «Тиффани»', 1000, 350_000, 350_000],
      ['Доставка: по Москве', 1000, 50_000, 50_000],
      ['Сборка', 1000, 100_000, 100_000],
      ['Подъём на этаж без лифта', 3000, 20_000, 60_000],
      // ×1.3 on the goods (sofa and fabric), not on the services: delivery, assembly (per unit) and lift.
      ['Срок изготовления: срочно, 10 рабочих дней (×1,3)', 1000, 1_092_000, 1_092_000],
    ]);
    expect(q.subtotal).toBe(4_942_000);
    expect(q.discount).toBe(494_200);
    expect(q.discountTitles).toEqual(['Зимняя акция −10%']);
    expect(q.total).toBe(4_447_800);
    // VAT 22 % included: 44 478 × 22 / 122 = 8 020.62.
    expect(q.vat).toBe(802_062);
    expect(q.validUntil.toISOString()).toBe('2026-12-20T20:59:59.000Z');
  });

  it('when the quantity is fractional (м²), then the amount is the exact product rounded to the kopeck', () => {
    const q = one('wardrobe', 2_350, { doors: 'mirror' });
    expect(q.lines[0]).toMatchObject({ qty: 2_350, unitPrice: 1_850_000, amount: 4_347_500 });
    // Mirror doors: 20 % of the base price per м² (3 700 ₽), whatever the tier.
    expect(q.lines[1]).toMatchObject({
      title: 'Двери: зеркало',
      qty: 2_350,
      unitPrice: 370_000,
      amount: 869_500,
    });
  });

  it('when an order falls just below a tier, then it costs what the tier threshold costs, never more', () => {
    const below = one('kitchen-turnkey', 3_900);
    const at4 = one('kitchen-turnkey', 4_000);
    expect(at4.total).toBe(16_800_000);
    expect(below.lines.map((l) => [l.kind, l.amount])).toEqual([
      ['product', 16_380_000],
      ['tier_topup', 420_000],
    ]);
    expect(below.total).toBe(at4.total);
    // Further below, the base price is cheaper than the tier threshold: no top-up.
    expect(one('kitchen-turnkey', 3_700).lines.map((l) => l.kind)).toEqual(['product']);
  });

  it('when discounts would cut below the floor, then the total stops at the floor and says why', () => {
    const q = one('sofa-milan', 1000, {}, { discounts: [{ percent: 5_000 }] });
    // max_percent 15 % of 32 900 = 4 935 would leave 27 965 < floor 29 000.
    expect(q.total).toBe(2_900_000);
    expect(q.discount).toBe(390_000);
    expect(q.discountLimitedBy).toBe('floor');
    const capped = one('chair-vienna', 1000, {}, { discounts: [{ percent: 5_000 }] });
    expect(capped.discountLimitedBy).toBe('max_percent');
    expect(capped.discount).toBe(103_500);
  });

  it('when a percentage discount has a cap, then it takes off at most the cap', () => {
    const q = one('kitchen-turnkey', 10_000, { countertop: 'quartz' }, { discounts: [{ rule: 'winter' }] });
    expect(q.subtotal).toBeGreaterThan(10_000_000);
    expect(q.discount).toBe(1_000_000);
  });

  it('when a product, an option, a value or a discount is unknown, then the error names what is available', () => {
    const product = thrown(() => one('sofa'));
    expect(product.code).toBe('unknown_product');
    expect(product.message).toContain('sofa-milan, armchair-milan, chair-vienna');
    const option = thrown(() => one('sofa-milan', 1000, { colour: 'red' }));
    expect(option.code).toBe('unknown_option');
    expect(option.message).toContain('fabric (velour|chenille|leather)');
    const value = thrown(() => one('sofa-milan', 1000, { fabric: 'silk' }));
    expect(value.code).toBe('unknown_choice');
    expect(value.message).toContain('velour, chenille, leather');
    const discount = thrown(() => one('sofa-milan', 1000, {}, { discounts: [{ rule: 'black-friday' }] }));
    expect(discount.code).toBe('unknown_discount');
    expect(discount.message).toContain('winter, repeat, review');
    expect(thrown(() => one('wardrobe', 1_234)).code).toBe('bad_quantity');
    expect(thrown(() => one('reupholstery', 1000)).code).toBe('missing_option');
  });

  it('when a choice is named by its Russian title, then it is the same choice', () => {
    expect(one('sofa-milan', 1000, { fabric: 'Экокожа' })).toEqual(
      one('sofa-milan', 1000, { fabric: 'leather' }),
    );
  });
});

describe('calculateQuote properties', () => {
  it('when anything is priced, then total = Σ lines − discount (+ VAT when added), and nothing is negative', () => {
    fc.assert(
      fc.property(caseArb, ({ list: l, request }) => {
        const q = calculateQuote(l, request, at);
        expect(q.subtotal).toBe(sumLines(q));
        for (const line of q.lines) expect(line.amount).toBeGreaterThanOrEqual(0);
        expect(q.discount).toBeGreaterThanOrEqual(0);
        expect(q.discount).toBeLessThanOrEqual(q.subtotal);
        expect(q.vat).toBeGreaterThanOrEqual(0);
        expect(q.total).toBeGreaterThanOrEqual(0);
        const net = q.subtotal - q.discount;
        if (q.vatMode === 'added') expect(q.total).toBe(net + q.vat);
        else expect(q.total).toBe(net);
        if (q.vatMode === 'none') expect(q.vat).toBe(0);
        if (q.vatMode === 'included') {
          // The VAT inside the total, to the kopeck.
          expect(Math.abs(q.vat * (10_000 + q.vatRate) - q.total * q.vatRate)).toBeLessThanOrEqual(
            (10_000 + q.vatRate) / 2,
          );
        }
      }),
      { numRuns: 400 },
    );
  });

  it('when discounts apply, then the price before VAT never goes below the floor', () => {
    fc.assert(
      fc.property(caseArb, ({ list: l, request, product }) => {
        const q = calculateQuote(l, request, at);
        const qty = request.items[0]!.qty!;
        const floor = product.floor === undefined ? 0 : Math.floor((qty * product.floor + 500) / 1000);
        expect(q.subtotal - q.discount).toBeGreaterThanOrEqual(floor);
      }),
      { numRuns: 400 },
    );
  });

  it('when the same order is placed for a larger quantity, then it never costs less in total', () => {
    fc.assert(
      fc.property(
        caseArb.chain((c) => fc.tuple(fc.constant(c), quantityOf(c.product), quantityOf(c.product))),
        ([c, a, b]) => {
          const [small, large] = a <= b ? [a, b] : [b, a];
          const withQty = (qty: number): QuoteRequest => ({
            ...c.request,
            items: [{ ...c.request.items[0]!, qty }],
          });
          const qs = calculateQuote(c.list, withQty(small), at);
          const ql = calculateQuote(c.list, withQty(large), at);
          expect(ql.total).toBeGreaterThanOrEqual(qs.total);
          expect(ql.subtotal).toBeGreaterThanOrEqual(qs.subtotal);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('when options, coefficients and discounts are given in another order, then the quote is the same', () => {
    fc.assert(
      fc.property(
        caseArb.chain((c) =>
          fc.tuple(fc.constant(c), fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true }))),
        ),
        ([c, stream]) => {
          const shuffle = <T>(xs: T[]): T[] => {
            const out = [...xs];
            const it = stream[Symbol.iterator]();
            for (let i = out.length - 1; i > 0; i--) {
              const j = Math.floor((it.next().value as number) * (i + 1)) % (i + 1);
              [out[i], out[j]] = [out[j]!, out[i]!];
            }
            return out;
          };
          const item = c.request.items[0]!;
          const reordered: QuoteRequest = {
            items: [{ ...item, options: Object.fromEntries(shuffle(Object.entries(item.options ?? {}))) }],
            coefficients: Object.fromEntries(shuffle(Object.entries(c.request.coefficients ?? {}))),
            discounts: shuffle([...(c.request.discounts ?? [])]),
          };
          expect(calculateQuote(c.list, reordered, at)).toEqual(calculateQuote(c.list, c.request, at));
        },
      ),
      { numRuns: 300 },
    );
  });
});
