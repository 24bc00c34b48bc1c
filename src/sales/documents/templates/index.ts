import type { DocumentKind } from '../template.js';
import { CONTRACT_TEMPLATE } from './contract.js';
import { INVOICE_TEMPLATE } from './invoice.js';
import { OFFER_TEMPLATE } from './offer.js';

/**
 * The templates used when the configuration names none. `npm run documents -- template <kind>` prints
 * one to start a seller's own copy from.
 */
export const DEFAULT_TEMPLATES: Record<DocumentKind, string> = {
  offer: OFFER_TEMPLATE,
  contract: CONTRACT_TEMPLATE,
  invoice: INVOICE_TEMPLATE,
};
