import { type Locale, textsFor } from '../texts/index.js';
import { LISTING_FIELDS, type ListingField } from './listing-document.js';

const LABELS = new Map<string, ListingField>(
  Object.entries(LISTING_FIELDS).map(([field, label]) => [label.toLowerCase(), field as ListingField]),
);

/** A labelled line of a listing's item document as a sentence: «Цена: 32 900 ₽» → «Цена — 32 900 ₽.» */
function fieldSentence(text: string): string | null {
  const m = /^([^:]{2,40}):\s*(.+)$/u.exec(text);
  const field = m ? LABELS.get(m[1]!.trim().toLowerCase()) : undefined;
  if (!m || !field) return null;
  const value = m[2]!.trim();
  switch (field) {
    case 'status':
      return `Объявление ${value}`;
    case 'url':
      return `Ссылка на объявление: ${value}`;
    case 'title':
      return value;
    default:
      return `${m[1]!.trim()} — ${value}`;
  }
}

/** One quoted sentence as a reply sentence: no list markers or emphasis, a capital, a full stop. */
function asSentence(raw: string): string {
  let text = fieldSentence(raw.trim()) ?? raw.trim();
  text = text
    .replace(/\*\*|__|`/g, '')
    .replace(/\s+/g, ' ')
    .replace(/[\s,;:—–-]+$/u, '')
    .trim();
  if (!/[.!?…»")]$/u.test(text)) text += '.';
  // "iPhone", "eBay": a brand's own spelling stays.
  return /^\p{Ll}\p{Lu}/u.test(text) ? text : text.charAt(0).toUpperCase() + text.slice(1);
}

export interface ReplyOptions {
  locale?: Locale;
  /** Start with a greeting: the first reply in a chat. */
  greet: boolean;
}

/**
 * A reply a seller could send, made of the document's own sentences that answer the question: each
 * cleaned of Markdown and list markers, a listing's labelled field turned into a sentence, greeted when
 * it is the first reply in the chat. The words stay the document's, so every fact in the reply is one the
 * sources state; which document they come from is shown to the owner on the card, not to the buyer.
 */
export function composeReply(sentences: readonly string[], options: ReplyOptions): string {
  const body = sentences.map(asSentence).filter((s) => s.length > 1);
  return [...(options.greet ? [textsFor(options.locale).buyer.hello] : []), ...body].join(' ');
}
