import { AmountOverflowError, type Kopecks, roundDiv, roundToStep, toKopecks } from '../money.js';
import { formatQuantity, MILLI, type Milli, parseQuantity } from '../quantity.js';
import { endOfDayAfter } from '../time.js';
import { type Locale, type DocumentTexts, textsFor } from '../../texts/index.js';
import {
  type BasisPoints,
  type Charge,
  FACTOR_ONE,
  type OptionDef,
  PERCENT_100,
  type PriceList,
  type Product,
  tierUnitPrice,
} from './schema.js';

/** One product of an order, as the buyer or the owner asked for it. */
export interface QuoteItemRequest {
  /** Product id from the price list. */
  product: string;
  /** Thousandths of the product's unit; the product's minimum when left out. */
  qty?: Milli | undefined;
  /** Option id → value: a choice id (or its title), yes/no, or a count. Order does not matter. */
  options?: Readonly<Record<string, string>> | undefined;
}

export type DiscountRequest =
  /** A discount rule of the price list, by id. */
  | { rule: string }
  /** The owner's own percentage or amount (still capped by max_percent and the floor). */
  | { percent: BasisPoints }
  | { amount: Kopecks };

export interface QuoteRequest {
  items: readonly QuoteItemRequest[];
  /** Coefficient id → choice id; a coefficient left out uses its default (or is not applied). */
  coefficients?: Readonly<Record<string, string>> | undefined;
  discounts?: readonly DiscountRequest[] | undefined;
}

export interface QuoteLine {
  kind: 'product' | 'tier_topup' | 'option' | 'coefficient';
  /** Index of the order item the line belongs to; null for order-wide lines (coefficients). */
  item: number | null;
  title: string;
  qty: Milli;
  unit: string;
  unitPrice: Kopecks;
  /** `qty × unitPrice` rounded to the kopeck (half-up). */
  amount: Kopecks;
  /** The product's description and what a package includes, printed under the title in offers. */
  details?: string[];
}

/**
 * A computed quote. `total = subtotal − discount + vat` when VAT is added, `total = subtotal − discount`
 * otherwise (with VAT included, `vat` is the part of `total` that is tax).
 */
export interface Quote {
  currency: 'RUB';
  lines: QuoteLine[];
  /** Σ line amounts. */
  subtotal: Kopecks;
  discount: Kopecks;
  /** What the discount is made of, for the reader (rule titles, the owner's own discount). */
  discountTitles: string[];
  /** Set when the discount was cut: by the products' floor prices or by max_percent. */
  discountLimitedBy: 'floor' | 'max_percent' | null;
  vat: Kopecks;
  vatMode: PriceList['vat']['mode'];
  vatRate: BasisPoints;
  total: Kopecks;
  issuedAt: Date;
  /** The last second of the validity period in `timeZone`. */
  validUntil: Date;
  timeZone: string;
}

export type QuoteErrorCode =
  | 'empty_order'
  | 'unknown_product'
  | 'unknown_option'
  | 'unknown_choice'
  | 'missing_option'
  | 'bad_value'
  | 'bad_quantity'
  | 'unknown_discount'
  | 'too_large';

/** A request the price list cannot price; `message` names what is available instead. */
export class QuoteError extends Error {
  override name = 'QuoteError';
  constructor(
    readonly code: QuoteErrorCode,
    message: string,
  ) {
    super(message);
  }
}

type Base = 'goods' | 'extra';
interface Computed extends QuoteLine {
  base: Base;
}

const milliTimes = (qty: Milli, price: Kopecks): bigint =>
  roundDiv(BigInt(qty) * BigInt(price), BigInt(MILLI));

const normal = (s: string) => s.trim().toLowerCase().replaceAll('ё', 'е');

const YES = new Set(['yes', 'да', 'true', '1', 'y', '+']);
const NO = new Set(['no', 'нет', 'false', '0', 'n', '-']);

