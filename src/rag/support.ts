import { CHATTER_WORDS, PLEASANTRY, QUESTION_WORDS } from './text/lexicon.js';
import { evidenceOf, findTerm } from './text/match.js';
import { splitSentences } from './text/sentences.js';
import { contentTokens } from './text/tokens.js';

/** The share of a sentence's content words the sources must hold, unless configured (`SUPPORT_THRESHOLD`). */
export const DEFAULT_SUPPORT_THRESHOLD = 0.7;

/** Pronouns and particles that state nothing a source must back ("у нас есть", "мы вам"). */
const NOTHING_TO_BACK = new Set(
  'да нет конечно нас вас нам вам наш наша наше наши ваш ваша ваше ваши мы вы он она оно они его ее их ему ей им ими '
    .concat('свой своя свое свои который которая которое которые также тоже еще уже ли же бы')
    .split(' '),
);

export interface SentenceSupport {
  sentence: string;
  /** Share of its content words found in the sources (0…1). */
  score: number;
}

export interface SupportResult {
  /** Every sentence that states something reaches the threshold. */
  supported: boolean;
  /** The sentences below the threshold, as the answer wrote them. */
  unsupported: string[];
  /** Every sentence that states something, with its score (greetings and thanks are left out). */
  sentences: SentenceSupport[];
}

/**
 * The guard's second half: each sentence of an answer must be backed by the sources it was given. A
 * sentence's score is the share of its content words (stop words, question words and pronouns left out)
 * that the sources hold in some form — the word itself, a synonym the lexicon knows ("привезём" —
 * «доставка»), a one-letter misspelling. Greetings, thanks and polite closings ("Здравствуйте!",
 * "Обращайтесь!") state nothing and are exempt; so are sentences without content words ("Да."). Lexical
 * and deterministic: it catches a sentence the sources do not talk about, not a subtle contradiction
 * (numbers and contacts are the fact check's job, see `checkGrounding`).
 */
export function checkSupport(
  answer: string,
  sources: readonly string[],
  threshold = DEFAULT_SUPPORT_THRESHOLD,
): SupportResult {
  const evidence = evidenceOf(sources.join('\n'));
  const sentences: SentenceSupport[] = [];
  for (const { text } of splitSentences(answer)) {
    if (PLEASANTRY.test(text)) continue;
    const words = contentTokens(text).filter(
      (t) => !QUESTION_WORDS.has(t.word) && !CHATTER_WORDS.has(t.word) && !NOTHING_TO_BACK.has(t.word),
    );
    if (words.length === 0) continue;
    const found = words.filter((t) => findTerm(t, evidence, { synonymsOnly: true }) !== null).length;
    sentences.push({ sentence: text, score: found / words.length });
  }
  const unsupported = sentences.filter((s) => s.score < threshold).map((s) => s.sentence);
  return { supported: unsupported.length === 0, unsupported, sentences };
}
