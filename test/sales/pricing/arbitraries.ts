import fc from 'fast-check';
import type { QuoteRequest } from '../../../src/sales/pricing/calculate.js';
import {
  type Charge,
  type CoefficientDef,
  type DiscountRule,
  type OptionDef,
  type PriceList,
  type Product,
  type Tier,
  tierUnitPrice,
} from '../../../src/sales/pricing/schema.js';

/**
 * Random price lists that obey the configuration's rules (floor ≤ price, tiers ascending and never
 * raising the price nor going below the floor), and orders that the list can price.
 */

const charge: fc.Arbitrary<Charge> = fc.oneof(
  fc.constant<Charge>({ kind: 'none' }),
  fc.integer({ min: 1, max: 5_000_000 }).map((amount): Charge => ({ kind: 'fixed', amount })),
  fc.integer({ min: 1, max: 500_000 }).map((amount): Charge => ({ kind: 'per_unit', amount })),
  fc.integer({ min: 1, max: 10_000 }).map((bp): Charge => ({ kind: 'percent', bp })),
);

const option = (id: string): fc.Arbitrary<OptionDef> =>
  fc.oneof(
    fc
      .record({ charges: fc.array(charge, { minLength: 1, maxLength: 3 }), hasDefault: fc.boolean() })
      .map(({ charges, hasDefault }): OptionDef => ({
        id,
        title: `Опция ${id}`,
        type: 'choice',
        choices: charges.map((c, i) => ({ id: `c${i}`, title: `вариант ${i}`, charge: c })),
        default: hasDefault ? 'c0' : undefined,
        required: false,
      })),
    fc.record({ c: charge, on: fc.boolean() }).map(({ c, on }): OptionDef => ({
      id,
      title: `Опция ${id}`,
      type: 'yes_no',
      default: on,
      unit: undefined,
      charge: c.kind === 'none' ? { kind: 'fixed', amount: 100 } : c,
    })),
    fc.integer({ min: 1, max: 1_000_000 }).map((price): OptionDef => ({
      id,
      title: `Опция ${id}`,
      type: 'count',
      price,
      unit: 'эт.',
      min: 0,
      max: 10_000,
      step: 1000,
      default: 0,
    })),
  );

const product = (id: string): fc.Arbitrary<Product> =>
  fc
    .record({
      price: fc.integer({ min: 100, max: 10_000_000 }),
      floorShare: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
      step: fc.constantFrom(1, 10, 250, 1000),
      tiers: fc.array(
        fc.record({
          gap: fc.integer({ min: 1, max: 20_000 }),
          drop: fc.integer({ min: 0, max: 3_000 }),
          byDiscount: fc.boolean(),
        }),
        { maxLength: 3 },
      ),
      optionCount: fc.integer({ min: 0, max: 4 }),
    })
    .chain((p) =>
      fc.tuple(...Array.from({ length: p.optionCount }, (_, i) => option(`o${i}`))).map((options) => {
        const floor = p.floorShare === undefined ? undefined : Math.floor((p.price * p.floorShare) / 100);
        const tiers: Tier[] = [];
        let from = p.step;
        let previous = p.price;
        for (const t of p.tiers) {
          from += t.gap;
          const bp = t.drop + 1;
          const candidate: Tier = t.byDiscount
            ? { from, kind: 'discount', bp }
            : {
                from,
                kind: 'price',
                price: Math.max(1, previous - Math.floor((previous * t.drop) / 10_000)),
              };
          const unit = tierUnitPrice(p.price, candidate);
          const tier: Tier =
            unit > previous || (floor !== undefined && unit < floor)
              ? { from, kind: 'price', price: previous }
              : candidate;
          tiers.push(tier);
          previous = tierUnitPrice(p.price, tier);
        }
        return {
          id,
          aliases: [],
          avito_item_ids: [],
          title: `Товар ${id}`,
          kind: 'product' as const,
          unit: 'шт.',
          price: p.price,
          description: undefined,
          includes: undefined,
          quantity: { min: p.step, max: 100_000, step: p.step },
          floor,
          tiers,
          options,
        };
      }),
    );

const coefficient = (id: string): fc.Arbitrary<CoefficientDef> =>
  fc
    .record({
      factors: fc.array(fc.integer({ min: 10_000, max: 20_000 }), { minLength: 1, maxLength: 3 }),
      appliesTo: fc.constantFrom<'goods' | 'all'>('goods', 'all'),
      hasDefault: fc.boolean(),
    })
    .map(({ factors, appliesTo, hasDefault }) => ({
      id,
      title: `Коэффициент ${id}`,
      choices: factors.map((factor, i) => ({ id: `k${i}`, title: `вариант ${i}`, factor })),
      default: hasDefault ? 'k0' : undefined,
      applies_to: appliesTo,
    }));