/** How a value of this option is written, for error messages: `fabric (velour|chenille)`. */
export function describeOption(o: OptionDef): string {
  if (o.type === 'choice') return `${o.id} (${o.choices.map((c) => c.id).join('|')})`;
  if (o.type === 'yes_no') return `${o.id} (yes|no)`;
  return `${o.id} (${formatQuantity(o.min)}…${formatQuantity(o.max)} ${o.unit})`;
}

/** How a coefficient's values are written, for error messages: `urgency (standard|express)`. */
export function describeCoefficient(c: PriceList['coefficients'][number]): string {
  return `${c.id} (${c.choices.map((x) => x.id).join('|')})`;
}

/** The product with this id, or a {@link QuoteError} that lists the ids there are. */
export function findProduct(list: PriceList, id: string): Product {
  const product = list.products.find((p) => p.id === id);
  if (!product) {
    throw new QuoteError(
      'unknown_product',
      `unknown product "${id}"; available: ${list.products.map((p) => p.id).join(', ')}`,
    );
  }
  return product;
}

function checkQuantity(product: Product, qty: Milli): void {
  const { min, max, step } = product.quantity;
  if (qty < min || qty > max || qty % step !== 0) {
    throw new QuoteError(
      'bad_quantity',
      `quantity of "${product.id}" must be from ${formatQuantity(min)} to ${formatQuantity(max)} ${product.unit}` +
        ` in steps of ${formatQuantity(step)}, got ${formatQuantity(qty)}`,
    );
  }
}

/** The unit price at `qty` (the highest tier reached applies to the whole quantity). */
function unitPriceAt(product: Product, qty: Milli): Kopecks {
  let price = product.price;
  for (const tier of product.tiers) if (qty >= tier.from) price = tierUnitPrice(product.price, tier);
  return price;
}

/**
 * The product's own lines. A tier price applies to the whole quantity, which could make 10 chairs cost
 * less than 9; so an order below a tier never costs more than the tier's threshold quantity would: the
 * line takes the cheaper tier's price and a top-up line brings it to that threshold's amount.
 */
function productLines(
  product: Product,
  qty: Milli,
  item: number,
  notes: string[],
  t: DocumentTexts,
): Computed[] {
  const title = notes.length ? `${product.title} (${notes.join(', ')})` : product.title;
  const details = [...(product.description ? [product.description] : []), ...(product.includes ?? [])];
  const price = unitPriceAt(product, qty);
  const own = milliTimes(qty, price);
  let best: { from: Milli; price: Kopecks; amount: bigint } | null = null;
  for (const tier of product.tiers) {
    if (tier.from <= qty || tier.from > product.quantity.max) continue;
    const tierPrice = tierUnitPrice(product.price, tier);
    const amount = milliTimes(tier.from, tierPrice);
    if (amount < own && (best === null || amount < best.amount))
      best = { from: tier.from, price: tierPrice, amount };
  }
  const line = (unitPrice: Kopecks, amount: bigint): Computed => ({
    kind: 'product',
    item,
    title,
    qty,
    unit: product.unit,
    unitPrice,
    amount: toKopecks(amount),
    ...(details.length ? { details } : {}),
    base: 'goods',
  });
  if (!best) return [line(price, own)];
  const atTierPrice = milliTimes(qty, best.price);
  const topUp = toKopecks(best.amount - atTierPrice);
  return [
    line(best.price, atTierPrice),
    {
      kind: 'tier_topup',
      item,
      title: t.tierTopUp(product.title, formatQuantity(best.from), product.unit),
      qty: MILLI,
      unit: t.serviceUnit,
      unitPrice: topUp,
      amount: topUp,
      base: 'goods',
    },
  ];
}

/** Services are what coefficients on goods leave alone: by default fixed add-ons and counts. */
const baseOf = (service: boolean | undefined, fallback: Base): Base =>
  service === undefined ? fallback : service ? 'extra' : 'goods';

