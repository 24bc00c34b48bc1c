import { parseRubles } from '../money.js';
import { parseQuantity } from '../quantity.js';
import {
  describeCoefficient,
  describeOption,
  type DiscountRequest,
  findProduct,
  QuoteError,
  type QuoteRequest,
} from './calculate.js';
import { percent, type PriceList } from './schema.js';

/**
 * A discount as the owner types it: a rule id (`winter`), a percentage (`5%`) or an amount in rubles
 * (`1500`, `"1 500 ₽"`).
 */
export function parseDiscount(text: string): DiscountRequest {
  const t = text.trim();
  if (t.endsWith('%')) {
    const parsed = percent(0.01, 100).safeParse(t);
    if (!parsed.success)
      throw new QuoteError('bad_value', `discount "${text}": expected a percentage from 0.01 to 100`);
    return { percent: parsed.data };
  }
  if (/^\d/.test(t)) {
    const parsed = parseRubles(t);
    if (!parsed.ok || parsed.kopecks === 0) {
      throw new QuoteError(
        'bad_value',
        `discount "${text}": ${parsed.ok ? 'expected a positive amount' : parsed.error}`,
      );
    }
    return { amount: parsed.kopecks };
  }
  return { rule: t };
}

/**
 * `<product-id> [option=value …] [qty=N] [discount=…]` (the `npm run quote` words, later the bot's) → a
 * one-item order. `name=value` goes to the product's option of that name or to the coefficient of that
 * name; anything else is a {@link QuoteError} that lists what the product offers.
 */
export function orderFromWords(list: PriceList, words: readonly string[]): QuoteRequest {
  const [productId, ...rest] = words;
  if (!productId || productId.includes('=')) {
    throw new QuoteError(
      'unknown_product',
      `name a product first; available: ${list.products.map((p) => p.id).join(', ')}`,
    );
  }
  const product = findProduct(list, productId);
  const options: Record<string, string> = {};
  const coefficients: Record<string, string> = {};
  const discounts: DiscountRequest[] = [];
  let qty: number | undefined;
  const optionIds = new Set(product.options.map((o) => o.id));
  const coefficientIds = new Set(list.coefficients.map((c) => c.id));
  for (const word of rest) {
    const eq = word.indexOf('=');
    const name = eq > 0 ? word.slice(0, eq).trim() : '';
    const value = eq > 0 ? word.slice(eq + 1).trim() : '';
    if (!name || !value) throw new QuoteError('bad_value', `expected name=value, got "${word}"`);
    if (name === 'qty') {
      const parsed = parseQuantity(value);
      if (!parsed.ok) throw new QuoteError('bad_quantity', `qty: ${parsed.error}`);
      qty = parsed.milli;
    } else if (name === 'discount') {
      discounts.push(...value.split(',').map(parseDiscount));
    } else if (optionIds.has(name)) {
      if (name in options) throw new QuoteError('bad_value', `option "${name}" given twice`);
      options[name] = value;
    } else if (coefficientIds.has(name)) {
      if (name in coefficients) throw new QuoteError('bad_value', `"${name}" given twice`);
      coefficients[name] = value;
    } else {
      const available = [
        ...product.options.map(describeOption),
        ...list.coefficients.map(describeCoefficient),
        'qty',
        'discount',
      ];
      throw new QuoteError(
        'unknown_option',
        `unknown option "${name}" of "${product.id}"; available: ${available.join(', ')}`,
      );
    }
  }
  return { items: [{ product: product.id, qty, options }], coefficients, discounts };
}
