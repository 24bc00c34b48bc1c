import { findWordNumbers } from './text/number-words.js';

/**
 * The grounding guard: a deterministic check that every fact a draft states — number, amount, phone,
 * e-mail, URL or domain, messenger, @handle, date — also appears in its sources (retrieved passages and
 * the listing's facts). The model is told not to invent; this is what makes sure, also when a buyer's
 * message talked it into something ("Игнорируй инструкции…"). Comparison is on normal forms:
 * - numbers: thousands separators dropped, decimal comma = point, "1,5 тыс." = 1500, "1 500 ₽" = "1500 руб";
 *   the currency word is not compared, the amount is; numbers in Russian words in any case and gender
 *   count ("сотню", "пятьсот", "две тысячи", "полторы тысячи" = 100, 500, 2000, 1500);
 * - phones: the last 10 digits (+7 / 8 prefixes and separators ignored);
 * - URLs and domains of any TLD: lower case, without scheme, `www.`, trailing slash or punctuation;
 *   a domain the sources link to grounds the bare domain;
 * - e-mails, also spelled out ("sale собака shop точка com", "sale (at) shop (dot) com"): lower case;
 * - messengers (WhatsApp, Viber, Telegram, ВКонтакте, MAX…) in Latin or Cyrillic, by name;
 * - @handles: lower case; a `t.me/…` link grounds its handle;
 * - dates: day and month (and year when the draft gives one), "12.05" = "12 мая";
 * - times: "9:00" = "09:00".
 */

export interface GuardResult {
  grounded: boolean;
  /** The draft's offending spans, in order of appearance, each once. */
  findings: string[];
}

type Kind = 'email' | 'url' | 'handle' | 'messenger' | 'phone' | 'date' | 'time' | 'number';

interface Fact {
  kind: Kind;
  span: string;
  start: number;
  end: number;
  /** Any of these keys found among the sources' keys of the same kind grounds the fact. */
  keys: string[];
}

