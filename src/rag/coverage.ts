import type { ListingFacts } from '../models/records.js';
import { type ListingField, readListingDocument } from './listing-document.js';
import { isNoAnswer } from './prompt.js';
import { CHATTER_WORDS, conceptsOf, isWeak, QUESTION_WORDS, SHORT_FORMS } from './text/lexicon.js';
import {
  contrasts,
  type Evidence,
  clippingOf,
  compoundTail,
  isCompoundOf,
  namesOtherPlace,
  evidenceOf,
  findTerm,
  type MatchKind,
  sameStem,
  soundAlike,
} from './text/match.js';
import { type Sentence, splitSentences } from './text/sentences.js';
import { contentStems, contentTokens, stem, type Token, tokenize } from './text/tokens.js';

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
 * - `off_topic`: the answer and the passages it rests on leave out a key term of every question (a shared
 *   word is not enough: "Стулья к столу продаёте?" is not answered by a passage about tables).
 */
export type Unanswered = 'no_answer' | 'restates_listing' | 'off_topic';

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

/** One thing a buyer asks: a sentence of a message, with its key terms. */
export interface Ask {
  /** The sentence as the buyer wrote it (short forms spelt out). */
  text: string;
  terms: KeyTerm[];
  /** It ends with a question mark: left unanswered, it is worth telling the owner. */
  question: boolean;
  /**
   * It asks for another item like the listing ("Есть такой же, но на 50 литров?"): what the listing's own
   * documents say of it does not answer.
   */
  another?: boolean;
}

/** "такой же", "такие же": another item like this one. */
const ANOTHER_LIKE = /(?<![\p{L}])так(?:ой|ая|ое|ие|ую|ого|их)\s+же(?![\p{L}])/iu;

/**
 * A word a passage must contain (in some form) to answer the question. `weak` words frame the question
 * ("… в комплекте идёт?", "… можно поставить?"): with other terms present they may be missing. Terms
 * with the same `either` are alternatives the buyer offers ("дисковые или ободные?"): one is enough.
 * `condition` terms say when ("если не подойдёт по размеру, …"): the answer need only meet one of them.
 */
export interface KeyTerm {
  token: Token;
  weak: boolean;
  either?: number;
  condition?: boolean;
  /** A word naming the listing: never required, but a sentence that says it is the likelier answer. */
  naming?: boolean;
  /** For a number, the word after it ("5 этаж"): «150 ₽ за этаж» answers it for any number. */
  unit?: Token;
  /** A span of time asked for ("рассрочка на год"): only the same span answers, not any duration. */
  span?: boolean;
}

/** "на год", "за неделю", "через месяц": one span of time, as specific as a number with its unit. */
const SPAN_BEFORE = new Set(['на', 'за', 'через']);
const SPAN_UNIT = /^(?:год|года|полгода|месяц|месяца|неделю|недели|сутки|день|квартал)$/u;

/** A question of what to do, whose subject is its condition: "если сломается, что делать?". */
const WHAT_TO_DO = /^(?:делать|сделать|поступить|действовать|do)$/u;

/** A word with an adjective's full ending ("бонусная", "цельный"): a guess good enough to tell it from a noun. */
const isAdjective = (word: string) =>
  word.length > 4 && /(?:ый|ий|ой|ая|яя|ое|ее|ые|ие|ого|его|ую|юю|ых|их)$/u.test(word);

/** "Какой?", "сколько?": asks what something is, or how much of it. */
const ASKS_WHICH =
  /^(?:как(?:ой|ая|ое|ие|ого|ую|ом|их|ова|ово|овы|ов)|сколько|скольки|скока|скоко|скок|what|which)$/u;

/** A verb asking the seller to do something: "доставите", "привезёте", "отправляете". */
const ASKS_SELLER = /^\p{L}{3,}(?:ете|ёте|ите)$/u;

/** Words that open a condition: "если …", "в случае …", "вдруг …". */
const CONDITION_WORDS = new Set(['если', 'вдруг', 'случае', 'if', 'when', 'unless']);

const GREETING =
  /(?:^|[\s,.!])(?:здравствуй(?:те)?|добр(?:ый|ого|ое)\s+(?:день|дня|вечер|вечера|утро|утра|времени\s+суток)|доброго\s+времени\s+суток)(?=$|[\s,.!])/giu;