function chargeLine(
  charge: Charge,
  title: string,
  product: Product,
  qty: Milli,
  item: number,
  list: PriceList,
  option: { unit?: string | undefined; service?: boolean | undefined },
  t: DocumentTexts,
): Computed | null {
  const common = { kind: 'option' as const, item, title };
  switch (charge.kind) {
    case 'none':
      return null;
    case 'fixed':
      return {
        ...common,
        qty: MILLI,
        unit: option.unit ?? t.serviceUnit,
        unitPrice: charge.amount,
        amount: charge.amount,
        base: baseOf(option.service, 'extra'),
      };
    case 'per_unit':
      return {
        ...common,
        qty,
        unit: product.unit,
        unitPrice: charge.amount,
        amount: toKopecks(milliTimes(qty, charge.amount)),
        base: baseOf(option.service, 'goods'),
      };
    case 'percent': {
      // A share of the base price, so tiers never change it: a larger order never pays less for it.
      const unitPrice = toKopecks(
        roundToStep(
          BigInt(product.price) * BigInt(charge.bp),
          BigInt(PERCENT_100),
          list.rounding.step,
          list.rounding.mode,
        ),
      );
      return {
        ...common,
        qty,
        unit: product.unit,
        unitPrice,
        amount: toKopecks(milliTimes(qty, unitPrice)),
        base: baseOf(option.service, 'goods'),
      };
    }
  }
}

function pickChoice(option: Extract<OptionDef, { type: 'choice' }>, value: string, product: Product) {
  const wanted = normal(value);
  const choice = option.choices.find((c) => c.id.toLowerCase() === wanted || normal(c.title) === wanted);
  if (!choice) {
    throw new QuoteError(
      'unknown_choice',
      `unknown value "${value}" of option "${option.id}" of "${product.id}"; available: ${option.choices
        .map((c) => c.id)
        .join(', ')}`,
    );
  }
  return choice;
}

function optionLines(
  product: Product,
  qty: Milli,
  item: number,
  values: Readonly<Record<string, string>>,
  list: PriceList,
  t: DocumentTexts,
): { lines: Computed[]; notes: string[] } {
  const known = new Set(product.options.map((o) => o.id));
  for (const name of Object.keys(values)) {
    if (!known.has(name)) {
      const available = product.options.map(describeOption);
      throw new QuoteError(
        'unknown_option',
        `unknown option "${name}" of "${product.id}"; available: ${available.join(', ') || 'none'}`,
      );
    }
  }
  const lines: Computed[] = [];
  const notes: string[] = [];
  for (const option of product.options) {
    const given = values[option.id];
    if (option.type === 'choice') {
      const id = given ?? option.default;
      if (id === undefined) {
        if (option.required) {
          throw new QuoteError(
            'missing_option',
            `option "${option.id}" of "${product.id}" is required; choose one of ${option.choices.map((c) => c.id).join(', ')}`,
          );
        }
        continue;
      }
      const choice = pickChoice(option, id, product);
      const line = chargeLine(
        choice.charge,
        `${option.title}: ${choice.title}`,
        product,
        qty,
        item,
        list,
        { service: option.service },
        t,
      );
      if (line) lines.push(line);
      // A free choice the order names goes into the product's title; defaults are the standard make.
      else if (given !== undefined) notes.push(`${option.title.toLowerCase()}: ${choice.title}`);
    } else if (option.type === 'yes_no') {
      let on = option.default;
      if (given !== undefined) {
        const v = normal(given);
        if (!YES.has(v) && !NO.has(v)) {
          throw new QuoteError(
            'bad_value',
            `option "${option.id}" of "${product.id}" expects yes or no, got "${given}"`,
          );
        }
        on = YES.has(v);
      }
      if (!on) continue;
      const line = chargeLine(option.charge, option.title, product, qty, item, list, option, t);
      if (line) lines.push(line);
    } else {
      let count = option.default;
      if (given !== undefined) {
        const parsed = parseQuantity(given);
        if (
          !parsed.ok ||
          parsed.milli < option.min ||
          parsed.milli > option.max ||
          parsed.milli % option.step !== 0
        ) {
          throw new QuoteError(
            'bad_value',
            `option "${option.id}" of "${product.id}" expects a number from ${formatQuantity(option.min)} to ` +
              `${formatQuantity(option.max)} ${option.unit} in steps of ${formatQuantity(option.step)}, got "${given}"`,
          );
        }
        count = parsed.milli;
      }
      if (count === 0) continue;
      lines.push({
        kind: 'option',
        item,
        title: option.title,
        qty: count,
        unit: option.unit,
        unitPrice: option.price,
        amount: toKopecks(milliTimes(count, option.price)),
        base: baseOf(option.service, 'extra'),
      });
    }
  }
  return { lines, notes };
}

