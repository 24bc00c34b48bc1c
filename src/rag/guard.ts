/**
 * The grounding guard: a deterministic check that every number, price, phone, e-mail, URL and date in
 * a draft also appears in its sources (retrieved passages and the listing's facts). The model is told
 * not to invent; this is what makes sure. Comparison is on normal forms:
 * - numbers: thousands separators dropped, decimal comma = point, "1,5 тыс." = 1500, "1 500 ₽" = "1500 руб";
 *   the currency word is not compared, the amount is;
 * - phones: the last 10 digits (+7 / 8 prefixes and separators ignored);
 * - URLs: lower case, without scheme, `www.`, trailing slash or punctuation;
 * - e-mails: lower case;
 * - dates: day and month (and year when the draft gives one), "12.05" = "12 мая";
 * - times: "9:00" = "09:00";
 * - number words a model may write instead of digits ("две недели", "полторы тысячи") count as numbers.
 */

export interface GuardResult {
  grounded: boolean;
  /** The draft's offending spans, in order of appearance, each once. */
  findings: string[];
}

type Kind = 'email' | 'url' | 'phone' | 'date' | 'time' | 'number';

interface Fact {
  kind: Kind;
  span: string;
  start: number;
  end: number;
  /** Any of these keys found among the sources' keys of the same kind grounds the fact. */
  keys: string[];
}

