import { contentStems } from '../../rag/text/tokens.js';
import { groupThousands, type Kopecks } from '../money.js';
import { MILLI, type Milli } from '../quantity.js';
import { formatDateShort, localDate } from '../time.js';
import { calculateQuote, type CalculateOptions, type Quote, QuoteError } from './calculate.js';
import type { PriceList, Product } from './schema.js';

/**
 * A buyer's price question answered by the calculator: which configured product the question (or the
 * listing it was asked under) is about, and its quote as a passage the answer is written from, so the
 * figures a buyer reads are the price list's, never the model's.
 */

/** «сколько стоит», «цена», «почём», «прайс», «во сколько обойдётся»; English too. */
const PRICE_WORDS =
  /(сколько\s+(?:стоит|стоят|будет|будут|выйдет|обойд|стоить)|во\s+сколько|цен[аеуыоя]|\bцен\b|стоимост|поч[её]м|прайс|расценк|how\s+much|\bprice|\bcost)/iu;

export function isPriceQuestion(text: string): boolean {
  return PRICE_WORDS.test(text);
}

export interface PriceQuestionInput {
  /** The buyer's unanswered messages. */
  questions: readonly string[];
  /** The listing the chat is about (Avito item id and title), when known. */
  listing: { itemId: string | null; title: string | null } | null;
}

export interface ProductMatch {
  product: Product;
  /** How it was found: named in the question, the listing's item id in the configuration, or the listing's title. */
  by: 'question' | 'item_id' | 'listing_title';
  qty: Milli;
}

/**
 * How well a text names the product, 0 when it does not: every word of the title or an alias, most of a long
 * one, or the title's head noun («диван» for «Диван угловой «Милан»»), scored by the share of words found.
 */
function nameScore(product: Product, stems: ReadonlySet<string>): number {
  let best = 0;
  for (const name of [product.title, ...product.aliases]) {
    const words = [...new Set(contentStems(name))];
    if (words.length === 0) continue;
    const found = words.filter((w) => stems.has(w)).length;
    const score = found / words.length;
    const head = name === product.title && stems.has(words[0]!);
    if (found === words.length || (found >= 2 && score >= 0.6) || head) best = Math.max(best, score);
  }
  return best;
}

/** Words of a bare price question («Здравствуйте, подскажите, сколько стоит?»): they name no subject. */
const QUESTION_WORDS = new Set(
  contentStems(
    'здравствуйте добрый день вечер утро привет подскажите скажите пожалуйста а и у вас ваш это этот эта такой ' +
      'такая сколько стоит стоят будет будут выйдет обойдётся обойдется стоить цена цену цены какая какой почём ' +
      'почем прайс стоимость расценки во how much is the price cost it',
  ),
);

/**
 * Whether the question is about the listing's item itself: it names no other subject («сколько стоит?»,
 * «какая цена на этот диван?»), unlike «сколько стоит доставка?», which the documents answer.
 */
function asksAboutItem(text: string, product: Product): boolean {
  const own = new Set(contentStems([product.title, ...product.aliases].join(' ')));
  return contentStems(text).every((s) => QUESTION_WORDS.has(s) || own.has(s) || /^\d+$/.test(s));
}

/** The product a text names: the best-scoring one, none on a tie (ambiguous) or when nothing matches. */
function namedIn(list: PriceList, text: string): Product | null {
  const stems = new Set(contentStems(text));
  const scored = list.products
    .map((product) => ({ product, score: nameScore(product, stems) }))
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score);
  const [first, second] = scored;
  if (!first || (second && second.score === first.score)) return null;
  return first.product;
}

/** «2 шт», «3 стула», «4,5 м²»: a count written before the unit or a word of the product's name. */
function quantityIn(text: string, product: Product): Milli | null {
  const nameStems = new Set(contentStems([product.title, ...product.aliases].join(' ')));
  const re = /(?<![\d.,])(\d{1,4}(?:[.,]\d{1,3})?)\s*([\p{L}²]+\.?)/gu;
  for (const m of text.matchAll(re)) {
    const word = m[2]!.toLowerCase();
    const unitLike = /^(шт|штук|м²|м2|м|кв|пог|метр|pcs)/u.test(word);
    const named = contentStems(word).some((s) => nameStems.has(s));
    if (!unitLike && !named) continue;
    const milli = Math.round(Number(m[1]!.replace(',', '.')) * MILLI);
    if (milli >= product.quantity.min && milli <= product.quantity.max) return milli;
  }
  return null;
}

