import { z } from 'zod';
import { type Kopecks, parseRubles, type RoundingMode } from '../money.js';
import { MILLI, type Milli, parseQuantity } from '../quantity.js';

/**
 * The price list of `SALES_CONFIG` (see docs/sales.md): products and packages, their options, quantity
 * tiers, coefficients, discounts, VAT and rounding. Parsed into integers once: kopecks, thousandths of a
 * unit, hundredths of a percent (basis points) and ten-thousandths of a factor.
 */

/** Hundredths of a percent: 22 % → 2200. */
export type BasisPoints = number;
/** Ten-thousandths: ×1.3 → 13000. */
export type FactorE4 = number;
export const FACTOR_ONE = 10_000;
export const PERCENT_100: BasisPoints = 10_000;

export const idSchema = z
  .string({ error: 'expected an id (latin letters, digits, "-" and "_", like sofa-milan)' })
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, {
    error: 'expected an id (latin letters, digits, "-" and "_", like sofa-milan)',
  });

const title = z
  .string({ error: 'expected a title' })
  .trim()
  .min(1, { error: 'expected a title' })
  .max(300, { error: 'expected at most 300 characters' });

/** An amount in rubles as the seller writes it (see `parseRubles`), as kopecks. */
export const money = (options: { positive?: boolean } = {}) =>
  z.unknown().transform((value, ctx): Kopecks => {
    const parsed = parseRubles(value);
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', message: parsed.error });
      return z.NEVER;
    }
    if (options.positive && parsed.kopecks === 0) {
      ctx.addIssue({ code: 'custom', message: 'expected a positive amount' });
      return z.NEVER;
    }
    return parsed.kopecks;
  });

/** A quantity (`2.5`), as thousandths. */
const quantity = (what = 'a quantity') =>
  z.unknown().transform((value, ctx): Milli => {
    const parsed = parseQuantity(value);
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', message: `expected ${what}: ${parsed.error}` });
      return z.NEVER;
    }
    return parsed.milli;
  });

const DECIMAL = /^(\d{1,4})(?:[.,](\d+))?$/;

/** A decimal with at most `digits` decimals, scaled to an integer (`"2,5"`, 2.5, `"15%"`). */
function scaled(value: unknown, digits: number): number | null {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== 'string') return null;
  const m = DECIMAL.exec(
    text
      .trim()
      .replace(/^[×x*]\s*/i, '')
      .replace(/\s*%$/, ''),
  );
  if (!m || (m[2] ?? '').length > digits) return null;
  return Number(m[1]) * 10 ** digits + Number((m[2] ?? '').padEnd(digits, '0'));
}

/** A percentage from `min` to `max` (`15`, `"2,5"`, `"15%"`), as basis points. */
export const percent = (min: number, max: number) =>
  z.unknown().transform((value, ctx): BasisPoints => {
    const bp = scaled(value, 2);
    const range = `expected a percentage from ${min} to ${max} (at most 2 decimals)`;
    if (bp === null || bp < min * 100 || bp > max * 100) {
      ctx.addIssue({ code: 'custom', message: bp === null ? range : `${range}, got ${String(value)}` });
      return z.NEVER;
    }
    return bp;
  });

/** A multiplier from 1 to 10 (`1.3`, `"×1,3"`), as ten-thousandths. */
const factor = z.unknown().transform((value, ctx): FactorE4 => {
  const f = scaled(value, 4);
  if (f === null || f < FACTOR_ONE || f > 10 * FACTOR_ONE) {
    ctx.addIssue({
      code: 'custom',
      message:
        'expected a factor from 1 to 10, like 1.3 (at most 4 decimals; a price reduction is a discount)',
    });
    return z.NEVER;
  }
  return f;
});

/** What an option or a choice adds to the order. */
export type Charge =
  | { kind: 'none' }
  /** Once per order line, whatever the quantity (assembly, delivery). */
  | { kind: 'fixed'; amount: Kopecks }
  /** For each unit of the product (a better fabric for each chair). */
  | { kind: 'per_unit'; amount: Kopecks }
  /** A share of the product's base price, for each unit (leather: +15 %). */
  | { kind: 'percent'; bp: BasisPoints };

