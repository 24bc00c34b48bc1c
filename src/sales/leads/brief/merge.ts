import type { LocalDate } from '../../../lib/zoned-time.js';
import type { Brief } from '../../../models/records.js';
import { type BuyerMessage, extractedValueSchema } from './extractor.js';
import type { BriefField } from './fields.js';
import { groundedInMessage } from './grounding.js';
import { checkBriefValue } from './values.js';

/** Why an extracted value was not taken. */
export type RejectedBecause =
  | 'malformed'
  | 'unknown_field'
  | 'unknown_message'
  | 'wrong_type'
  /** The quote is not in the message, or the value is not in the quote: invented. */
  | 'not_grounded';

export interface MergedBrief {
  brief: Brief;
  /** Field ids whose value changed. */
  changed: string[];
  rejected: Array<{ field: string | null; because: RejectedBecause }>;
}

/**
 * Folds what an extractor returned into the brief. Each value is checked (shape, field, message, type,
 * grounding) and the rest is refused; an owner's value (edited or cleared) is never replaced; a later
 * message's value replaces an earlier one of the buyer's («лучше 3 штуки»).
 */
export function mergeExtracted(input: {
  current: Brief;
  extracted: readonly unknown[];
  fields: readonly BriefField[];
  messages: readonly BuyerMessage[];
  today: LocalDate;
  now: Date;
}): MergedBrief {
  const brief: Brief = { ...input.current };
  const changed = new Set<string>();
  const rejected: MergedBrief['rejected'] = [];
  const order = new Map(input.messages.map((m, i) => [m.id, i]));
  const rank = (p: ReturnType<typeof extractedValueSchema.safeParse>) =>
    p.success ? (order.get(p.data.messageId) ?? -1) : -1;
  // Oldest message first, so a later message's value is the one that stays.
  const candidates = input.extracted
    .map((raw) => extractedValueSchema.safeParse(raw))
    .sort((a, b) => rank(a) - rank(b));
  for (const parsed of candidates) {
    if (!parsed.success) {
      rejected.push({ field: null, because: 'malformed' });
      continue;
    }
    const x = parsed.data;
    const field = input.fields.find((f) => f.id === x.field);
    if (!field) {
      rejected.push({ field: x.field, because: 'unknown_field' });
      continue;
    }
    const message = input.messages.find((m) => m.id === x.messageId);
    if (!message) {
      rejected.push({ field: x.field, because: 'unknown_message' });
      continue;
    }
    const value = checkBriefValue(field, x.value);
    if (!value.ok) {
      rejected.push({ field: x.field, because: 'wrong_type' });
      continue;
    }
    if (!groundedInMessage(field, value.value, x.quote, message.text, input.today)) {
      rejected.push({ field: x.field, because: 'not_grounded' });
      continue;
    }
    const existing = brief[field.id];
    if (existing?.source.kind === 'owner' || existing?.value === value.value) continue;
    brief[field.id] = {
      value: value.value,
      source: { kind: 'message', messageId: message.id },
      quote: x.quote.trim(),
      at: input.now,
    };
    changed.add(field.id);
  }
  return { brief, changed: [...changed], rejected };
}
