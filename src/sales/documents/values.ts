import { formatRubles } from '../money.js';
import type { Quote } from '../pricing/calculate.js';
import { type DocumentTexts, textsFor } from '../../texts/index.js';
import { formatDateLong, formatDateShort, type LocalDate, localDate } from '../time.js';
import { amountInWords } from './amount-in-words.js';
import type { Buyer, Seller } from './requisites.js';
import type { TemplateValues } from './template.js';

/** What a document is about, besides the quote: who, when, which number. */
export interface DocumentFacts {
  number: string;
  date: LocalDate;
  seller: Seller;
  buyer: Buyer;
  lead?: { id?: string | undefined; listing?: string | undefined } | undefined;
  /** The contract an invoice is issued under. */
  contract?: { number: string; date: LocalDate } | undefined;
  /** `documents.terms` of the configuration, overridden by the document's own. */
  terms: Readonly<Record<string, string>>;
}

const join = (parts: (string | undefined)[], separator = ', ') =>
  parts.filter((p): p is string => Boolean(p && p.trim())).join(separator);

const PERSON = /^([А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?) ([А-ЯЁ])[а-яё]+(?: ([А-ЯЁ])[а-яё]+)?$/;

/** «Смирнова Анна Сергеевна» → «Смирнова А. С.» for a signature; other names as they are. */
export function signatureName(name: string): string {
  const m = PERSON.exec(name.trim());
  if (!m) return name.trim();
  return `${m[1]} ${m[2]}.${m[3] ? ` ${m[3]}.` : ''}`;
}

/** The VAT sentence: «В том числе НДС 22%: 11 256,39 ₽» or «Без НДС». */
export function vatLine(quote: Quote, texts: DocumentTexts = textsFor('ru').documents): string {
  if (quote.vatMode === 'none') return texts.quote.noVat;
  return `${texts.quote.vatIncluded(texts.percent(quote.vatRate / 100))}: ${formatRubles(quote.vat, { withSign: true })}`;
}

/** Every placeholder's value for one document (see `PLACEHOLDERS` in template.ts). */
export function documentValues(
  facts: DocumentFacts,
  quote: Quote,
  texts: DocumentTexts = textsFor('ru').documents,
): TemplateValues {
  const t = texts.document;
  const { seller, buyer } = facts;
  const ogrnLabel = seller.ogrn ? t.ogrn(seller.ogrn.length) : undefined;
  const validUntil = localDate(quote.validUntil, quote.timeZone);
  const values: Record<string, string | undefined> = {
    number: facts.number,
    date: formatDateLong(facts.date),
    date_short: formatDateShort(facts.date),
    year: String(facts.date.year),
    valid_until: formatDateLong(validUntil),
    valid_until_short: formatDateShort(validUntil),
    'seller.name': seller.name,
    'seller.inn': seller.inn,
    'seller.kpp': seller.kpp,
    'seller.ogrn': seller.ogrn,
    'seller.ogrn_label': ogrnLabel,
    'seller.address': seller.address,
    'seller.phone': seller.phone,
    'seller.email': seller.email,
    'seller.website': seller.website,
    'seller.bank.name': seller.bank?.name,
    'seller.bank.bik': seller.bank?.bik,
    'seller.bank.corr_account': seller.bank?.corr_account,
    'seller.bank.account': seller.bank?.account,
    'seller.signatory.name': seller.signatory?.name,
    'seller.signatory.position': seller.signatory?.position,
    'seller.signatory.acting': seller.signatory?.acting,
    'seller.accountant': seller.accountant,
    'seller.summary': seller.name
      ? join([
          seller.name,
          seller.inn && t.inn(seller.inn),
          seller.kpp && t.kpp(seller.kpp),
          seller.address,
          seller.phone && t.phoneInline(seller.phone),
        ])
      : undefined,
    'seller.party': seller.name ? join([seller.name, seller.signatory?.acting]) : undefined,
    'buyer.name': buyer.name,
    'buyer.inn': buyer.inn,
    'buyer.kpp': buyer.kpp,
    'buyer.address': buyer.address,
    'buyer.phone': buyer.phone,
    'buyer.email': buyer.email,
    'buyer.acting': buyer.acting,
    'buyer.summary': join([
      buyer.name,
      buyer.inn && t.inn(buyer.inn),
      buyer.kpp && t.kpp(buyer.kpp),
      buyer.address,
      buyer.phone && t.phoneInline(buyer.phone),
    ]),
    'buyer.party': join([buyer.name, buyer.acting]),
    'lead.id': facts.lead?.id,
    'lead.listing': facts.lead?.listing,
    'contract.number': facts.contract?.number,
    'contract.date': facts.contract ? formatDateLong(facts.contract.date) : undefined,
    subtotal: formatRubles(quote.subtotal),
    discount: formatRubles(quote.discount),
    vat: formatRubles(quote.vat),
    vat_line: vatLine(quote, texts),
    total: formatRubles(quote.total),
    total_words: amountInWords(quote.total),
    items_count: String(quote.lines.length),
  };
  for (const [key, value] of Object.entries(facts.terms)) values[`terms.${key}`] = value;
  return values;
}
