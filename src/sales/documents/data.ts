import { z } from 'zod';
import { type DiscountRequest, QuoteError, type QuoteRequest } from '../pricing/calculate.js';
import { parseDiscount } from '../pricing/request.js';
import { idSchema } from '../pricing/schema.js';
import { parseQuantity } from '../quantity.js';
import { type LocalDate, parseLocalDate } from '../time.js';
import { buyerSchema } from './requisites.js';

/**
 * The data of one document (`npm run documents -- render … --data FILE.json`; see docs/sales.md):
 * the lead, the buyer, the order to price, and optionally the date, the contract and terms.
 */

const localDateSchema = z.string().transform((v, ctx): LocalDate => {
  const date = parseLocalDate(v);
  if (!date) {
    ctx.addIssue({ code: 'custom', message: 'expected a date like 2026-12-06' });
    return z.NEVER;
  }
  return date;
});

const optionValue = z
  .union([z.string(), z.number(), z.boolean()], { error: 'expected text, a number or true/false' })
  .transform((v) => (typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v)));

const quantitySchema = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const parsed = parseQuantity(v);
  if (!parsed.ok) {
    ctx.addIssue({ code: 'custom', message: parsed.error });
    return z.NEVER;
  }
  return parsed.milli;
});

const discountSchema = z.string().transform((v, ctx): DiscountRequest => {
  try {
    return parseDiscount(v);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: err instanceof QuoteError ? err.message : String(err) });
    return z.NEVER;
  }
});

export const documentDataSchema = z.strictObject({
  lead: z
    .strictObject({
      id: z.string().trim().min(1).max(100).optional(),
      /** The listing the buyer wrote about. */
      listing: z.string().trim().min(1).max(300).optional(),
    })
    .optional(),
  buyer: buyerSchema,
  quote: z.strictObject({
    items: z
      .array(
        z.strictObject({
          product: idSchema,
          qty: quantitySchema.optional(),
          options: z.record(z.string(), optionValue).default({}),
        }),
      )
      .min(1, { error: 'expected at least one item' })
      .max(1000, { error: 'expected at most 1000 items' }),
    coefficients: z.record(z.string(), z.string()).default({}),
    /** Rule ids, percentages ("5%") or amounts ("1500"). */
    discounts: z.array(discountSchema).default([]),
  }),
  /** The document's date (the seller's calendar); today when left out. */
  date: localDateSchema.optional(),
  /** The contract an invoice is issued under. */
  contract: z.strictObject({ number: z.string().trim().min(1).max(50), date: localDateSchema }).optional(),
  /** Overrides of the configuration's `documents.terms` for this document. */
  terms: z
    .record(
      z.string().regex(/^[a-z0-9_]{1,64}$/),
      z.union([z.string(), z.number()]).transform((v) => String(v).trim()),
    )
    .default({}),
});
export type DocumentData = z.output<typeof documentDataSchema>;

/** The order of a document's data, as the calculator takes it. */
export function orderOf(data: DocumentData): QuoteRequest {
  return {
    items: data.quote.items.map((i) => ({ product: i.product, qty: i.qty, options: i.options })),
    coefficients: data.quote.coefficients,
    discounts: data.quote.discounts,
  };
}