const spellOut = (text: string) => SHORT_FORMS.reduce((t, [re, full]) => t.replace(re, full), text);

/**
 * The buyer's messages as separate asks with their key terms: content words minus question words,
 * chatter and the words naming the listing ("гарантия на ноутбук" asks about the warranty; "ноутбук"
 * only says which item). Greetings and messages of chatter only ("Хорошо, жду") ask nothing. In
 * "X или Y", the last term before «или» and every term after it are alternatives; the words of an
 * "если …" clause are its condition.
 */
export function askedIn(questions: readonly string[], naming: readonly string[]): Ask[] {
  const asks: Ask[] = [];
  const namingTokens = naming.flatMap((n) => tokenize(n));
  for (const message of questions) {
    const text = spellOut(message).replace(GREETING, ' ');
    let previous: Ask | null = null;
    for (const m of text.matchAll(/([^?!;\n]*?)(?:([?!;\n]+)|\.(?=\s|$)|$)/gu)) {
      const part = m[1] ?? '';
      if (!part.trim()) continue;
      const words = tokenize(part);
      const or = words.find((t) => t.word === 'или' || t.word === 'or');
      const named = contentTokens(part).filter(
        (t) => !QUESTION_WORDS.has(t.word) && !CHATTER_WORDS.has(t.word),
      );
      const terms: KeyTerm[] = named.map((token) => {
        const at = words.findIndex((w) => w.start === token.start);
        const next = words[at + 1];
        const unit = /^\d+$/.test(token.word) && next && !/^\d/.test(next.word) ? { unit: next } : {};
        const before = words[at - 1];
        const span =
          SPAN_UNIT.test(token.word) && before && SPAN_BEFORE.has(before.word) ? { span: true } : {};
        return isNaming(namingTokens, token)
          ? { token, weak: true, naming: true }
          : { token, weak: isWeak(token.word), ...unit, ...span };
      });
      if (terms.every((t) => t.naming)) {
        // "Тест какой?" of a rod titled «…, тест 5–20 г»: asking what a word of the title is, asks about it.
        if (terms.length === 0 || !words.some((w) => ASKS_WHICH.test(w.word))) continue;
        for (const t of terms) t.naming = t.weak = false;
      }
      // "Подключите машинку? Сколько стоит?": a bare price or time question asks about the one before.
      if (
        previous &&
        terms.every((t) => t.naming || conceptsOf(t.token.word).some((c) => ASPECTS.has(c.name)))
      ) {
        previous.terms.push(...terms.filter((t) => !t.naming));
        previous.text = `${previous.text}? ${part.trim()}`;
        previous.question ||= (m[2] ?? '').includes('?');
        continue;
      }
      if (or) {
        const before = terms.filter((t) => t.token.start < or.start && (!t.weak || t.naming)).pop();
        const after = terms.filter((t) => t.token.start > or.start);
        // "накопительная или бонусная карта": adjectives are the alternatives, the noun after them is asked of both.
        const shared =
          before && after.length > 1 && isAdjective(before.token.word) && isAdjective(after[0]!.token.word)
            ? after.slice(1).filter((t) => !isAdjective(t.token.word))
            : [];
        for (const t of terms)
          if ((t === before || t.token.start > or.start) && !shared.includes(t)) t.either = 0;
      }
      const cue = tokenize(part).find((t) => CONDITION_WORDS.has(t.word));
      if (cue) {
        // The condition runs to the next comma; without one, to the word that opens the question
        // ("если я сам разберу ноут гарантия сохранится?"), or to the end when it closes the sentence.
        const comma = part.indexOf(',', cue.end);
        const opener = words.find(
          (t, i) => t.start > cue.end && words[i - 1]!.start > cue.start && opensAsk(t),
        );
        const end = comma >= 0 ? comma : (opener?.start ?? part.length);
        for (const t of terms) if (t.token.start > cue.start && t.token.start < end) t.condition = true;
      }
      const asked = (m[2] ?? '').includes('?');
      const lastComma = part.lastIndexOf(',');
      if (!cue && asked && lastComma >= 0) {
        // "У меня тренажёр из другого магазина скрипит, чините такие?": the question is the last clause;
        // what comes before says what about, and one of its words is enough.
        // Only a told context: the buyer's own situation («у меня», «мы», «купил», «порвал»), not a
        // subject the last clause merely goes on about («Доставка в Казахстан, отправляете?»).
        const before = terms.filter((t) => t.token.start < lastComma && !t.naming);
        const after = terms.filter(
          (t) => t.token.start > lastComma && !t.naming && !t.weak && !onlySpecifies(t),
        );
        const told = words.some((t) => t.start < lastComma && TELLS.test(t.word));
        if (told && before.length > 0 && after.length > 0) for (const t of before) t.condition = true;
      }
      const firstComma = part.indexOf(',');
      if (!cue && firstComma >= 0) {
        // "какая мощность у него, проводка в доме старая": the question opens, what follows tells why; unless
        // it asks too ("…, доставите?", "…, а гарантия?").
        const opened = words.filter((t) => t.start < firstComma).some((t) => ASKS_WHICH.test(t.word));
        const rest = words.filter((t) => t.start > firstComma);
        const head = terms.filter((t) => t.token.start < firstComma && !t.naming && !t.weak);
        const asksToo = (t: Token) => ASKS_WHICH.test(t.word) || opensAsk(t) || ASKS_SELLER.test(t.word);
        if (opened && head.length > 0 && !rest.some(asksToo))
          for (const t of terms) if (t.token.start > firstComma) t.weak = true;
      }
      previous = {
        text: part.trim(),
        terms,
        question: asked,
        ...(ANOTHER_LIKE.test(part) ? { another: true } : {}),
      };
      asks.push(previous);
    }
  }
  return asks;
}