const chargeFields = {
  fixed: money({ positive: true }).optional(),
  per_unit: money({ positive: true }).optional(),
  percent: percent(0.01, 1000).optional(),
};

type ChargeFields = { fixed?: Kopecks; per_unit?: Kopecks; percent?: BasisPoints };

function chargeOf(fields: ChargeFields, ctx: z.RefinementCtx, required: boolean): Charge {
  const given = (['fixed', 'per_unit', 'percent'] as const).filter((k) => fields[k] !== undefined);
  if (given.length > 1) {
    ctx.addIssue({
      code: 'custom',
      path: [given[1]!],
      message: `expected one of fixed, per_unit or percent, got ${given.join(' and ')}`,
    });
    return { kind: 'none' };
  }
  if (fields.fixed !== undefined) return { kind: 'fixed', amount: fields.fixed };
  if (fields.per_unit !== undefined) return { kind: 'per_unit', amount: fields.per_unit };
  if (fields.percent !== undefined) return { kind: 'percent', bp: fields.percent };
  if (required) {
    ctx.addIssue({ code: 'custom', message: 'expected a price: fixed, per_unit or percent' });
  }
  return { kind: 'none' };
}

const choiceSchema = z
  .strictObject({ id: idSchema, title, ...chargeFields })
  .transform((c, ctx) => ({ id: c.id, title: c.title, charge: chargeOf(c, ctx, false) }));
export type Choice = z.output<typeof choiceSchema>;

const choiceOption = z.strictObject({
  id: idSchema,
  title,
  type: z.literal('choice'),
  choices: z.array(choiceSchema).min(1, { error: 'expected at least one choice' }),
  /** Used when the order does not name this option; without it the option is left out. */
  default: idSchema.optional(),
  /** The order must name it (when there is no default). */
  required: z.boolean().default(false),
  /** A service (delivery, assembly) is not multiplied by coefficients that apply to goods. */
  service: z.boolean().optional(),
});

const yesNoOption = z
  .strictObject({
    id: idSchema,
    title,
    type: z.literal('yes_no'),
    default: z.boolean().default(false),
    unit: title.optional(),
    /** A service (delivery, assembly) is not multiplied by coefficients that apply to goods. */
    service: z.boolean().optional(),
    ...chargeFields,
  })
  .transform(({ fixed, per_unit, percent, ...o }, ctx) => ({
    ...o,
    charge: chargeOf({ fixed, per_unit, percent }, ctx, true),
  }));

const countOption = z.strictObject({
  id: idSchema,
  title,
  type: z.literal('count'),
  /** The price of each counted unit (a floor climbed, a kilometre driven). */
  price: money({ positive: true }),
  unit: title,
  min: quantity().default(0),
  max: quantity().default(100 * MILLI),
  step: quantity().default(MILLI),
  default: quantity().default(0),
  /** A service (delivery, assembly) is not multiplied by coefficients that apply to goods. */
  service: z.boolean().optional(),
});

const optionSchema = z.discriminatedUnion('type', [choiceOption, yesNoOption, countOption], {
  error: 'expected type: choice, yes_no or count',
});
export type OptionDef = z.output<typeof optionSchema>;

/**
 * A shared option's id or an option of its own. Parsed by hand rather than as a union, so a broken
 * option reports its own fields (`options[0].price: …`) instead of "invalid input".
 */
const optionRef = z.unknown().transform((value, ctx): string | OptionDef => {
  const parsed = typeof value === 'string' ? idSchema.safeParse(value) : optionSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues)
    ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  return z.NEVER;
});

const tierSchema = z
  .strictObject({
    /** The tier's price applies to the whole quantity from here on. */
    from: quantity('the quantity the tier starts at'),
    price: money({ positive: true }).optional(),
    discount: percent(0.01, 99.99).optional(),
  })
  .transform((t, ctx) => {
    if ((t.price === undefined) === (t.discount === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'expected either price or discount (a percentage)' });
      return z.NEVER;
    }
    return t.price !== undefined
      ? { from: t.from, kind: 'price' as const, price: t.price }
      : { from: t.from, kind: 'discount' as const, bp: t.discount! };
  });
