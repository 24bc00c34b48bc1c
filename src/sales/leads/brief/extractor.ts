import { z } from 'zod';
import type { LocalDate } from '../../../lib/zoned-time.js';
import type { Brief } from '../../../models/records.js';
import type { BriefField } from './fields.js';
import type { BriefValue } from './values.js';

/**
 * The port that reads a brief out of a buyer's burst of messages: rules without a model
 * (`rules.ts`), structured output of the configured model providers with the rules as fallback (`model.ts`). Whatever an
 * extractor returns is checked again by the caller (`merge.ts`): a value must be of its field's type and
 * stand in the words it quotes from the message it names, so nothing the buyer did not say gets in.
 */

export interface BuyerMessage {
  id: string;
  text: string;
  at: Date;
}

export interface BriefExtractionInput {
  fields: readonly BriefField[];
  /** The burst, oldest first. */
  messages: readonly BuyerMessage[];
  /** What the brief holds now (owner's edits included), for context. */
  current: Brief;
  /** The seller's today, in the seller's time zone: relative dates («через неделю») count from it. */
  today: LocalDate;
}

/** One value read from one message, with the buyer's words it stands in. */
export interface ExtractedValue {
  field: string;
  value: BriefValue;
  messageId: string;
  /** The buyer's words, verbatim from the message. */
  quote: string;
}

export const extractedValueSchema = z.strictObject({
  field: z.string().min(1).max(40),
  value: z.union([z.string().min(1).max(500), z.number().finite().nonnegative()]),
  messageId: z.string().min(1).max(200),
  quote: z.string().min(1).max(500),
});

export interface BriefExtractor {
  /** `rules` or `model`, for logs and the audit. */
  readonly kind: string;
  /** Values found in the messages; nothing for a field the buyer did not speak of. Never throws for bad input. */
  extract(input: BriefExtractionInput): Promise<ExtractedValue[]>;
}