/**
 * Words that tell the buyer's situation: a person («у меня», «мы», «нам», «у соседей») or a past verb
 * («купил», «порвал», «повело»).
 */
const TELLS =
  /^(?:я|мы|мне|нам|меня|нас|мой|моя|моё|мое|мои|наш|наша|наше|наши|соседей|соседи|\p{L}{2,}(?:л|ла|ло|ли|лся|лась|лось|лись))$/u;

/** Words that open the question after an «если …» clause written without a comma. */
const OPENS_ASK = /^(?:можно|нужно|надо|что|как|куда|где|когда|сколько|кто|то|это)$/u;
/** What a condition is asked about: the warranty, a return or an exchange, a repair, the price. */
const ASKED_UNDER_CONDITION = new Set(['warranty', 'return', 'exchange', 'repair', 'price']);
const opensAsk = (t: Token) =>
  OPENS_ASK.test(t.word) || conceptsOf(t.word).some((c) => ASKED_UNDER_CONDITION.has(c.name));

/**
 * A last clause that only asks whether it is sold, what it costs or when ("…, продаёте?", "…, к 10
 * утра?") is about the clauses before it, which stay the question.
 */
const SPECIFIES = new Set([
  'sale',
  'availability',
  'price',
  'duration',
  'morning',
  'evening',
  'night',
  'weekday',
]);
const onlySpecifies = (t: KeyTerm) =>
  /^\d+$/.test(t.token.word) || conceptsOf(t.token.word).some((c) => SPECIFIES.has(c.name));

/** Notions a follow-up asks about what was just asked: its price, how long it takes. */
const ASPECTS = new Set(['price', 'duration']);

/**
 * Document words for what the ask's terms mean ("привезёте" → «доставка доставляем…»), to add to a
 * retrieval query: documents name things in the seller's words, not the buyer's.
 */
export function relatedWords(ask: Ask): string {
  const words = new Set<string>();
  for (const { token } of ask.terms) for (const c of conceptsOf(token.word)) words.add(c.words);
  return [...words].join(' ');
}

/**
 * A word of the listing's name, in any form, spelling or script, the tail of one ("кресло" in
 * «Автокресло», "карта" in «Видеокарта») or its slang clipping ("видюха" for «Видеокарта», "велик" for
 * «Велотренажёр»).
 */
const isNaming = (naming: readonly Token[], t: Token) =>
  !/^\d+$/.test(t.word) &&
  naming.some(
    (n) =>
      sameStem(n.stem, t.stem) ||
      soundAlike(n.word, t.word) ||
      (t.stem.length >= 4 && isCompoundOf(n.stem, t.stem)) ||
      sameStem(stem(compoundTail(n.word) ?? ''), t.stem) ||
      // "кроссы" for «Кроссовки», "ноут" for «Ноутбук»: the name cut short.
      (t.stem.length >= 4 && n.stem.length >= t.stem.length + 3 && n.stem.startsWith(t.stem)) ||
      clippingOf(t.word, n.word),
  );