/**
 * The configured product a price question is about: a product the question names (title or alias) comes
 * first, then the product mapped to the listing's item id, then one the listing's title names. Null when the
 * messages ask no price or name nothing configured.
 */
export function matchPriceQuestion(list: PriceList, input: PriceQuestionInput): ProductMatch | null {
  const text = input.questions.join('\n');
  if (!isPriceQuestion(text)) return null;
  const itemId = input.listing?.itemId ?? null;
  const named = namedIn(list, text);
  const mapped = itemId ? list.products.find((p) => p.avito_item_ids.includes(itemId)) : undefined;
  const byTitle = input.listing?.title ? namedIn(list, input.listing.title) : null;
  // The listing stands for the product only when the question asks about nothing else.
  const found: Omit<ProductMatch, 'qty'> | null = named
    ? { product: named, by: 'question' }
    : mapped && asksAboutItem(text, mapped)
      ? { product: mapped, by: 'item_id' }
      : byTitle && asksAboutItem(text, byTitle)
        ? { product: byTitle, by: 'listing_title' }
        : null;
  if (!found) return null;
  return { ...found, qty: quantityIn(text, found.product) ?? found.product.quantity.min };
}

/** `3290000` → «32 900 ₽», `3290050` → «32 900,50 ₽»: how a buyer reads a price. */
export function rublesForBuyer(kopecks: Kopecks): string {
  const whole = groupThousands(String(Math.trunc(kopecks / 100)));
  const rest = kopecks % 100;
  return `${whole}${rest ? `,${String(rest).padStart(2, '0')}` : ''}\u00a0₽`;
}

const quantityText = (milli: Milli) => String(milli / MILLI).replace('.', ',');

/** The quote as the passage the answer is written from (Russian: what the buyer reads is quoted from it). */
export function quotePassage(quote: Quote): string {
  const lines = quote.lines.map(
    (l) =>
      `${l.title} — ${quantityText(l.qty)} ${l.unit} × ${rublesForBuyer(l.unitPrice)} = ${rublesForBuyer(l.amount)}`,
  );
  const vat =
    quote.vatMode === 'none'
      ? 'без НДС'
      : `${quote.vatMode === 'included' ? 'в том числе НДС' : 'включая НДС'} ${quote.vatRate / 100}%`;
  const discount = quote.discount > 0 ? ` Скидка: ${rublesForBuyer(quote.discount)}.` : '';
  return [
    'Расчёт по прайс-листу продавца:',
    ...lines.map((l) => `${l}.`),
    `Итого: ${rublesForBuyer(quote.total)} (${vat}).${discount}`,
    `Цена действительна до ${formatDateShort(localDate(quote.validUntil, quote.timeZone))}.`,
  ].join('\n');
}

/** A computed quote for the answerer: a source passage, like a retrieved document's. */
export interface ComputedQuote {
  title: string;
  text: string;
  /** The total as the buyer reads it («32 900 ₽»): what the answer must state. */
  figure: string;
  productId: string;
  total: Kopecks;
}

/**
 * The calculator's answer to a price question, with the product's default options, or null when the
 * messages ask no price of a configured product (or the product cannot be priced without a choice the buyer
 * has not made: a required option).
 */
export function quoteForQuestion(
  list: PriceList,
  input: PriceQuestionInput,
  clock: CalculateOptions,
): ComputedQuote | null {
  const match = matchPriceQuestion(list, input);
  if (!match) return null;
  let quote: Quote;
  try {
    quote = calculateQuote(list, { items: [{ product: match.product.id, qty: match.qty }] }, clock);
  } catch (err) {
    if (err instanceof QuoteError) return null;
    throw err;
  }
  return {
    title: `Прайс-лист: ${match.product.title}`,
    text: quotePassage(quote),
    figure: rublesForBuyer(quote.total),
    productId: match.product.id,
    total: quote.total,
  };
}
