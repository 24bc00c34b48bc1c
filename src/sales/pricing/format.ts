import { formatRubles, formatRublesDecimal } from '../money.js';
import { formatQuantity, quantityNumber } from '../quantity.js';
import { type Locale, textsFor } from '../../texts/index.js';
import { formatDateShort, isoInZone, localDate } from '../time.js';
import type { Quote } from './calculate.js';

/** The stable JSON shape of a quote: amounts in rubles as decimal strings ("12500.00"). */
export interface QuoteJson {
  lines: { title: string; qty: number; unit: string; unit_price: string; amount: string }[];
  subtotal: string;
  discount: string;
  vat: string;
  total: string;
  currency: 'RUB';
  vat_mode: Quote['vatMode'];
  vat_rate: string;
  valid_until: string;
}

export function quoteJson(q: Quote): QuoteJson {
  return {
    lines: q.lines.map((l) => ({
      title: l.title,
      qty: quantityNumber(l.qty),
      unit: l.unit,
      unit_price: formatRublesDecimal(l.unitPrice),
      amount: formatRublesDecimal(l.amount),
    })),
    subtotal: formatRublesDecimal(q.subtotal),
    discount: formatRublesDecimal(q.discount),
    vat: formatRublesDecimal(q.vat),
    total: formatRublesDecimal(q.total),
    currency: q.currency,
    vat_mode: q.vatMode,
    vat_rate: String(q.vatRate / 100),
    valid_until: isoInZone(q.validUntil, q.timeZone),
  };
}

const width = (s: string) => [...s].length;
const padEnd = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - width(s)));
const padStart = (s: string, n: number) => ' '.repeat(Math.max(0, n - width(s))) + s;

/** The quote as the owner reads it in a terminal (or a monospace message): a table, then the totals. */
export function quoteText(q: Quote, locale: Locale = 'ru'): string {
  const texts = textsFor(locale).documents;
  const t = texts.quote;
  const rows = q.lines.map((l, i) => [
    String(i + 1),
    l.title,
    `${formatQuantity(l.qty)} ${l.unit}`,
    formatRubles(l.unitPrice),
    formatRubles(l.amount),
  ]);
  const header = [t.columns.n, t.columns.title, t.columns.qty, t.columns.price, t.columns.amount];
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i]!))));
  const right = new Set([0, 2, 3, 4]);
  const render = (r: string[]) =>
    r
      .map((cell, i) => (right.has(i) ? padStart(cell, widths[i]!) : padEnd(cell, widths[i]!)))
      .join('  ')
      .trimEnd();
  const rate = texts.percent(q.vatRate / 100);
  const totals: [string, string][] = [[t.subtotal, formatRubles(q.subtotal, { withSign: true })]];
  if (q.discount > 0) {
    const limited = q.discountLimitedBy ? ` — ${t.discountLimited[q.discountLimitedBy]}` : '';
    totals.push([`${t.discount(q.discountTitles)}${limited}`, formatRubles(-q.discount, { withSign: true })]);
  }
  if (q.vatMode === 'added') totals.push([t.vatAdded(rate), formatRubles(q.vat, { withSign: true })]);
  totals.push([t.total, formatRubles(q.total, { withSign: true })]);
  if (q.vatMode === 'included') totals.push([t.vatIncluded(rate), formatRubles(q.vat, { withSign: true })]);
  if (q.vatMode === 'none') totals.push([t.noVat, '']);
  const labelWidth = Math.max(...totals.map(([label]) => width(label)));
  const until = localDate(q.validUntil, q.timeZone);
  const time = isoInZone(q.validUntil, q.timeZone).slice(11, 16);
  return [
    render(header),
    ...rows.map(render),
    '',
    ...totals.map(([label, value]) => (value ? `${padEnd(`${label}:`, labelWidth + 1)}  ${value}` : label)),
    '',
    t.validUntil(formatDateShort(until), time, q.timeZone),
    '',
  ].join('\n');
}