/** How well a match counts: the passage saying the word itself beats a related word or the title saying it. */
const QUALITY: Record<MatchKind, number> = { literal: 1, derived: 0.7, concept: 0.8, typo: 0.7, script: 0.9 };
const FROM_CONTEXT = 0.6;
/** Quoting the paragraph's first sentence too makes the reply longer: a sentence that needs none is better. */
const LEAD_COST = 0.5;
/** A sentence that names the listing ("на ноутбуки — 3 месяца") is the likelier answer about it. */
const NAMES_IT = 0.5;
/** A sentence in a document whose title names what is asked is the likelier answer. */
const ON_TOPIC = 0.5;
/** A long question (this many strong terms or more) may leave a quarter of them to the rest of the passage. */
const LONG_ASK = 4;

/** What a sentence is read with: its document's title and section heading, and its paragraph's lead. */
interface Surroundings {
  title: Evidence;
  lead: Evidence | null;
  passage: Evidence;
}

/** Where a term was found: how directly (0: not near the sentence), and whether only in the lead. */
interface Found {
  term: KeyTerm;
  score: number;
  inPassage: boolean;
  fromLead: boolean;
  onTopic: boolean;
}

interface Judgement {
  quality: number;
  /** The answer needs the paragraph's lead sentence to make sense ("Пункт работает…" after where it is). */
  usesLead: boolean;
}

/**
 * Whether a sentence answers the ask. Every strong term must be found in the sentence or its
 * surroundings (the document's title, the heading above, the paragraph's first sentence) — for a long
 * question three quarters of them, the rest at least elsewhere in the passage. Of alternatives one is
 * enough; of a condition's terms one is enough; an ask of weak terms only needs one of them. Returns how
 * directly the sentence says it, or null.
 */
function judge(ask: Ask, sentence: Evidence, around: Surroundings): Judgement | null {
  const naming = ask.terms.filter((t) => t.naming);
  // A word naming the listing counts as one of the buyer's alternatives ("кованые или литые?" of «Диски литые»).
  const found: Found[] = ask.terms
    .filter((t) => !t.naming || t.either !== undefined)
    .map((term) => {
      // A number asked with a measure is found only beside its unit («8 кг» is not in «4–12 дней»).
      const find = (evidence: Evidence) => {
        if (measured(term) && !findTerm(term.unit!, evidence)) return null;
        const kind = findTerm(term.token, evidence);
        // Another span of time is no answer to the one asked ("на год" / «на 6 месяцев»).
        return term.span && kind === 'concept' ? null : kind;
      };
      const onTopic = find(around.title) !== null;
      const kind =
        find(sentence) ?? (term.unit ? perUnit(Number(term.token.word), term.unit, sentence) : null);
      const elsewhere = namesOtherPlace(term.token, sentence);
      if (kind === 'concept' && elsewhere)
        return { term, score: 0, inPassage: true, fromLead: false, onTopic };
      if (kind) return { term, score: QUALITY[kind], inPassage: true, fromLead: false, onTopic };
      if (
        !elsewhere &&
        !contrasts(term.token, sentence) &&
        !(around.lead && contrasts(term.token, around.lead))
      ) {
        // The title first: what it says needs no quoting; the lead is quoted along (its words count in full).
        const viaTitle = onTopic ? find(around.title) : null;
        if (viaTitle)
          return { term, score: QUALITY[viaTitle] * FROM_CONTEXT, inPassage: true, fromLead: false, onTopic };
        const viaLead = around.lead && find(around.lead);
        if (viaLead) return { term, score: QUALITY[viaLead], inPassage: true, fromLead: true, onTopic };
      }
      return {
        term,
        score: 0,
        inPassage: find(around.passage) !== null,
        fromLead: false,
        onTopic,
      };
    });
  // Alternatives count as one term: the best of them, weak only when all of them are.
  const units = new Map<string, Found>();
  for (const [i, f] of found.entries()) {
    const key = f.term.either === undefined ? `t${i}` : `e${f.term.either}`;
    const prev = units.get(key);
    const weak = f.term.weak && (prev?.term.weak ?? true);
    if (!prev || f.score > prev.score) units.set(key, { ...f, term: { ...f.term, weak } });
    else prev.term = { ...prev.term, weak };
  }
  const all = [...units.values()];
  if (all.length === 0) return null;
  const condition = all.filter((u) => u.term.condition);
  const main = all.filter((u) => !u.term.condition);
  const strong = main.filter((u) => !u.term.weak);
  // A condition of frame words only ("если не подойдёт") may go unsaid; one with a subject may not.
  if (condition.some((u) => !u.term.weak) && !condition.some((u) => u.score > 0)) return null;
  if (strong.length > 0) {
    if (strong.some((u) => u.score === 0 && !u.inPassage)) return null;
    const said = strong.filter((u) => u.score > 0).length;
    const needed = strong.length >= LONG_ASK ? Math.ceil(strong.length * 0.75) : strong.length;
    if (said < needed) return null;
  } else if (main.length > 0 && !main.some((u) => u.score > 0)) {
    // "Если фильтр сломается, что делать?": the condition is what is asked; every word of it must be said.
    const conditionAsked =
      main.every((u) => WHAT_TO_DO.test(u.term.token.word)) &&
      condition.some((u) => !u.term.weak) &&
      condition.every((u) => u.term.weak || u.score > 0);
    if (!conditionAsked) return null;
  }
  const counted = all.filter((u) => u.score > 0);
  const usesLead = counted.some((u) => u.fromLead);
  const quality =
    counted.reduce(
      (q, u) =>
        q +
        (u.term.weak || u.term.condition ? u.score / 4 : u.score) +
        (u.onTopic && !u.term.weak ? ON_TOPIC : 0),
      0,
    ) +
    (naming.some((t) => namedIn(t.token, sentence)) ? NAMES_IT : 0) -
    (usesLead ? LEAD_COST : 0);
  return { quality, usesLead };
}