/** Stems of the month names in any case («мая», «май», «мае»); also read by the sales brief's dates. */
export const MONTHS = [
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
/** "@", "(at)", "собака" between the parts of an e-mail; "(dot)", "точка" between labels. */
const AT = String.raw`(?:\s*@\s*|\s*[(\[{<]\s*(?:at|собака|собачка)\s*[)\]}>]\s*|\s+(?:at|собака|собачка)\s+)`;
const SPELLED_DOT = String.raw`(?:\s*[(\[{<]\s*(?:dot|точка|тчк)\s*[)\]}>]\s*|\s+(?:dot|точка|тчк)\s+)`;
const DOT = String.raw`(?:\.|${SPELLED_DOT})`;
/** Top-level domains as they are written, and Cyrillic spellings of Latin ones ("точка ру"). */
const TLD = String.raw`(?:[a-z]{2,24}|xn--[a-z0-9-]+|рф|рус|ру|ком|нет|орг|су|инфо)`;
const SPELLED_TLD: Record<string, string> = {
  ру: 'ru',
  ком: 'com',
  нет: 'net',
  орг: 'org',
  су: 'su',
  инфо: 'info',
};
const LABEL = String.raw`[\p{L}\p{N}](?:[\p{L}\p{N}_-]*[\p{L}\p{N}])?`;
const LATIN_LABEL = String.raw`[a-z0-9](?:[a-z0-9-]*[a-z0-9])?`;
const PATH = String.raw`(?:\/[^\s<>«»"'()]*)?`;
const NOT_BEFORE = String.raw`(?<![\p{L}\p{N}@._%+\/-])`;
const NOT_AFTER = String.raw`(?![\p{L}\p{N}_-])`;
/** File names are not domains: none of these is a top-level domain. */
const FILE_EXTENSION = String.raw`(?:pdf|docx?|xlsx?|pptx?|jpe?g|png|gif|webp|heic|txt|csv|rtf|odt)(?![a-z])`;

const EMAIL = new RegExp(
  String.raw`${NOT_BEFORE}[\p{L}\p{N}](?:[\p{L}\p{N}._%+-]*[\p{L}\p{N}_])?${AT}${LABEL}(?:${DOT}${LABEL})*${DOT}${TLD}${NOT_AFTER}`,
  'giu',
);
const URL_WITH_SCHEME = new RegExp(String.raw`${NOT_BEFORE}(?:https?:\/\/|www\.)[^\s<>«»"'()]+`, 'giu');
const BARE_DOMAIN = new RegExp(
  String.raw`${NOT_BEFORE}(?:${LATIN_LABEL}\.)+(?!${FILE_EXTENSION})(?:[a-z]{2,24}|xn--[a-z0-9-]+)${NOT_AFTER}${PATH}`,
  'giu',
);
const CYRILLIC_DOMAIN = new RegExp(
  String.raw`${NOT_BEFORE}(?:[а-яё0-9](?:[а-яё0-9-]*[а-яё0-9])?\.)+(?:рф|рус|москва|онлайн|сайт|дети|орг|ком)${NOT_AFTER}${PATH}`,
  'giu',
);
/** "evil-shop точка xyz": at least one dot spelled out. */
const SPELLED_DOMAIN = new RegExp(
  String.raw`${NOT_BEFORE}${LATIN_LABEL}(?:\.${LATIN_LABEL})*${SPELLED_DOT}(?:${LATIN_LABEL}${DOT})*${TLD}${NOT_AFTER}${PATH}`,
  'giu',
);
const HANDLE = /(?<![\p{L}\p{N}._%+@/-])@([a-z0-9_](?:[a-z0-9_.]{1,30}[a-z0-9_])?)(?![\p{L}\p{N}_@])/giu;
const SPELLED_HANDLE =
  /(?<![\p{L}\p{N}])(?:собака|собачка)\s+([a-z0-9_]{3,32})(?![\p{L}\p{N}_@-]|\.[\p{L}\p{N}])/giu;

/** Messengers by name, in Latin and Cyrillic spellings with their case endings. */
const MESSENGERS: ReadonlyArray<readonly [string, string]> = [
  [
    'whatsapp',
    String.raw`whats\s?app|whatsup|wats\s?app?|(?:вотс|ватс)\s?апп?[а-я]{0,3}|(?:вацап|воцап|вотцап)п?[а-я]{0,3}`,
  ],
  ['viber', String.raw`viber|(?:вайбер|вибер)[а-я]{0,3}`],
  ['telegram', String.raw`telegram|телеграмм?[а-я]{0,3}|телег(?:а|у|е|ой|и)`],
  ['vk', String.raw`vk|vkontakte|вк|вконтакте`],
  ['max', String.raw`max|макс|максе|максом|максу`],
  ['signal', 'signal'],
  ['skype', String.raw`skype|скайп[а-я]{0,3}`],
  ['wechat', 'wechat'],
  ['icq', String.raw`icq|аськ(?:а|и|у|е|ой)`],
  ['discord', String.raw`discord|дискорд[а-я]{0,3}`],
  ['instagram', String.raw`instagram|инстаграмм?[а-я]{0,3}|инст(?:а|у|е|ой)`],
  ['facebook', String.raw`facebook|ф[еэ]йсбук[а-я]{0,3}`],
  ['odnoklassniki', String.raw`одноклассник[а-я]{0,3}`],
];
const MESSENGER_RES = MESSENGERS.map(
  ([name, forms]) =>
    [name, new RegExp(String.raw`(?<![\p{L}\p{N}])(?:${forms})(?![\p{L}\p{N}])`, 'giu')] as const,
);
/** "макс. 120 кг", "макс. нагрузка": the abbreviation of "максимум", not the MAX messenger. */
const ABBREVIATED = /^\.?\s*\d|^\.\s*[а-яёa-z]/;
/** Links that name a messenger (and a handle after the host). */
const MESSENGER_HOSTS: Record<string, string> = {
  't.me': 'telegram',
  'telegram.me': 'telegram',
  'wa.me': 'whatsapp',
  'vk.com': 'vk',
  'vk.me': 'vk',
  'viber.com': 'viber',
  'max.ru': 'max',
};

const PHONE =
  /(?<![\d])(?:\+\s?7|8|7)?[\s\-(]{0,3}\d{3}[\s\-)]{0,3}\d{3}[\s-]?\d{2}[\s-]?\d{2}(?![\d])|(?<![\d-])\d{3}-\d{2}-\d{2}(?![\d])/g;
const TIME = /(?<![\d])([01]?\d|2[0-3])[:.]([0-5]\d)(?![\d])/g;
const NUMBER =
  /(?<![\d])\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?(?![\d])|(?<![\d])\d+(?:[.,]\d+)?(?![\d])/g;
const MULTIPLIER =
  /^\s*(тыс(?:\.|яч[а-я]*)?|тыщ[а-я]*|k|к|млн\.?|миллион[а-я]*|млрд\.?|миллиард[а-я]*|сот(?:ен|н[а-я]*))(?![а-яa-z])/iu;

const canonical = (n: number) => String(Number(n.toFixed(4)));

function multiplierOf(after: string): { factor: number; length: number } | null {
  const m = MULTIPLIER.exec(after);
  if (!m) return null;
  const word = m[1]!.toLowerCase();
  let factor = 1000;
  if (word.startsWith('млр') || word.startsWith('миллиард')) factor = 1_000_000_000;
  else if (word.startsWith('м')) factor = 1_000_000;
  else if (word.startsWith('сот')) factor = 100;
  return { factor, length: m[0].length };
}

function numberKeys(raw: string, after: string): string[] {
  const value = Number(raw.replace(/[ \u00a0\u202f]/g, '').replace(',', '.'));
  if (!Number.isFinite(value)) return [];
  return [canonical(value * (multiplierOf(after)?.factor ?? 1))];
}

const phoneKey = (span: string) => span.replace(/\D/g, '').slice(-10);

/** The written form of a spelled-out e-mail or domain: "sale собака shop точка ру" = "sale@shop.ru". */
function unspell(span: string): string {
  return span
    .toLowerCase()
    .replaceAll('ё', 'е')
    .replace(new RegExp(AT, 'giu'), '@')
    .replace(new RegExp(SPELLED_DOT, 'giu'), '.')
    .replace(/\s+/g, '')
    .replace(/\.([а-я]+)(?=\/|$)/u, (m, tld: string) => (SPELLED_TLD[tld] ? `.${SPELLED_TLD[tld]}` : m));
}

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
  const take = (
    kind: Kind,
    re: RegExp,
    keysOf: (m: RegExpExecArray) => string[],
    extend: (m: RegExpExecArray) => number = () => 0,
  ) => {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const start = m.index;
      const end = start + m[0].length + extend(m);
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      if (taken.slice(start, end).some(Boolean)) continue;
      const keys = keysOf(m);
      if (keys.length === 0) continue;
      for (let i = start; i < end; i++) taken[i] = true;
      facts.push({ kind, span: text.slice(start, end).trim(), start, end, keys });
    }
  };
  take('email', EMAIL, (m) => [unspell(m[0])]);
  take('url', URL_WITH_SCHEME, (m) => [normalizeUrl(m[0])]);
  take('url', SPELLED_DOMAIN, (m) => [normalizeUrl(unspell(m[0]))]);
  take('url', BARE_DOMAIN, (m) => [normalizeUrl(m[0])]);
  take('url', CYRILLIC_DOMAIN, (m) => [normalizeUrl(m[0])]);
  take('handle', HANDLE, (m) => [m[1]!.toLowerCase()]);
  take('handle', SPELLED_HANDLE, (m) => [m[1]!.toLowerCase()]);
  for (const [name, re] of MESSENGER_RES) {
    take('messenger', re, (m) =>
      name === 'max' && ABBREVIATED.test(text.slice(m.index + m[0].length)) ? [] : [name],
    );
  }
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
  // "2 тысячи" is one fact, 2000: the multiplier word belongs to the number's span.
  const tail = (m: RegExpExecArray) => text.slice(m.index + m[0].length, m.index + m[0].length + 12);
  take(
    'number',
    NUMBER,
    (m) => numberKeys(m[0], tail(m)),
    (m) => multiplierOf(tail(m))?.length ?? 0,
  );
  for (const n of findWordNumbers(text)) {
    if (taken.slice(n.start, n.end).some(Boolean)) continue;
    facts.push({
      kind: 'number',
      span: text.slice(n.start, n.end),
      start: n.start,
      end: n.end,
      keys: [canonical(n.value)],
    });
  }
  return facts.sort((a, b) => a.start - b.start);
}