export type Tier = z.output<typeof tierSchema>;

const productSchema = z.strictObject({
  id: idSchema,
  title,
  /** Other names buyers use for it («угловой диван», «милан»): a price question naming one gets this product's quote. */
  aliases: z.array(title).default([]),
  /** Avito listings (item ids) that sell this product: a price question in their chats gets its quote. */
  avito_item_ids: z
    .array(
      z
        .union([z.string(), z.number()])
        .transform(String)
        .pipe(z.string().regex(/^\d{1,20}$/, { error: 'expected an Avito item id (digits)' })),
    )
    .default([]),
  /** product, service or package: only how documents describe it. */
  kind: z
    .enum(['product', 'service', 'package'], { error: 'expected product, service or package' })
    .default('product'),
  unit: title.default('шт.'),
  price: money({ positive: true }),
  description: z.string().trim().max(2000).optional(),
  /** What a package contains, listed in the offer. */
  includes: z.array(title).optional(),
  quantity: z
    .strictObject({
      min: quantity().optional(),
      max: quantity().default(10_000 * MILLI),
      step: quantity().default(MILLI),
    })
    .default({ max: 10_000 * MILLI, step: MILLI }),
  /** The lowest price per unit the seller accepts after discounts. */
  floor: money().optional(),
  tiers: z.array(tierSchema).default([]),
  /** Ids of shared options, or options of this product alone. */
  options: z.array(optionRef).default([]),
});

const coefficientSchema = z.strictObject({
  id: idSchema,
  title,
  choices: z
    .array(z.strictObject({ id: idSchema, title, factor }))
    .min(1, { error: 'expected at least one choice' }),
  default: idSchema.optional(),
  /** goods: products and their per-unit/percentage options; all: fixed add-ons and counts too. */
  applies_to: z.enum(['goods', 'all'], { error: 'expected goods or all' }).default('goods'),
});
export type CoefficientDef = z.output<typeof coefficientSchema>;

const discountRuleSchema = z
  .strictObject({
    id: idSchema,
    title,
    percent: percent(0.01, 100).optional(),
    amount: money({ positive: true }).optional(),
    /** The most this discount may take off (with percent). */
    max: money({ positive: true }).optional(),
  })
  .transform((d, ctx) => {
    if ((d.percent === undefined) === (d.amount === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'expected either percent or amount' });
      return z.NEVER;
    }
    if (d.max !== undefined && d.amount !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['max'], message: 'max applies to a percent discount only' });
      return z.NEVER;
    }
    return d.percent !== undefined
      ? { id: d.id, title: d.title, kind: 'percent' as const, bp: d.percent, max: d.max }
      : { id: d.id, title: d.title, kind: 'amount' as const, amount: d.amount! };
  });
export type DiscountRule = z.output<typeof discountRuleSchema>;

export const pricingFields = {
  currency: z.literal('RUB', { error: 'expected RUB (the only currency supported)' }).default('RUB'),
  vat: z
    .strictObject({
      /** included: prices contain VAT; added: VAT is added on top; none: «Без НДС». */
      mode: z.enum(['included', 'added', 'none'], { error: 'expected included, added or none' }),
      rate: percent(0, 100).optional(),
    })
    .default({ mode: 'none' }),
  rounding: z
    .strictObject({
      step: money({ positive: true }).default(1),
      mode: z
        .enum(['half_up', 'up', 'down'], { error: 'expected half_up, up or down' })
        .default('half_up' satisfies RoundingMode),
    })
    .default({ step: 1, mode: 'half_up' }),
  quote: z.strictObject({ valid_days: z.int().min(1).max(365).default(14) }).default({ valid_days: 14 }),
  options: z.array(optionSchema).default([]),
  coefficients: z.array(coefficientSchema).default([]),
  discounts: z
    .strictObject({
      /** All discounts together never take more than this share of the subtotal. */
      max_percent: percent(0, 100).default(PERCENT_100),
      rules: z.array(discountRuleSchema).default([]),
    })
    .default({ max_percent: PERCENT_100, rules: [] }),
  products: z.array(productSchema).min(1, { error: 'expected at least one product' }),
};