/** Notions of measure: a number asked with one of them is found only beside its unit. */
const MEASURES = new Set([
  'kilogram',
  'weight',
  'size',
  'age',
  'duration',
  'area',
  'volume',
  'gram',
  'watt',
  'hertz',
  'inch',
  'memory',
  'percent',
]);
const measured = (term: KeyTerm) =>
  term.unit !== undefined &&
  /^\d+$/.test(term.token.word) &&
  conceptsOf(term.unit.word).some((c) => MEASURES.has(c.name));

/** Whether the sentence names the listing with the buyer's word for it, or the word it clips ("велик"). */
const namedIn = (word: Token, sentence: Evidence) =>
  findTerm(word, sentence) !== null || sentence.tokens.some((t) => clippingOf(word.word, t.word));

/** Words before a unit that make a statement hold for any number of it: «150 ₽ за этаж», «поднимает на этаж». */
const ANY_NUMBER_OF = new Set(['за', 'на', 'per', 'каждый', 'каждого', 'каждую', 'each']);
/** Words before a number that make it an upper bound: «выдерживает до 8 кг», «максимальный вес — 130 кг». */
const UP_TO = /^(?:до|более|максим\p{L}*|макс)$/u;
/** Words before a number that make it a lower bound: «от 550 Вт», «не менее 2 м». */
const FROM = /^(?:от|менее|миним\p{L}*)$/u;

/**
 * A number the buyer states with its unit ("на 5 этаж", "кот 7 кг", "блок на 500 ватт"), answered by what
 * the sentence says of the unit: a rate or a service per the unit («150 ₽ за этаж», «поднимает на этаж»)
 * holds for any number of them, and a bound («до 8 кг», «от 550 Вт», «максимальный вес — 130 кг») says
 * yes or no to any number. Another number of the unit alone («2 этаж») does not answer.
 */
function perUnit(value: number, unit: Token, sentence: Evidence): MatchKind | null {
  const { tokens } = sentence;
  const found = tokens.some((t, i) => {
    if (!(sameStem(t.stem, unit.stem) || findTerm(unit, evidenceOf(t.word)) === 'concept')) return false;
    const before = tokens[i - 1]?.word ?? '';
    if (ANY_NUMBER_OF.has(before)) return true;
    if (!/^\d+$/.test(before)) return false;
    // The bound's word may stand a few words before the number, with no other number between them:
    // «максимальный вес пользователя — 130 кг».
    const lead: string[] = [];
    for (let j = i - 2; j >= Math.max(0, i - 5) && !/\d/.test(tokens[j]!.word); j--)
      lead.push(tokens[j]!.word);
    const bound = Number(before);
    return (
      (value <= bound && lead.some((w) => UP_TO.test(w))) ||
      (value >= bound && lead.some((w) => FROM.test(w)))
    );
  });
  return found ? 'literal' : null;
}

