/**
 * The sales core: the price list and its calculator, the documents (offer, contract, invoice) made
 * from it, and the leads with their brief (`./leads/`, `createLeads`). Pure functions with explicit inputs; the store is reached only through the sequences port
 * (document numbers). Entry points: `npm run quote` and `npm run documents` (scripts/), later the bot.
 *
 * ```ts
 * const sales = await loadSalesConfig(config.sales.configPath);
 * const quote = calculateQuote(sales.priceList, orderFromWords(sales.priceList, ['sofa-milan', 'qty=2']), {
 *   now: new Date(),
 *   timeZone: sales.timeZone,
 * });
 * const invoice = await issueDocument({ kind: 'invoice', config: sales, order: { quote }, buyer, now: new Date(),
 *   numbering: { sequences: store.sequences }, maxBytes: config.sales.maxPdfBytes });
 * ```
 */
export { loadSalesConfig, parseSalesConfig, type SalesConfig, SalesConfigError } from './config.js';
export {
  calculateQuote,
  type DiscountRequest,
  type Quote,
  QuoteError,
  type QuoteItemRequest,
  type QuoteLine,
  type QuoteRequest,
} from './pricing/calculate.js';
export { type QuoteJson, quoteJson, quoteText } from './pricing/format.js';
export { orderFromWords, parseDiscount } from './pricing/request.js';
export type { PriceList, Product } from './pricing/schema.js';
export { amountInWords } from './documents/amount-in-words.js';
export { type DocumentData, documentDataSchema, orderOf } from './documents/data.js';
export { type IssuedDocument, type IssueRequest, issueDocument } from './documents/issue.js';
export { MissingRequisitesError, PdfTooLargeError } from './documents/errors.js';
export type { Buyer, Seller } from './documents/requisites.js';
export { DOCUMENT_KINDS, type DocumentKind } from './documents/template.js';
export { DEFAULT_TEMPLATES } from './documents/templates/index.js';
export { formatRubles, formatRublesDecimal, type Kopecks, parseRubles } from './money.js';
export {
  createModelBriefExtractor,
  createLeads,
  createRuleBriefExtractor,
  type LeadEvent,
  type LeadListener,
  type Leads,
  type LeadsDeps,
} from './leads/index.js';
