import type { SequenceRepository } from '../../store/port.js';
import type { SalesConfig } from '../config.js';
import { calculateQuote, type Quote, type QuoteRequest } from '../pricing/calculate.js';
import { type Locale, textsFor } from '../../texts/index.js';
import { type LocalDate, localDate } from '../time.js';
import { formatDocumentNumber, nextDocumentNumber } from './numbering.js';
import { MissingRequisitesError } from './errors.js';
import type { Buyer } from './requisites.js';
import { type DocumentKind, missingValues } from './template.js';
import { type DocumentFacts, documentValues } from './values.js';

export interface IssueRequest {
  kind: DocumentKind;
  config: SalesConfig;
  /** The order to price now, or a quote computed before (an invoice for the offer the buyer accepted). */
  order: QuoteRequest | { quote: Quote };
  buyer: Buyer;
  lead?: DocumentFacts['lead'];
  contract?: DocumentFacts['contract'];
  /** Overrides of the configuration's terms. */
  terms?: Readonly<Record<string, string>> | undefined;
  /** The document's date; today in the seller's time zone when left out. */
  date?: LocalDate | undefined;
  now: Date;
  /** A number given by the caller, or the store's counters to take the next one from. */
  numbering: { number: string } | { sequences: SequenceRepository };
  /** MAX_PDF_SIZE_MB in bytes. */
  maxBytes: number;
  /** The language of the title, headings, requisites and calculated lines (BOT_LOCALE). Default ru. */
  locale?: Locale | undefined;
}

export interface IssuedDocument {
  kind: DocumentKind;
  number: string;
  /** «Счёт на оплату № СЧ-2026-0001». */
  title: string;
  date: LocalDate;
  quote: Quote;
  pdf: Uint8Array;
  pages: number;
}

/**
 * Prices the order, fills the template and renders the PDF. With store counters, a number is taken
 * only once the document has rendered within the size limit with a stand-in number (same layout, same
 * size give or take the digits): a document that cannot be produced never burns a number, so the
 * numbering has no gaps.
 */
export async function issueDocument(req: IssueRequest): Promise<IssuedDocument> {
  const { config, kind } = req;
  const locale = req.locale ?? 'ru';
  const texts = textsFor(locale).documents;
  const quote =
    'quote' in req.order
      ? req.order.quote
      : calculateQuote(config.priceList, req.order, { now: req.now, timeZone: config.timeZone, locale });
  const date = req.date ?? localDate(req.now, config.timeZone);
  const template = config.documents.templates[kind];
  const prefix = config.documents.prefixes[kind];
  const render = async (number: string) => {
    const facts: DocumentFacts = {
      number,
      date,
      seller: config.seller,
      buyer: req.buyer,
      lead: req.lead,
      contract: req.contract,
      terms: { ...config.documents.terms, ...req.terms },
    };
    const values = documentValues(facts, quote, texts);
    const missing = missingValues(template, values);
    if (missing.length > 0) throw new MissingRequisitesError(kind, template.origin, missing);
    const title = texts.document.numbered(texts.document.titles[kind], number);
    // pdfkit and its fonts load with the first document, not with the service.
    const { renderPdf } = await import('./render.js');
    const out = await renderPdf(
      {
        kind,
        template,
        values,
        quote,
        seller: config.seller,
        buyer: req.buyer,
        title,
        createdAt: req.now,
        locale,
      },
      { maxBytes: req.maxBytes },
    );
    return { title, ...out };
  };
  let number: string;
  if ('number' in req.numbering) number = req.numbering.number;
  else {
    await render(formatDocumentNumber(prefix, date.year, 9999));
    number = await nextDocumentNumber(req.numbering.sequences, kind, prefix, date.year);
  }
  const { title, pdf, pages } = await render(number);
  return { kind, number, title, date, quote, pdf, pages };
}