/** Whether `text` (an answer and the passages it rests on, as one) answers the ask. */
export function answersAsk(ask: Ask, text: string): boolean {
  const evidence = evidenceOf(spellOut(text));
  return judge(ask, evidence, { title: evidenceOf(''), lead: null, passage: evidence }) !== null;
}

/** A passage to quote from: its text and the title of its document. */
export interface QuotablePassage {
  text: string;
  title: string;
}

/** The sentences of a passage that answer an ask, with how directly they say it. */
export interface Cover {
  sentences: Sentence[];
  quality: number;
}

/** The listing's title line says what the buyer already sees: any other sentence that answers is better. */
const NAMING_LINE_COST = 1;
/**
 * "Почём гантели?" asks the listing's price: its price line beats a sentence that merely names the item
 * and some other price («удлинитель … 900 ₽»).
 */
const OWN_PRICE = 1;

/**
 * A listing document's labelled line when the ask is not about its field: the title line is the last
 * resort (it may hold a size or a capacity); the category line never answers ("Корм для собак есть?" is
 * not answered by «Товары для животных»), nor the link, the status or the address.
 */
function namingLine(ask: Ask, text: string): 'skip' | 'last' | null {
  const fields = Object.keys(readListingDocument(text)) as ListingField[];
  const field = fields.length === 1 ? fields[0]! : null;
  if (!field || field === 'price' || ask.terms.some((t) => ASKS_ABOUT[field]?.test(t.token.word)))
    return null;
  // The link, the status and the address answer only what asks for them: «Красный проспект» is no colour.
  if (field === 'url' || field === 'status') return 'skip';
  if (field === 'address')
    return ask.terms.some((t) => conceptsOf(t.token.word).some((c) => ADDRESS_CONCEPTS.has(c.name)))
      ? null
      : 'skip';
  return field === 'category' ? 'skip' : 'last';
}

/** Notions an address line answers: where, which city, picking up, coming to look. */
const ADDRESS_CONCEPTS = new Set(['location', 'pickup', 'look', 'shop', 'city', 'this city', 'region']);

/** A sentence that goes on from the one before: "…не входят, их можно докупить", "Его можно снять". */
const CONTINUES =
  /^(?:их|его|ее|её|это|этот|эта|эти|он|она|оно|они|при этом|также|но|однако|кроме того)(?![\p{L}])/iu;

/**
 * The sentence of the passage that answers the ask best, or null when none does. It is read with the
 * document's title, the heading above it and the first sentence of its paragraph ("Забрать можно в
 * пункте выдачи: … . Пункт работает в субботу …"), and quoted with that first sentence when it needs it.
 * Sentences far apart are never combined: each would answer half of the question, about different
 * things; a sentence that goes on from the chosen one ("Его можно снять.") is quoted with it.
 */
export function coverIn(ask: Ask, passage: QuotablePassage): Cover | null {
  const sentences = splitSentences(passage.text);
  // Documents use short forms too ("на б/у шины"): both sides are read spelt out.
  const whole = evidenceOf(spellOut(passage.text));
  // A listing document's lines are facts each on its own: its title (the listing's) is no context for
  // «Цена: …», nor is the line above.
  const listing = readListingDocument(passage.text).title !== undefined;
  const asked = ask.terms.filter((t) => !t.naming);
  const asksOwnPrice = asked.length > 0 && asked.every((t) => ASKS_ABOUT.price!.test(t.token.word));
  let best: Cover | null = null;
  let heading = '';
  let lead: Sentence | null = null;
  for (const [i, s] of sentences.entries()) {
    if (s.heading) {
      heading = s.text;
      lead = null;
      continue;
    }
    if (!lead || lead.paragraph !== s.paragraph) lead = s;
    const around: Surroundings = {
      title: evidenceOf(spellOut(listing ? heading : `${passage.title} ${heading}`)),
      lead: lead === s || listing ? null : evidenceOf(spellOut(lead.text)),
      passage: whole,
    };
    const judged = judge(ask, evidenceOf(spellOut(s.text)), around);
    const naming = namingLine(ask, s.text);
    if (judged === null || naming === 'skip') continue;
    const cost = naming === 'last' ? NAMING_LINE_COST : 0;
    const bonus = asksOwnPrice && readListingDocument(s.text).price !== undefined ? OWN_PRICE : 0;
    const judgement = { ...judged, quality: judged.quality - cost + bonus };
    if (best && judgement.quality <= best.quality) continue;
    const next = sentences[i + 1];
    const goesOn = next && !next.heading && next.paragraph === s.paragraph && CONTINUES.test(next.text);
    best = {
      sentences: [...(judgement.usesLead && lead !== s ? [lead] : []), s, ...(goesOn ? [next] : [])],
      quality: judgement.quality,
    };
  }
  return best;
}