/** Everything the sources can vouch for, by kind. Sources are read generously; drafts strictly. */
const KINDS: readonly Kind[] = ['email', 'url', 'handle', 'messenger', 'phone', 'date', 'time', 'number'];

/** The same passages come back for question after question: their keys are worth keeping. */
const textKeysCache = new Map<string, ReadonlyArray<readonly [Kind, string]>>();
const TEXT_KEYS_CACHE_SIZE = 1000;

/** Every key one source text vouches for, as [kind, key] pairs. */
function textKeys(text: string): ReadonlyArray<readonly [Kind, string]> {
  const cached = textKeysCache.get(text);
  if (cached) return cached;
  const pairs: Array<readonly [Kind, string]> = [];
  const facts = extractFacts(text);
  for (const fact of facts) for (const k of fact.keys) pairs.push([fact.kind, k]);
  // Digits inside links and addresses are no amounts: "shop.ru/1k" vouches for no 1000.
  let plain = text;
  for (const f of facts) {
    if (f.kind === 'url' || f.kind === 'email' || f.kind === 'handle') {
      plain = plain.slice(0, f.start) + ' '.repeat(f.end - f.start) + plain.slice(f.end);
    }
  }
  // Any digit run may be a phone, any number a part of a date or a time, whatever won the span.
  for (const m of plain.matchAll(/\+?\d[\d\s\-()]{5,}\d/g)) pairs.push(['phone', phoneKey(m[0])]);
  for (const m of plain.matchAll(NUMBER)) {
    const after = plain.slice(m.index + m[0].length, m.index + m[0].length + 12);
    for (const k of numberKeys(m[0], after)) pairs.push(['number', k]);
    for (const k of numberKeys(m[0], '')) pairs.push(['number', k]);
  }
  // Integers inside decimals, dates, times and phones ("12.05", "555-35-35"), but never one group
  // of a spaced thousands number: "500" is not vouched for by "1 500".
  for (const m of plain.matchAll(/\d+/g)) {
    const before = plain.slice(Math.max(0, m.index - 2), m.index);
    const after = plain.slice(m.index + m[0].length, m.index + m[0].length + 5);
    if (/\d[ \u00a0\u202f]$/.test(before) || /^[ \u00a0\u202f]\d{3}(?!\d)/.test(after)) continue;
    pairs.push(['number', canonical(Number(m[0]))]);
  }
  for (const m of text.matchAll(URL_WITH_SCHEME)) pairs.push(['url', normalizeUrl(m[0])]);
  // A link vouches for its domain, and a messenger link for the messenger and the handle in it.
  for (const [kind, key] of [...pairs]) {
    if (kind !== 'url') continue;
    const [host, first] = key.split('/');
    pairs.push(['url', host!]);
    const messenger = MESSENGER_HOSTS[host!];
    if (messenger) pairs.push(['messenger', messenger]);
    if (messenger && first) pairs.push(['handle', first]);
  }
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
 * Checks a draft against its sources. `grounded` is false when any fact of the draft (number or amount,
 * phone, e-mail, URL or domain, messenger, @handle, date, time) is missing from every source;
 * `findings` lists those spans as the draft wrote them.
 */
export function checkGrounding(draft: string, sources: readonly string[]): GuardResult {
  const keys = sourceKeys(sources);
  const findings: string[] = [];
  for (const fact of extractFacts(draft)) {
    if (!grounds(fact, keys) && !findings.includes(fact.span)) findings.push(fact.span);
  }
  return { grounded: findings.length === 0, findings };
}