type RawPricing = { [K in keyof typeof pricingFields]: z.output<(typeof pricingFields)[K]> };
type RawProduct = RawPricing['products'][number];

export interface Product extends Omit<RawProduct, 'options' | 'quantity'> {
  quantity: { min: Milli; max: Milli; step: Milli };
  /** Resolved: shared options looked up, in the order the product lists them. */
  options: OptionDef[];
}

/** The validated price list the calculator works on. */
export interface PriceList {
  currency: 'RUB';
  vat: { mode: 'included' | 'added' | 'none'; rate: BasisPoints };
  rounding: { step: Kopecks; mode: RoundingMode };
  validDays: number;
  products: Product[];
  coefficients: CoefficientDef[];
  discounts: { maxPercent: BasisPoints; rules: DiscountRule[] };
}

type Path = (string | number)[];

function unique(ids: string[], path: (i: number) => Path, what: string, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    if (seen.has(id))
      ctx.addIssue({ code: 'custom', path: path(i), message: `duplicate ${what} id "${id}"` });
    seen.add(id);
  });
}

function checkOption(o: OptionDef, path: Path, ctx: z.RefinementCtx): void {
  if (o.type === 'choice') {
    unique(
      o.choices.map((c) => c.id),
      (i) => [...path, 'choices', i, 'id'],
      'choice',
      ctx,
    );
    if (o.default !== undefined && !o.choices.some((c) => c.id === o.default)) {
      ctx.addIssue({
        code: 'custom',
        path: [...path, 'default'],
        message: `expected one of the choices (${o.choices.map((c) => c.id).join(', ')})`,
      });
    }
  } else if (o.type === 'count') {
    if (o.step === 0)
      ctx.addIssue({ code: 'custom', path: [...path, 'step'], message: 'expected a positive step' });
    if (o.max < o.min)
      ctx.addIssue({ code: 'custom', path: [...path, 'max'], message: 'expected max ≥ min' });
    if (o.default < o.min || o.default > o.max) {
      ctx.addIssue({
        code: 'custom',
        path: [...path, 'default'],
        message: 'expected a default from min to max',
      });
    }
  }
}