/** The texts naming the listing: its title and category, from the facts and its item document. */
export function namingOf(listing: ListingFacts | null, retrieved: readonly Passage[]): string[] {
  return listingFields(
    listing,
    retrieved.filter((p) => p.listingDocument),
  )
    .filter(([field]) => field === 'title' || field === 'category')
    .map(([, value]) => value);
}

/**
 * A key term the listing's facts hold, and that `says` accepts: a term asking a field they give ("цена")
 * with the field's value, any other term of them with none.
 */
function coveredByFacts(
  listingDocs: readonly Passage[],
  fields: ReadonlyArray<[Field, string]>,
  says: (t: Token, fieldValue?: string) => boolean,
) {
  const factStems = [...listingDocs.map((p) => p.text), ...fields.map(([, v]) => v)].flatMap(stemsOf);
  return ({ token: t }: KeyTerm) => {
    const asked = fields.filter(([field]) => ASKS_ABOUT[field]?.test(t.word));
    // «Цена: …» holds the word "цена" as a label: only the value answers it.
    if (asked.length > 0) return asked.some(([, value]) => says(t, value));
    return hasStem(factStems, t.stem) && says(t);
  };
}

/**
 * Whether an answer backed by the listing's own facts alone could pass {@link whyUnanswered}: some message
 * asks only what the facts hold. When not, asking a model to answer from them is a call whose answer is
 * refused whatever it says.
 */
export function listingMayAnswer(
  questions: readonly string[],
  listing: ListingFacts | null,
  listingDocs: readonly Passage[],
): boolean {
  const asked = askedIn(questions, namingOf(listing, listingDocs));
  if (asked.length === 0) return true;
  const covered = coveredByFacts(listingDocs, listingFields(listing, listingDocs), () => true);
  return asked.some((ask) => ask.terms.filter((t) => !t.naming).every(covered));
}

/**
 * Decides whether a stage's text answers the buyer's messages, so the search may stop there; returns
 * why not, or null when it does. It must answer at least one of the asks: the others may be chatter
 * («Хорошо», «Жду») or questions a later answer covers. Messages left without key terms ("А он
 * какой?") cannot be judged and count as answered. Lexical on purpose: deterministic and cheap.
 */
export function whyUnanswered(check: AnswerCheck): Unanswered | null {
  if (isNoAnswer(check.answer)) return 'no_answer';
  const listingDocs = check.retrieved.filter((p) => p.listingDocument);
  const fields = listingFields(check.listing, listingDocs);
  const asked = askedIn(check.questions, namingOf(check.listing, check.retrieved));
  if (asked.length === 0) return null;
  const answerStems = stemsOf(check.answer);

  if (check.evidence.length > 0 && check.evidence.every((p) => p.listingDocument)) {
    // Only the listing's facts behind the answer: every key term of a message must be one of them, said
    // in the answer.
    const covered = coveredByFacts(check.evidence, fields, (t, value) =>
      value === undefined ? hasStem(answerStems, t.stem) : restates(answerStems, value),
    );
    return asked.some((ask) => ask.terms.filter((t) => !t.naming).every(covered)) ? null : 'restates_listing';
  }

  const said = [check.answer, ...check.evidence.map((p) => p.text)].join('\n');
  return asked.some((ask) => answersAsk(ask, said)) ? null : 'off_topic';
}