const sum = (values: readonly Kopecks[]): bigint => values.reduce((acc, v) => acc + BigInt(v), 0n);

function coefficientLines(
  list: PriceList,
  chosen: Readonly<Record<string, string>>,
  lines: Computed[],
  t: DocumentTexts,
): Computed[] {
  const known = new Set(list.coefficients.map((c) => c.id));
  for (const name of Object.keys(chosen)) {
    if (!known.has(name)) {
      throw new QuoteError(
        'unknown_option',
        `unknown coefficient "${name}"; available: ${
          list.coefficients.map(describeCoefficient).join(', ') || 'none'
        }`,
      );
    }
  }
  const out: Computed[] = [];
  for (const c of list.coefficients) {
    const id = chosen[c.id] ?? c.default;
    if (id === undefined) continue;
    const choice = c.choices.find((x) => x.id.toLowerCase() === normal(id) || normal(x.title) === normal(id));
    if (!choice) {
      throw new QuoteError(
        'unknown_choice',
        `unknown value "${id}" of "${c.id}"; available: ${c.choices.map((x) => x.id).join(', ')}`,
      );
    }
    if (choice.factor === FACTOR_ONE) continue;
    // Surcharges compound in the order of the price list: earlier surcharges count as goods.
    const base = sum(
      [...lines, ...out].filter((l) => c.applies_to === 'all' || l.base === 'goods').map((l) => l.amount),
    );
    const surcharge = toKopecks(
      roundToStep(
        base * BigInt(choice.factor - FACTOR_ONE),
        BigInt(FACTOR_ONE),
        list.rounding.step,
        list.rounding.mode,
      ),
    );
    if (surcharge === 0) continue;
    out.push({
      kind: 'coefficient',
      item: null,
      title: t.coefficientTitle(c.title, choice.title, choice.factor / FACTOR_ONE),
      qty: MILLI,
      unit: t.serviceUnit,
      unitPrice: surcharge,
      amount: surcharge,
      base: 'goods',
    });
  }
  return out;
}

interface DiscountOutcome {
  discount: Kopecks;
  titles: string[];
  limitedBy: Quote['discountLimitedBy'];
}

/**
 * Discounts on the subtotal, computed exactly (in 1/10000 kopeck) and rounded once: the discounted total
 * is rounded to the rounding step, then kept within [floor, subtotal]. Percentages of several rules add
 * up, each capped by its own `max`; together they are capped by max_percent and by the floor.
 */
function applyDiscounts(
  list: PriceList,
  requested: readonly DiscountRequest[],
  subtotal: bigint,
  floor: bigint,
  t: DocumentTexts,
): DiscountOutcome {
  if (requested.length === 0) return { discount: 0, titles: [], limitedBy: null };
  const scale = BigInt(PERCENT_100);
  const seen = new Set<string>();
  let raw = 0n;
  const titles: { order: number; title: string }[] = [];
  for (const d of requested) {
    if ('rule' in d) {
      const index = list.discounts.rules.findIndex((r) => r.id === d.rule);
      const rule = list.discounts.rules[index];
      if (!rule) {
        throw new QuoteError(
          'unknown_discount',
          `unknown discount "${d.rule}"; available: ${list.discounts.rules.map((r) => r.id).join(', ') || 'none'}` +
            ', or a percentage (5%) or an amount (1500)',
        );
      }
      if (seen.has(rule.id)) throw new QuoteError('bad_value', `discount "${rule.id}" given twice`);
      seen.add(rule.id);
      if (rule.kind === 'percent') {
        const share = subtotal * BigInt(rule.bp);
        raw += rule.max === undefined ? share : min(share, BigInt(rule.max) * scale);
      } else raw += BigInt(rule.amount) * scale;
      titles.push({ order: index, title: rule.title });
    } else if ('percent' in d) {
      raw += subtotal * BigInt(d.percent);
      titles.push({
        order: Number.MAX_SAFE_INTEGER,
        title: t.manualDiscountPercent(d.percent / 100),
      });
    } else {
      raw += BigInt(d.amount) * scale;
      titles.push({ order: Number.MAX_SAFE_INTEGER, title: t.manualDiscount });
    }
  }
  const byMaxPercent = subtotal * BigInt(list.discounts.maxPercent);
  const byFloor = (subtotal > floor ? subtotal - floor : 0n) * scale;
  const exact = min(raw, byMaxPercent, byFloor);
  let total = roundToStep(subtotal * scale - exact, scale, list.rounding.step, list.rounding.mode);
  if (total < floor) total = floor;
  if (total > subtotal) total = subtotal;
  const limitedBy = raw > exact ? (exact === byFloor ? 'floor' : 'max_percent') : null;
  titles.sort((a, b) => a.order - b.order || a.title.localeCompare(b.title));
  return { discount: toKopecks(subtotal - total), titles: titles.map((t) => t.title), limitedBy };
}

