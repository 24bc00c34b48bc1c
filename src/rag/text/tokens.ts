import { stemRussian } from './stem-ru.js';
import { memoized } from './memo.js';

/** A word of a text with its position, for matching and for quoting the original span back. */
export interface Token {
  /** Lower case, `ё` folded to `е`. */
  word: string;
  stem: string;
  start: number;
  end: number;
}

/**
 * A run of letters and digits; a number written onto a Russian word ("22мм", "5кг", "2шт") is two words, as
 * documents write them. Model names keep their digits ("i7", "rtx3060", "5G").
 */
const WORD = /\p{N}+(?=[а-яёА-ЯЁ])|[\p{L}\p{N}]+/gu;
const CYRILLIC = /[а-я]/;
const LATIN = /^[a-z]+$/;

/** Lower case with `ё` folded: the one normal form every matcher in rag/ compares. */
export function normalizeWord(word: string): string {
  return word.toLowerCase().replaceAll('ё', 'е');
}

/** A light English suffix stripper: enough to match "deliveries"/"delivery", "returned"/"return". */
function stemEnglish(word: string): string {
  if (word.length <= 3) return word;
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith('sses')) return word.slice(0, -2);
  if (word.endsWith('ing') && word.length > 5) return word.slice(0, -3);
  if (word.endsWith('ed') && word.length > 4) return word.slice(0, -2);
  if (word.endsWith('ly') && word.length > 4) return word.slice(0, -2);
  if (word.endsWith('es') && word.length > 4 && /(sh|ch|x|z)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us')) return word.slice(0, -1);
  return word;
}

/**
 * Stems a normalised word: Snowball Russian for Cyrillic, a light English stemmer for Latin. Stemming
 * dominates indexing time and vocabularies are small, so it is remembered (bounded).
 */
export const stem: (word: string) => string = memoized(200_000, (word) => {
  if (CYRILLIC.test(word)) return stemRussian(word);
  if (LATIN.test(word)) return stemEnglish(word);
  return word;
});

/** Splits text into word tokens (letters and digits) with stems and offsets. */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(WORD)) {
    const word = normalizeWord(m[0]);
    out.push({ word, stem: stem(word), start: m.index, end: m.index + m[0].length });
  }
  return out;
}

// Function words that carry no topic: dropped from retrieval queries and the index.
const STOP_WORDS = new Set(
  (
    'а без более бы был была были было быть в вам вас весь во вот все всего всех вы где да даже для до ' +
    'его ее если есть еще же за здесь и из или им их к как какая какие каким какой когда кто ли либо ' +
    'мне меня мы на над надо наш не него нее нет ни них но ну о об однако он она они оно от очень по ' +
    'под подскажите при пожалуйста про с со так также такой там те тем то того тоже той только том ты ' +
    'у уже хотел хотела хочу чем что чтобы эта эти это этот я здравствуйте добрый день вечер утро ' +
    'спасибо привет можно ли ' +
    'a an and are as at be but by can do does for from have hello hi how i if in is it me my of on or ' +
    'please the there this to was we what when where which who will with you your'
  ).split(' '),
);

/** The content words of `text`, in order (stop words and one-letter words dropped). */
export function contentTokens(text: string): Token[] {
  return tokenize(text).filter((t) => !STOP_WORDS.has(t.word) && (t.word.length > 1 || /\d/.test(t.word)));
}

const HYPHENATED = /(?<![\p{L}\p{N}-])(\p{L}+)-(\p{L}+)(?![\p{L}\p{N}-])/gu;

/**
 * Hyphenated words of `text` as one word each ("трейд-ин" → "трейдин", "wi-fi" → "wifi"): buyers write
 * them joined or spaced, and the tokenizer splits them at the hyphen.
 */
export function hyphenJoined(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(HYPHENATED)) {
    const word = normalizeWord(m[1]! + m[2]!);
    out.push({ word, stem: stem(word), start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/** Stems of the content words of `text`, in order (stop words and one-letter words dropped). */
export function contentStems(text: string): string[] {
  return contentTokens(text).map((t) => t.stem);
}