const discountRule = (id: string): fc.Arbitrary<DiscountRule> =>
  fc.oneof(
    fc
      .record({
        bp: fc.integer({ min: 1, max: 10_000 }),
        max: fc.option(fc.integer({ min: 1, max: 5_000_000 }), { nil: undefined }),
      })
      .map(({ bp, max }): DiscountRule => ({ id, title: `Скидка ${id}`, kind: 'percent', bp, max })),
    fc
      .integer({ min: 1, max: 5_000_000 })
      .map((amount): DiscountRule => ({ id, title: `Скидка ${id}`, kind: 'amount', amount })),
  );

export const priceListArb: fc.Arbitrary<PriceList> = fc
  .record({
    products: fc.integer({ min: 1, max: 3 }),
    coefficients: fc.integer({ min: 0, max: 2 }),
    rules: fc.integer({ min: 0, max: 3 }),
    vatMode: fc.constantFrom<PriceList['vat']['mode']>('included', 'added', 'none'),
    vatRate: fc.constantFrom(500, 700, 1000, 2000, 2200),
    step: fc.constantFrom(1, 100, 1000, 10_000),
    mode: fc.constantFrom<PriceList['rounding']['mode']>('half_up', 'up', 'down'),
    maxPercent: fc.integer({ min: 0, max: 10_000 }),
  })
  .chain((c) =>
    fc
      .record({
        products: fc.tuple(...Array.from({ length: c.products }, (_, i) => product(`p${i}`))),
        coefficients: fc.tuple(...Array.from({ length: c.coefficients }, (_, i) => coefficient(`k${i}`))),
        rules: fc.tuple(...Array.from({ length: c.rules }, (_, i) => discountRule(`d${i}`))),
      })
      .map((parts) => ({
        currency: 'RUB' as const,
        vat: { mode: c.vatMode, rate: c.vatMode === 'none' ? 0 : c.vatRate },
        rounding: { step: c.step, mode: c.mode },
        validDays: 14,
        products: parts.products,
        coefficients: parts.coefficients,
        discounts: { maxPercent: c.maxPercent, rules: parts.rules },
      })),
  );

/** A value the option accepts. */
const optionValue = (o: OptionDef): fc.Arbitrary<string> => {
  if (o.type === 'choice') return fc.constantFrom(...o.choices.map((c) => c.id));
  if (o.type === 'yes_no') return fc.constantFrom('yes', 'no', 'да', 'нет');
  return fc.integer({ min: 0, max: 10 }).map(String);
};

/** Quantities of `product` as thousandths: multiples of the step within its range. */
export const quantityOf = (p: Product): fc.Arbitrary<number> =>
  fc
    .integer({ min: 1, max: Math.min(2_000, Math.floor(p.quantity.max / p.quantity.step)) })
    .map((n) => n * p.quantity.step);

export interface Case {
  list: PriceList;
  request: QuoteRequest;
  product: Product;
}

/** A price list and an order for one of its products (with some options, coefficients and discounts). */
export const caseArb: fc.Arbitrary<Case> = priceListArb.chain((list) =>
  fc.constantFrom(...list.products).chain((p) =>
    fc
      .record({
        qty: quantityOf(p),
        options: fc.tuple(...p.options.map((o) => fc.option(optionValue(o), { nil: undefined }))),
        coefficients: fc.tuple(
          ...list.coefficients.map((c) =>
            fc.option(fc.constantFrom(...c.choices.map((x) => x.id)), { nil: undefined }),
          ),
        ),
        rules: fc.subarray(list.discounts.rules.map((r) => r.id)),
        manual: fc.option(
          fc.oneof(
            fc.integer({ min: 1, max: 10_000 }).map((percent) => ({ percent })),
            fc.integer({ min: 1, max: 5_000_000 }).map((amount) => ({ amount })),
          ),
          { nil: undefined },
        ),
      })
      .map((r) => {
        const options: Record<string, string> = {};
        p.options.forEach((o, i) => {
          const v = r.options[i];
          if (v !== undefined) options[o.id] = v;
        });
        const coefficients: Record<string, string> = {};
        list.coefficients.forEach((c, i) => {
          const v = r.coefficients[i];
          if (v !== undefined) coefficients[c.id] = v;
        });
        const discounts = [...r.rules.map((rule) => ({ rule })), ...(r.manual ? [r.manual] : [])];
        return {
          list,
          product: p,
          request: { items: [{ product: p.id, qty: r.qty, options }], coefficients, discounts },
        };
      }),
  ),
);
