import type { BriefExtractor } from './leads/brief/extractor.js';
import type { BuyerBurst } from './leads/buyer.js';
import { createLeads, type Leads, type LeadsDeps } from './leads/index.js';
import type { SalesConfig } from './config.js';
import type { Locale } from '../texts/index.js';
import { type ComputedQuote, quoteForQuestion } from './pricing/price-question.js';

/**
 * The sales core as the responder meets it (its `LeadSink` and `PriceQuotes` ports, wired in service.ts):
 * each buyer message starts or continues a lead and leaves its contacts; each burst fills the brief; a price
 * question about a configured product gets the calculator's quote.
 */

/** Reads no brief: a single message only makes the lead and picks up contacts; the burst reads the brief once. */
const NO_BRIEF: BriefExtractor = { kind: 'none', extract: async () => [] };

export interface ConversationLeads {
  buyerMessage(input: BuyerBurst): Promise<void>;
  buyerBurst(input: BuyerBurst): Promise<void>;
}

/** `leads` are the full lead use cases (with the brief extractor); messages use the same store and listeners. */
export function createConversationLeads(
  deps: LeadsDeps,
  leads: Leads = createLeads(deps),
): ConversationLeads {
  const contactsOnly = createLeads({ ...deps, extractor: NO_BRIEF });
  return {
    buyerMessage: async (input) => void (await contactsOnly.onBuyerBurst(input)),
    buyerBurst: async (input) => void (await leads.onBuyerBurst(input)),
  };
}

/** The calculator answering price questions, priced now with the product's defaults. */
export function createPriceQuotes(
  sales: Pick<SalesConfig, 'priceList' | 'timeZone'>,
  locale: Locale,
  now: () => Date = () => new Date(),
) {
  return {
    quoteFor: async (input: {
      questions: readonly string[];
      listing: { itemId: string | null; title: string | null } | null;
    }): Promise<ComputedQuote | null> =>
      quoteForQuestion(sales.priceList, input, { now: now(), timeZone: sales.timeZone, locale }),
  };
}