const min = (...values: bigint[]): bigint => values.reduce((a, b) => (b < a ? b : a));

export interface CalculateOptions {
  now: Date;
  /** IANA zone of the seller: the validity ends at 23:59:59 there. */
  timeZone: string;
  /** The language of the lines the calculator names (a tier top-up, a coefficient, a discount). Default ru. */
  locale?: Locale;
}

/**
 * Prices an order: deterministic, integer-only, independent of the order in which options, coefficients
 * or discounts are given. Throws {@link QuoteError} for anything the price list does not offer.
 *
 * Order of application: product lines (quantity tiers, top-up to a tier) → options → coefficients
 * (in price-list order, compounding) → subtotal → discounts (capped, floored, rounded) → VAT.
 */
export function calculateQuote(list: PriceList, request: QuoteRequest, options: CalculateOptions): Quote {
  if (request.items.length === 0) throw new QuoteError('empty_order', 'the order has no products');
  const t = textsFor(options.locale).documents;
  try {
    const lines: Computed[] = [];
    let floor = 0n;
    request.items.forEach((item, index) => {
      const product = findProduct(list, item.product);
      const qty = item.qty ?? product.quantity.min;
      checkQuantity(product, qty);
      const opts = optionLines(product, qty, index, item.options ?? {}, list, t);
      lines.push(...productLines(product, qty, index, opts.notes, t), ...opts.lines);
      // Rounded as the product line is, so the floor never exceeds what the product itself costs.
      if (product.floor !== undefined) floor += milliTimes(qty, product.floor);
    });
    lines.push(...coefficientLines(list, request.coefficients ?? {}, lines, t));
    const subtotal = sum(lines.map((l) => l.amount));
    const d = applyDiscounts(list, request.discounts ?? [], subtotal, floor, t);
    const net = subtotal - BigInt(d.discount);
    const rate = BigInt(list.vat.rate);
    const scale = BigInt(PERCENT_100);
    let vat = 0n;
    let total = net;
    if (list.vat.mode === 'included') vat = roundDiv(net * rate, scale + rate);
    if (list.vat.mode === 'added') {
      vat = roundDiv(net * rate, scale);
      total = net + vat;
    }
    return {
      currency: list.currency,
      lines: lines.map(({ base: _base, ...line }) => line),
      subtotal: toKopecks(subtotal),
      discount: d.discount,
      discountTitles: d.titles,
      discountLimitedBy: d.limitedBy,
      vat: toKopecks(vat),
      vatMode: list.vat.mode,
      vatRate: list.vat.rate,
      total: toKopecks(total),
      issuedAt: options.now,
      validUntil: endOfDayAfter(options.now, list.validDays, options.timeZone),
      timeZone: options.timeZone,
    };
  } catch (err) {
    if (err instanceof AmountOverflowError) throw new QuoteError('too_large', err.message);
    throw err;
  }
}
