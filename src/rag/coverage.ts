import type { ListingFacts } from '../models/records.js';
import { type ListingField, readListingDocument } from './listing-document.js';
import { isNoAnswer } from './prompt.js';
import { contentStems, contentTokens, type Token } from './text/tokens.js';

/** A retrieved passage; `listingDocument` marks the item document made from the listing's own facts. */
export interface Passage {
  text: string;
  listingDocument: boolean;
}

export interface AnswerCheck {
  /** The buyer's unanswered messages. */
  questions: readonly string[];
  /** The stage's text (a model's reply or a quote). */
  answer: string;
  /** The passages the answer rests on: those its grounding cites, else all the stage retrieved. */
  evidence: readonly Passage[];
  /** Everything the stage retrieved (a listing document among them names the item). */
  retrieved: readonly Passage[];
  listing: ListingFacts | null;
}

/**
 * Why a stage's text is no answer:
 * - `no_answer`: the model said so (empty text or the no-answer marker);
 * - `restates_listing`: it rests only on the listing's own facts (its item document, the listing
 *   description) and the question asks about something else, or about a field it does not restate;
 * - `off_topic`: none of a question's key terms appears in the answer or in the passages it rests on.
 */
export type Unanswered = 'no_answer' | 'restates_listing' | 'off_topic';

/** Words that make a question without saying what it is about. */
const QUESTION_WORDS = new Set(
  (
    'сколько почему зачем куда откуда чего кого кому насколько каков какова каково каковы скажите скажи ' +
    'подскажи интересует интересуют интересно узнать уточнить вопрос хотелось будет будут нужно нужен ' +
    'нужна нужны могу может можете возможно вообще просто ок much many does did'
  ).split(' '),
);

type Field = ListingField | 'description';

/** The questions a field of the listing answers, by word (lower case, `ё` folded). */
const ASKS_ABOUT: Record<Field, RegExp | null> = {
  title: /^(модел\p{L}*|назван\p{L}*|марк[аиуеой]|model|name|brand)$/u,
  price: /^(цен\p{L}*|стои\p{L}*|стоя\p{L}*|почем|прайс\p{L}*|price\p{L}*|cost\p{L}*)$/u,
  url: /^(ссылк\p{L}*|линк\p{L}*|link\p{L}*|url)$/u,
  category: /^(категори\p{L}*|раздел\p{L}*|category)$/u,
  status:
    /^(продает\p{L}*|продаете|продан\p{L}*|продаж\p{L}*|актуальн\p{L}*|налич\p{L}*|снят\p{L}*|available|sold)$/u,
  address:
    /^(адрес\p{L}*|наход\p{L}*|располож\p{L}*|посмотр\p{L}*|смотр\p{L}*|осмотр\p{L}*|забра\p{L}*|забер\p{L}*|самовывоз\p{L}*|район\p{L}*|метро|address\p{L}*|where|location|pickup)$/u,
  description: null,
};

/**
 * Stems match when equal or when one extends the other: the stemmer leaves some forms of one word
 * apart ("раскладной" / "раскладывается", "гарантия" / "гарантийный").
 */
function sameStem(a: string, b: string): boolean {
  if (a === b) return true;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short.length >= 4 && long.startsWith(short)) return true;
  let common = 0;
  while (common < short.length && a[common] === b[common]) common++;
  return common >= 6;
}

const hasStem = (stems: readonly string[], stem: string) => stems.some((s) => sameStem(s, stem));

/** "54 900 ₽" and "54900 ₽" are one number. */
const joinDigitGroups = (text: string) => text.replace(/(\d)[\s\u00a0\u202f](?=\d{3}(?!\d))/g, '$1');

const stemsOf = (text: string) => contentStems(joinDigitGroups(text));

/** A field's value is restated when the answer has all its numbers and at least half its words. */
function restates(answerStems: readonly string[], value: string): boolean {
  const stems = stemsOf(value);
  if (stems.length === 0) return false;
  const found = stems.filter((s) => answerStems.includes(s));
  return stems.every((s) => !/\d/.test(s) || answerStems.includes(s)) && found.length * 2 >= stems.length;
}

/** The listing's own facts: the labelled fields of its item document(s) and the facts the prompt gives. */
function listingFields(listing: ListingFacts | null, documents: readonly Passage[]): Array<[Field, string]> {
  const fields: Array<[Field, string]> = [];
  for (const doc of documents) {
    for (const [field, value] of Object.entries(readListingDocument(doc.text))) {
      fields.push([field as ListingField, value]);
    }
  }
  if (listing?.title.trim()) fields.push(['title', listing.title]);
  if (listing?.price?.trim()) fields.push(['price', listing.price]);
  if (listing?.url?.trim()) fields.push(['url', listing.url]);
  if (listing?.description?.trim()) fields.push(['description', listing.description]);
  return fields;
}

/**
 * A question's key terms: its content words minus question words and the words naming the listing
 * ("гарантия на ноутбук" asks about the warranty; "ноутбук" only says which item).
 */
function keyTerms(question: string, naming: readonly string[]): Token[] {
  return contentTokens(question).filter((t) => !QUESTION_WORDS.has(t.word) && !hasStem(naming, t.stem));
}

/**
 * Decides whether a stage's text answers the buyer's messages, so the search may stop there; returns
 * why not, or null when it does. It must address at least one of them: the others may be chatter
 * («Хорошо», «Жду») or questions a later answer covers. A message left without key terms ("А он
 * какой?") cannot be judged and counts as answered. Lexical on purpose: deterministic and cheap.
 */
export function whyUnanswered(check: AnswerCheck): Unanswered | null {
  if (isNoAnswer(check.answer)) return 'no_answer';
  const listingDocs = check.retrieved.filter((p) => p.listingDocument);
  const fields = listingFields(check.listing, listingDocs);
  const naming = fields
    .filter(([field]) => field === 'title' || field === 'category')
    .flatMap(([, value]) => stemsOf(value));
  const asked = check.questions.map((q) => keyTerms(q, naming)).filter((terms) => terms.length > 0);
  if (asked.length === 0) return null;
  const answerStems = stemsOf(check.answer);

  if (check.evidence.length > 0 && check.evidence.every((p) => p.listingDocument)) {
    // Only the listing's facts behind the answer: every key term of a message must be one of them, said
    // in the answer.
    const factStems = [...check.evidence.map((p) => p.text), ...fields.map(([, v]) => v)].flatMap(stemsOf);
    const covered = (t: Token) =>
      (hasStem(factStems, t.stem) && hasStem(answerStems, t.stem)) ||
      fields.some(([field, value]) => ASKS_ABOUT[field]?.test(t.word) && restates(answerStems, value));
    return asked.some((terms) => terms.every(covered)) ? null : 'restates_listing';
  }

  const said = [...answerStems, ...check.evidence.flatMap((p) => stemsOf(p.text))];
  return asked.some((terms) => terms.some((t) => hasStem(said, t.stem))) ? null : 'off_topic';
}