const MONTHS = [
  'январ',
  'феврал',
  'март',
  'апрел',
  'ма[йяе]',
  'июн',
  'июл',
  'август',
  'сентябр',
  'октябр',
  'ноябр',
  'декабр',
];
const MONTH_WORD = new RegExp(`(?<![\\d])(\\d{1,2})\\s+(${MONTHS.join('|')})[а-яё]*(?:\\s+(\\d{4}))?`, 'giu');
const NUMERIC_DATE = /(?<![\d.,])(\d{1,2})[./](\d{2})(?:[./](\d{4}|\d{2}))?(?![\d]|[.,]\d)/g;
const EMAIL = /[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}/gi;
const URL_WITH_SCHEME = /(?:https?:\/\/|www\.)[^\s<>«»"'()]+/gi;
const BARE_DOMAIN =
  /(?<![@\w.-])(?:[a-z0-9-]+\.)+(?:ru|xn--p1ai|рф|com|net|org|su|info|io|me|shop|store|pro|biz|by|kz)(?![\w-])(?:\/[^\s<>«»"'()]*)?/giu;
const PHONE =
  /(?<![\d])(?:\+\s?7|8|7)?[\s\-(]{0,3}\d{3}[\s\-)]{0,3}\d{3}[\s-]?\d{2}[\s-]?\d{2}(?![\d])|(?<![\d-])\d{3}-\d{2}-\d{2}(?![\d])/g;
const TIME = /(?<![\d])([01]?\d|2[0-3])[:.]([0-5]\d)(?![\d])/g;
const NUMBER =
  /(?<![\d])\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?(?![\d])|(?<![\d])\d+(?:[.,]\d+)?(?![\d])/g;
const MULTIPLIER = /^\s*(тыс(?:яч[аи]?|\.)?|k|к|млн|миллион[аов]*)(?![а-яa-z])/iu;

const NUMBER_WORDS: Array<[RegExp, number]> = [
  [/^полтор[аы]$/, 1.5],
  [/^(два|две|двух|двум|двумя)$/, 2],
  [/^(три|трех|трем|тремя)$/, 3],
  [/^(четыре|четырех|четырем)$/, 4],
  [/^(пять|пяти|пятью)$/, 5],
  [/^(шесть|шести)$/, 6],
  [/^(семь|семи)$/, 7],
  [/^(восемь|восьми)$/, 8],
  [/^(девять|девяти)$/, 9],
  [/^(десять|десяти)$/, 10],
  [/^(пятнадцать|пятнадцати)$/, 15],
  [/^(двадцать|двадцати)$/, 20],
  [/^(тридцать|тридцати)$/, 30],
  [/^(сто|ста)$/, 100],
  [/^(тысяча|тысячу|тысячи)$/, 1000],
];

const canonical = (n: number) => String(Number(n.toFixed(4)));

function numberKeys(raw: string, after: string): string[] {
  const value = Number(raw.replace(/[ \u00a0\u202f]/g, '').replace(',', '.'));
  if (!Number.isFinite(value)) return [];
  const mult = MULTIPLIER.exec(after)?.[1]?.toLowerCase();
  if (mult === undefined) return [canonical(value)];
  const factor = mult.startsWith('м') ? 1_000_000 : 1000;
  return [canonical(value * factor)];
}

const phoneKey = (span: string) => span.replace(/\D/g, '').slice(-10);

export function normalizeUrl(url: string): string {
  return url
    .toLowerCase()
    .replace(/[.,;:!?)»"']+$/, '')
    .replace(/^https?:\/\//, '')
    .replace(/^www\./, '')
    .replace(/\/+$/, '');
}

function dateKeys(day: string, month: number, year: string | undefined): string[] {
  const d = Number(day);
  if (d < 1 || d > 31 || month < 1 || month > 12) return [];
  const y = year === undefined ? undefined : year.length === 2 ? `20${year}` : year;
  return [`${d}.${month}${y ? `.${y}` : ''}`];
}

/** Finds facts left to right; each character belongs to at most one fact (emails before URLs, etc.). */
function extractFacts(text: string): Fact[] {
  const taken: boolean[] = new Array(text.length).fill(false);
  const facts: Fact[] = [];
  const take = (kind: Kind, re: RegExp, keysOf: (m: RegExpExecArray) => string[]) => {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      if (taken.slice(start, end).some(Boolean)) continue;
      const keys = keysOf(m);
      if (keys.length === 0) continue;
      for (let i = start; i < end; i++) taken[i] = true;
      facts.push({ kind, span: m[0].trim(), start, end, keys });
    }
  };
  take('email', EMAIL, (m) => [m[0].toLowerCase()]);
  take('url', URL_WITH_SCHEME, (m) => [normalizeUrl(m[0])]);
  take('url', BARE_DOMAIN, (m) => [normalizeUrl(m[0])]);
  take('phone', PHONE, (m) => {
    const digits = m[0].replace(/\D/g, '');
    return digits.length === 7 || digits.length >= 10 ? [phoneKey(m[0])] : [];
  });
  take('date', MONTH_WORD, (m) => {
    const month = MONTHS.findIndex((p) => new RegExp(`^${p}`, 'iu').test(m[2]!.toLowerCase())) + 1;
    return dateKeys(m[1]!, month, m[3]);
  });
  take('date', NUMERIC_DATE, (m) => dateKeys(m[1]!, Number(m[2]), m[3]));
  take('time', TIME, (m) => [`${Number(m[1])}:${m[2]}`]);
  take('number', NUMBER, (m) =>
    numberKeys(m[0], text.slice(m.index + m[0].length, m.index + m[0].length + 12)),
  );
  for (const w of text.matchAll(/[а-яё]+/giu)) {
    const word = w[0].toLowerCase().replaceAll('ё', 'е');
    const hit = NUMBER_WORDS.find(([re]) => re.test(word));
    if (!hit || taken[w.index]) continue;
    const after = text.slice(w.index + w[0].length, w.index + w[0].length + 12);
    const mult = hit[1] !== 1000 && /^\s*тысяч/iu.test(after) ? 1000 : 1;
    facts.push({
      kind: 'number',
      span: w[0],
      start: w.index,
      end: w.index + w[0].length,
      keys: [canonical(hit[1] * mult)],
    });
  }
  return facts.sort((a, b) => a.start - b.start);
}

/** Everything the sources can vouch for, by kind. Sources are read generously; drafts strictly. */
const KINDS: readonly Kind[] = ['email', 'url', 'phone', 'date', 'time', 'number'];

/** The same passages come back for question after question: their keys are worth keeping. */
const textKeysCache = new Map<string, ReadonlyArray<readonly [Kind, string]>>();
const TEXT_KEYS_CACHE_SIZE = 1000;

/** Every key one source text vouches for, as [kind, key] pairs. */
function textKeys(text: string): ReadonlyArray<readonly [Kind, string]> {
  const cached = textKeysCache.get(text);
  if (cached) return cached;
  const pairs: Array<readonly [Kind, string]> = [];
  for (const fact of extractFacts(text)) for (const k of fact.keys) pairs.push([fact.kind, k]);
  // Any digit run may be a phone, any number a part of a date or a time, whatever won the span.
  for (const m of text.matchAll(/\+?\d[\d\s\-()]{5,}\d/g)) pairs.push(['phone', phoneKey(m[0])]);
  for (const m of text.matchAll(NUMBER)) {
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 12);
    for (const k of numberKeys(m[0], after)) pairs.push(['number', k]);
    for (const k of numberKeys(m[0], '')) pairs.push(['number', k]);
  }
  // Integers inside decimals, dates, times and phones ("12.05", "555-35-35"), but never one group
  // of a spaced thousands number: "500" is not vouched for by "1 500".
  for (const m of text.matchAll(/\d+/g)) {
    const before = text.slice(Math.max(0, m.index - 2), m.index);
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 5);
    if (/\d[ \u00a0\u202f]$/.test(before) || /^[ \u00a0\u202f]\d{3}(?!\d)/.test(after)) continue;
    pairs.push(['number', canonical(Number(m[0]))]);
  }
  for (const m of text.matchAll(URL_WITH_SCHEME)) pairs.push(['url', normalizeUrl(m[0])]);
  if (textKeysCache.size >= TEXT_KEYS_CACHE_SIZE) textKeysCache.clear();
  textKeysCache.set(text, pairs);
  return pairs;
}

function sourceKeys(sources: readonly string[]): Map<Kind, Set<string>> {
  const keys = new Map<Kind, Set<string>>(KINDS.map((k) => [k, new Set<string>()]));
  for (const text of sources) for (const [kind, key] of textKeys(text)) keys.get(kind)!.add(key);
  // A date without a year in the draft matches a dated source; an "h:00" time matches the number h.
  for (const d of [...keys.get('date')!]) keys.get('date')!.add(d.split('.').slice(0, 2).join('.'));
  return keys;
}

function grounds(fact: Fact, keys: Map<Kind, Set<string>>): boolean {
  const known = keys.get(fact.kind)!;
  if (fact.keys.some((k) => known.has(k))) return true;
  if (fact.kind === 'time') {
    // "до 19:00" grounded by "до 19 часов".
    return fact.keys.some((k) => k.endsWith(':00') && keys.get('number')!.has(k.slice(0, -3)));
  }
  return false;
}

/**
 * Checks a draft against its sources. `grounded` is false when any number, price, phone, e-mail, URL
 * or date of the draft is missing from every source; `findings` lists those spans.
 */
export function checkGrounding(draft: string, sources: readonly string[]): GuardResult {
  const keys = sourceKeys(sources);
  const findings: string[] = [];
  for (const fact of extractFacts(draft)) {
    if (!grounds(fact, keys) && !findings.includes(fact.span)) findings.push(fact.span);
  }
  return { grounded: findings.length === 0, findings };
}