/** Cross-field rules zod cannot say field by field; every issue carries its path. */
export function checkPricing(p: RawPricing, ctx: z.RefinementCtx): void {
  if (p.vat.mode !== 'none' && p.vat.rate === undefined) {
    ctx.addIssue({ code: 'custom', path: ['vat', 'rate'], message: 'expected the VAT rate (e.g. 22)' });
  }
  if (p.vat.mode === 'none' && p.vat.rate !== undefined && p.vat.rate !== 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['vat', 'rate'],
      message: 'a rate with mode none: set mode included or added',
    });
  }
  unique(
    p.options.map((o) => o.id),
    (i) => ['options', i, 'id'],
    'option',
    ctx,
  );
  p.options.forEach((o, i) => checkOption(o, ['options', i], ctx));
  unique(
    p.coefficients.map((c) => c.id),
    (i) => ['coefficients', i, 'id'],
    'coefficient',
    ctx,
  );
  p.coefficients.forEach((c, i) => {
    unique(
      c.choices.map((x) => x.id),
      (j) => ['coefficients', i, 'choices', j, 'id'],
      'choice',
      ctx,
    );
    if (c.default !== undefined && !c.choices.some((x) => x.id === c.default)) {
      ctx.addIssue({
        code: 'custom',
        path: ['coefficients', i, 'default'],
        message: `expected one of the choices (${c.choices.map((x) => x.id).join(', ')})`,
      });
    }
  });
  unique(
    p.discounts.rules.map((d) => d.id),
    (i) => ['discounts', 'rules', i, 'id'],
    'discount',
    ctx,
  );
  unique(
    p.products.map((x) => x.id),
    (i) => ['products', i, 'id'],
    'product',
    ctx,
  );
  // A listing sells one product: two products claiming it would make its price question ambiguous.
  const itemOwner = new Map<string, string>();
  p.products.forEach((product, i) =>
    product.avito_item_ids.forEach((itemId, j) => {
      const owner = itemOwner.get(itemId);
      if (owner && owner !== product.id)
        ctx.addIssue({
          code: 'custom',
          path: ['products', i, 'avito_item_ids', j],
          message: `item ${itemId} is already mapped to product "${owner}"`,
        });
      itemOwner.set(itemId, product.id);
    }),
  );
  const shared = new Map(p.options.map((o) => [o.id, o]));
  const coefficientIds = new Set(p.coefficients.map((c) => c.id));
  p.products.forEach((product, i) => {
    const at = (...rest: Path): Path => ['products', i, ...rest];
    const { min = product.quantity.step, max, step } = product.quantity;
    if (step === 0)
      ctx.addIssue({ code: 'custom', path: at('quantity', 'step'), message: 'expected a positive step' });
    if (min === 0 || max < min) {
      ctx.addIssue({ code: 'custom', path: at('quantity'), message: 'expected 0 < min ≤ max' });
    }
    if (product.floor !== undefined && product.floor > product.price) {
      ctx.addIssue({ code: 'custom', path: at('floor'), message: 'expected a floor not above the price' });
    }
    let previousFrom = min;
    let previousPrice = product.price;
    product.tiers.forEach((tier, j) => {
      if (tier.from <= previousFrom) {
        ctx.addIssue({
          code: 'custom',
          path: at('tiers', j, 'from'),
          message: 'expected tiers in ascending order, each above the minimum quantity',
        });
      }
      const unitPrice = tierUnitPrice(product.price, tier);
      if (unitPrice > previousPrice) {
        ctx.addIssue({ code: 'custom', path: at('tiers', j), message: 'a tier must not raise the price' });
      }
      if (product.floor !== undefined && unitPrice < product.floor) {
        ctx.addIssue({ code: 'custom', path: at('tiers', j), message: 'a tier price below the floor' });
      }
      previousFrom = tier.from;
      previousPrice = unitPrice;
    });
    const ids = new Set<string>();
    product.options.forEach((ref, j) => {
      const option = typeof ref === 'string' ? shared.get(ref) : ref;
      if (!option) {
        ctx.addIssue({
          code: 'custom',
          path: at('options', j),
          message: `unknown option "${String(ref)}"; shared options: ${[...shared.keys()].join(', ') || 'none'}`,
        });
        return;
      }
      if (typeof ref !== 'string') checkOption(ref, at('options', j), ctx);
      if (ids.has(option.id)) {
        ctx.addIssue({
          code: 'custom',
          path: at('options', j),
          message: `duplicate option id "${option.id}"`,
        });
      }
      if (coefficientIds.has(option.id) || RESERVED.has(option.id)) {
        ctx.addIssue({
          code: 'custom',
          path: at('options', j),
          message: `option id "${option.id}" is taken by a coefficient or a reserved word (${[...RESERVED].join(', ')})`,
        });
      }
      ids.add(option.id);
    });
  });
}

/** Names an order uses besides options and coefficients. */
export const RESERVED = new Set(['qty', 'discount', 'product']);

/** A tier's price per unit, from its own price or its discount on the base price (kopeck, half-up). */
export function tierUnitPrice(base: Kopecks, tier: Tier): Kopecks {
  if (tier.kind === 'price') return tier.price;
  const n = BigInt(base) * BigInt(PERCENT_100 - tier.bp);
  const d = BigInt(PERCENT_100);
  return Number((n + d / 2n) / d);
}

/** The checked raw section → the calculator's {@link PriceList}. */
export function toPriceList(p: RawPricing): PriceList {
  const shared = new Map(p.options.map((o) => [o.id, o]));
  return {
    currency: p.currency,
    vat: { mode: p.vat.mode, rate: p.vat.mode === 'none' ? 0 : (p.vat.rate ?? 0) },
    rounding: p.rounding,
    validDays: p.quote.valid_days,
    coefficients: p.coefficients,
    discounts: { maxPercent: p.discounts.max_percent, rules: p.discounts.rules },
    products: p.products.map((product) => ({
      ...product,
      quantity: {
        min: product.quantity.min ?? product.quantity.step,
        max: product.quantity.max,
        step: product.quantity.step,
      },
      options: product.options.map((ref) => (typeof ref === 'string' ? shared.get(ref)! : ref)),
    })),
  };
}

export type { RawPricing };
