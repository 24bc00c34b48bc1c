import { type Concept, conceptNamed, conceptsOf } from './lexicon.js';
import { memoized } from './memo.js';
import { TextCache } from './text-cache.js';
import { hyphenJoined, type Token, tokenize } from './tokens.js';

/** How a question word was found: as itself, as a notion the lexicon relates, misspelt, or in the other script. */
export type MatchKind = 'literal' | 'derived' | 'concept' | 'typo' | 'script';

/**
 * What the stemmer leaves of a verb's personal ending after a consonant ("поможет|е", "встан|ут"). Not
 * after «к»: "парк" / «паркет».
 */
const VERB_PERSON = /^(?:ет|ут|ют)$/;

/** Diminutive endings that keep a word's meaning: «колёса» / "колёсики", «ящик» / "ящичек". */
const DIMINUTIVE = /^(?:ик|ок|ек|чик|очк|ечк|оньк|еньк|ичк|к)$/;

/**
 * Whether two stems are forms of one word. The stemmer leaves some forms apart: derivations
 * ("гарантия" / "гарантийный", "раскладной" / "раскладывается"), diminutives ("колёса" / "колёсики")
 * and fleeting vowels ("ребёнок" / "ребёнка"). Short stems must match exactly or by a diminutive, so
 * that "склад" is not "складной" and "карта" is not "картон".
 */
export function sameStem(a: string, b: string): boolean {
  if (a === b) return true;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short.length >= 4 && long.startsWith(short)) {
    if (short.length >= 6 || DIMINUTIVE.test(long.slice(short.length))) return true;
  }
  // An adjective of a short noun ("шум" / "шумная"); a verbal noun ("хран" / "хранение").
  if (short.length === 3 && long === `${short}н`) return true;
  // Persons of one verb the stemmer cuts apart: "поможете" → "поможет", «поможем» → "помож".
  if (
    short.length >= 4 &&
    long.startsWith(short) &&
    !short.endsWith('к') &&
    VERB_PERSON.test(long.slice(short.length))
  ) {
    return true;
  }
  if (short.length >= 4 && long.startsWith(short) && /^(?:ен|ени|ан|ани)$/.test(long.slice(short.length))) {
    return true;
  }
  let common = 0;
  while (common < short.length && a[common] === b[common]) common++;
  if (common >= 6 && common >= short.length - 3) return true;
  const fleeting = (s: string) => s.replace(/[оеё]([^аеиоуыэюя])$/, '$1');
  return short.length >= 4 && (fleeting(a) === b || fleeting(b) === a);
}

/**
 * The verbs of «-нять» / «-нимать» by their prefix ("примете" / «принимаем», "поднимет" / «поднять»,
 * "снимаете" / «снять»): the stem changes between aspects and in the future tense, so no stem compares.
 */
const NYAT =
  /^(при|под|с|от|за|об|вы|пере|по|на|раз|до)(?:ним\p{L}*|ня(?:ть|тие|тый|тая|тое|тые|т|та|то|ты|л|ла|ло|ли|в)(?:ся|сь)?)$/u;
/** The future of «принять», which drops «-н-»: "приму", "примете", "примут". */
const PRIM = /^при(?:му|мешь|мет|мем|мете|мут|ми|мите)$/u;

/**
 * Personal endings of the present or simple future (and the plural imperative), `ё` folded as in every word here.
 */
const PERSON_ENDINGS = 'у|ю|ешь|ет|ем|ете|ут|ют|ите';
const PERSON = `(?:${PERSON_ENDINGS})`;

/**
 * Verbs whose root changes between aspects, with a fleeting «о» after some prefixes, so no stem compares their
 * forms: one verb by its prefix. Only a verb's own forms count (the present and future with their endings, the
 * infinitive, the past, participles and gerunds), and the few nouns named: «добрый» is not «доберу», «Сбербанк»
 * not «соберу», «уход» (care) not «уйдёт», «износ» not «износить».
 */
const ROOT_CHANGING_VERBS: ReadonlyArray<readonly [verb: string, forms: RegExp]> = [
  // "разбирается" / «разобранном», "соберёте" / «собрать», "заберу" / «забирать»
  [
    'брать',
    new RegExp(
      `^(раз|с|под|от|об|вы|за|пере|до|из|у)о?(?:бр(?:ать|ал|ала|ало|али|ан\\p{L}*|ав\\p{L}*)|бер${PERSON}|бир\\p{L}*)(?:ся|сь)?$`,
      'u',
    ),
  ],
  // «сборка», «разборка», «сборный», «разборный»; other «-бор» words are words of their own («забор», «набор»)
  ['брать', /^(раз|с)бор(?:к|н)\p{L}*$/u],
  // "вышлете" / «высылаем», "пришлёте" / «присылаем», "посылкой" / «пошлём», «рассылка» / «разошлём»
  [
    'слать',
    new RegExp(
      `^(при|вы|пере|от|по|раз|рас|за|до)о?(?:сыл\\p{L}*|сл(?:ать|ал|ала|али|ан\\p{L}*|ав)|шл${PERSON})(?:ся|сь)?$`,
      'u',
    ),
  ],
  // "подойдёт" / «подходит», "обойдётся" / «обходится», "пройдёт" / «проходит» (not «на-»: «находится» is where
  // a thing is, «найдётся» whether there is one)
  [
    'йти',
    new RegExp(
      `^(под|при|до|вы|за|про|от|у|пере|об|с|раз|из)о?(?:ход(?:ит|ят|им|ишь|ите|ить|ил|ила|ило|или|ящ\\p{L}*|я)|йд${PERSON}|йти)(?:ся|сь)?$`,
      'u',
    ),
  ],
  // "придёт" / «приходит»: «прийти» drops «-й-» in its future
  ['йти', new RegExp(`^(при)д${PERSON}(?:ся|сь)?$`, 'u')],
  // "вывезете" / «вывозим» / «вывоз», "перевезёте" / «перевозка»
  [
    'везти',
    new RegExp(
      `^(при|до|вы|пере|от|за|у|под|раз|с|в)(?:вез(?:${PERSON_ENDINGS}|ти|ла|ли|ло|ен\\p{L}*)|воз(?:ит|ят|им|ишь|ите|ить|ил|ила|или|к\\p{L}*|)|вож(?:у|ен\\p{L}*))(?:ся|сь)?$`,
      'u',
    ),
  ],
  // "вынесете" / «выносим», "внесёте" / «вносится» (not «от-»: «относится» is what a thing belongs to)
  [
    'нести',
    new RegExp(
      `^(при|за|под|вы|пере|до|у|в|раз|с)(?:нес(?:${PERSON_ENDINGS}|ти|ла|ли|ло|ен\\p{L}*)|нос(?:ит|ят|им|ишь|ите|ить|ил|ила|или)|нош(?:у|ен\\p{L}*))(?:ся|сь)?$`,
      'u',
    ),
  ],
];

/**
 * The verb a word is a form of, when its stem cannot tell (`нять:при` for "примете", «принимаем»), or null.
 * Remembered: it is asked for every pair of words compared.
 */
const verbOf = memoized(20_000, (word: string): string | null => {
  if (PRIM.test(word)) return 'нять:при';
  const nyat = NYAT.exec(word);
  if (nyat) return `нять:${nyat[1]!}`;
  for (const [verb, forms] of ROOT_CHANGING_VERBS) {
    const m = forms.exec(word);
    if (m) return `${verb}:${m[1]!}`;
  }
  return null;
});

/** Whether two words are forms of one verb whose root changes (see {@link NYAT}, {@link ROOT_CHANGING_VERBS}). */
export function sameVerb(a: string, b: string): boolean {
  const verb = verbOf(a);
  return verb !== null && verb === verbOf(b);
}

/**
 * Consonants that alternate at the end of a verb's root between its forms and aspects: «оплатить» / «оплачу»,
 * «зарядить» / «заряжать», «поместить» / «помещать», «защитить» / «защищать», «показать» / «показывать» /
 * «покажу», «приедет» / «приезжает».
 */
const ALTERNATING: ReadonlyArray<readonly [string, string]> = [
  ['т', 'ч'],
  ['т', 'щ'],
  ['ст', 'щ'],
  ['ск', 'щ'],
  ['д', 'ж'],
  ['д', 'жд'],
  ['д', 'зж'],
  ['з', 'ж'],
  ['с', 'ш'],
  ['к', 'ч'],
  ['г', 'ж'],
];

/**
 * What may follow the alternating consonant: nothing, an aspect's suffix, a person's ending the stemmer left, or
 * «-к-» of a noun («зарядка»). Not «-ен-» or «-н-»: «помещение» is a room, not «поместится»; «обратно» is not
 * «обращаться».
 */
const AFTER_ALTERNATION = /^(?:|а|я|ыва|ива|ет|ит|ат|ят|к)$/;

/** Adjective endings: «рабочих» (дней) is not "работаете", though one root. */
const ADJECTIVE_ENDING = /(?:ий|ый|ой|ая|яя|ое|ее|ие|ые|их|ых|им|ым|ими|ыми|ого|его|ому|ему|ую|юю)$/;

/**
 * Whether two words are forms of one verb (or its noun) whose root's last consonant alternates ("поместится" /
 * «помещается», "ответите" / «отвечаем», "выезжаете" / «выезд»): four letters in common first, so that «пласт»
 * is not «плащ»; never an adjective.
 */
export function alternatingForms(x: Token, y: Token): boolean {
  const a = x.stem;
  const b = y.stem;
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  if (common < 4 || common === a.length || common === b.length) return false;
  if (ADJECTIVE_ENDING.test(x.word) || ADJECTIVE_ENDING.test(y.word)) return false;
  const restA = a.slice(common);
  const restB = b.slice(common);
  const alternate = (one: string, other: string, c1: string, c2: string) =>
    one.startsWith(c1) &&
    other.startsWith(c2) &&
    AFTER_ALTERNATION.test(one.slice(c1.length)) &&
    AFTER_ALTERNATION.test(other.slice(c2.length));
  return ALTERNATING.some(([c1, c2]) => alternate(restA, restB, c1, c2) || alternate(restA, restB, c2, c1));
}

/** The first halves of Russian compounds: «авто|кресло», «электро|самокат», «мото|шлем». */
const COMBINING =
  /^(?:авто|электро|мото|вело|фото|видео|аудио|радио|аэро|гидро|термо|микро|мини|макси|супер|мульти|полу|само|пыле|паро|водо|морозо|тепло|снего|спорт|эко|био|нано|сверх|экстра|бензо|газо|лесо)$/;

const COMBINING_START = new RegExp(`^(${COMBINING.source.slice(4, -2)})(\\p{L}{3,})$`, 'u');

/** The second half of a compound word ("пила" of «бензопила», "кресло" of «автокресло»), or null. */
export function compoundTail(word: string): string | null {
  return COMBINING_START.exec(word)?.[2] ?? null;
}

/** Whether `long` is a compound ending in `short`: "самокат" in «электросамокат», not "правка" in «отправка». */
export function isCompoundOf(long: string, short: string): boolean {
  return long.length > short.length && long.endsWith(short) && COMBINING.test(long.slice(0, -short.length));
}

/** Suffixes of colloquial clippings: "вид|юх|а" (видеокарта), "вел|ик" (велосипед), "холод|ос" (холодильник). */
const CLIPPED = /^(\p{L}{3,}?)(?:юх|ух|ик|ос|ан)(?:а|у|е|и|ой|ом|ами|ах|ов)?$/u;

/**
 * Whether `word` is a colloquial clipping of `full`: the first syllables of a long word plus a slang
 * suffix ("видюху" of «Видеокарта», "велик" of «Велотренажёр»). Loose by nature (three letters), so only
 * for naming the listing, whose title is a handful of words.
 */
export function clippingOf(word: string, full: string): boolean {
  const base = CLIPPED.exec(word)?.[1];
  return base !== undefined && full.length >= base.length + 4 && full.startsWith(base) && full !== word;
}

/** Case and number endings of nouns and adjectives. */
const INFLECTION =
  /^(?:а|я|у|ю|е|и|ы|о|ь|ом|ем|ой|ей|ою|ею|ам|ям|ами|ями|ах|ях|ов|ев|ью|ые|ие|ых|их|ым|им|ыми|ими|ую|юю|ая|яя|ое|ее|ого|его|ому|ему|ый|ий)$/;

/**
 * Whether two words are forms of one noun or adjective by their endings ("диван" / «диванов»): the
 * stemmer cuts some words too short ("диван" → "дива") and then misses their other forms.
 */
export function sameWordForm(a: string, b: string): boolean {
  if (a === b) return true;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return short.length >= 4 && long.startsWith(short) && INFLECTION.test(long.slice(short.length));
}

/** A diminutive with «-очк-/-ечк-/-ичк-» and its fleeting vowel: "короб|очк|а", "меш|оч|ек", "лист|оч|ек". */
const DIMINUTIVE_WORD = /^(\p{L}{3,}?)(?:оч|еч|ич)(?:ек|к\p{L}{0,3})$/u;

/**
 * Whether one word is a diminutive of the other ("коробочка" / «коробка», "мешочек" / «мешок»,
 * "листочек" / «лист»). A three-letter base matches only its «-к-» word: "полочка" is «полка», not «пол».
 */
export function diminutiveOf(a: string, b: string): boolean {
  return diminutiveOfWord(a, b) || diminutiveOfWord(b, a);
}

/** Whether `small` is a diminutive of `other`: `other` is the base, «о» maybe, «к» and up to three letters. */
function diminutiveOfWord(small: string, other: string): boolean {
  const base = DIMINUTIVE_WORD.exec(small)?.[1];
  if (!base || !other.startsWith(base))
    return base !== undefined && base.length >= 4 && sameWordForm(base, other);
  let i = base.length;
  if (other[i] === 'о') i += 1;
  if (other[i] === 'к' && other.length - (i + 1) <= 3 && LETTERS.test(other.slice(i + 1))) return true;
  return base.length >= 4 && sameWordForm(base, other);
}

const LETTERS = /^\p{L}*$/u;

/**
 * "запись" / "записаться": the shorter word is the longer one's first five letters or more and one more
 * letter, a vowel or «ь», where the longer goes on with a vowel ("склада" / "складной" do not).
 */
function nearlyPrefix(a: string, b: string): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  const stem = short.slice(0, -1);
  // Not a noun's case ending: "склада" is not "складывается".
  return (
    short.length >= 6 &&
    short.length < long.length &&
    /[еиоэюяь]$/.test(short) &&
    long.startsWith(stem) &&
    /[аеиоуыэюя]/.test(long[stem.length] ?? '')
  );
}

/**
 * Whether two words are one edit apart (insert, delete, substitute or swap neighbours) — a misspelling.
 * A word extended by one letter is not a misspelling but another word ("склад" / "складн"): false.
 */
export function oneEditApart(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.startsWith(b) || b.startsWith(a)) return false;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  const [shorter, longer] = a.length < b.length ? [a, b] : [b, a];
  return shorter.slice(i) === longer.slice(i + 1);
}

/**
 * Whether two words are at most two edits apart (insert, delete, substitute, swap neighbours): a long
 * word misspelt twice ("гарнтийный" / "гарантийный" and a swapped pair). Only for long words, where
 * two letters leave the word recognisable: see {@link findTerm}.
 */
export function twoEditsApart(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 2) return false;
  // Optimal string alignment distance, stopped early once every cell of a row exceeds 2.
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, prev2[j - 2]! + 1);
      row.push(d);
      best = Math.min(best, d);
    }
    if (best > 2) return false;
    prev2 = prev;
    prev = row;
  }
  return prev[b.length]! <= 2;
}

/** Shortest word two misspellings leave recognisable. */
const TWO_EDITS_MIN = 8;

const TRANSLIT: Record<string, string> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  й: 'i',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'h',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'sch',
  ъ: '',
  ы: 'i',
  ь: '',
  э: 'e',
  ю: 'yu',
  я: 'ya',
};

/**
 * How a word sounds, in rough Latin: "изофикс" and "isofix", "кугу" and "kugoo", "шимано" and "shimano"
 * get one key. Only compared between words of different scripts.
 */
export function soundKey(word: string): string {
  const latin = [...word].map((c) => TRANSLIT[c] ?? c).join('');
  return latin
    .replace(/ph/g, 'f')
    .replace(/ck/g, 'k')
    .replace(/x/g, 'ks')
    .replace(/q/g, 'k')
    .replace(/w/g, 'v')
    .replace(/th/g, 't')
    .replace(/c(?=[eiy])/g, 's')
    .replace(/c/g, 'k')
    .replace(/oo|ou/g, 'u')
    .replace(/ee/g, 'i')
    .replace(/[yj]/g, 'i')
    .replace(/z/g, 's')
    .replace(/(.)\1+/g, '$1')
    .replace(/(?<=..)e$/, '');
}

/**
 * A Latin name as a Russian buyer says it, with English soft «g» ("Sportage" → "спортейдж", "Page"):
 * a second key, since a soft «g» is as often read hard ("Gelendwagen").
 */
const softG = (word: string) => (LATIN.test(word) ? word.replace(/g(?=[eiy])/g, 'dzh') : word);

/**
 * The consonants of a sound key in order, vowels and «й» dropped ("sporteidzh" and "sportadzh" →
 * "sprtdzh"): English vowels are read many ways ("Sportage" as «спортейдж», "Nike" as «найк»), the
 * consonants hardly. Only a word with enough consonants to be told apart gets one (see {@link soundAlike}).
 */
export function consonantKey(key: string): string {
  return key.replace(/(?<=.)[aeiouy]/g, '').replace(/(.)\1+/g, '$1');
}

/** Fewest consonants a skeleton needs before two words may match by it alone. */
const SKELETON_MIN = 5;

const CYRILLIC = /[а-я]/;
const LATIN = /[a-z]/;

const keyOf = memoized(50_000, soundKey);

/** A case ending or a diminutive a Russian buyer puts on a Latin name: "андроид|ом", "есим|ку", "айфон|а". */
const DECLINED = /(?:ом|ем|ой|ами|ах|ов|ку|ка|ки|ке|кой|у|а|е|ы|и)$/;

/** Whether two words of different scripts sound alike ("айфон" / «iphone», "андроидом" / «android»). */
export function soundAlike(a: string, b: string): boolean {
  const differ = (CYRILLIC.test(a) && LATIN.test(b)) || (LATIN.test(a) && CYRILLIC.test(b));
  if (!differ || a.length < 4 || b.length < 4) return false;
  const alike = (p: string, q: string) => {
    const [x, y] = [keyOf(p), keyOf(q)];
    if (x === y || (Math.min(x.length, y.length) >= 4 && oneEditApart(x, y))) return true;
    const [cx, cy] = [consonantKey(keyOf(softG(p))), consonantKey(keyOf(softG(q)))];
    return cx === cy && cx.length >= SKELETON_MIN;
  };
  if (alike(a, b)) return true;
  const [ru, latin] = CYRILLIC.test(a) ? [a, b] : [b, a];
  const bare = ru.replace(DECLINED, '');
  return bare !== ru && bare.length >= 4 && alike(bare, latin);
}

/**
 * A capitalised word inside a sentence is a name («Красный проспект», «Белый ветер»): it names no
 * colour ("Какие цвета есть?").
 */
function properName(t: Token, text: string): boolean {
  const first = text[t.start];
  if (!first || first === first.toLowerCase()) return false;
  const before = text.slice(0, t.start).trimEnd();
  return before.length > 0 && !/[.!?\n]$/u.test(before) && !/^\p{Lu}+$/u.test(text.slice(t.start, t.end));
}

/**
 * A question number is found as itself or inside a range the text gives ("от 4 до 7 лет", "100–125 см");
 * not inside a span of hours («с 9:00 до 22:00» holds no 8 kg).
 */
function numberFound(value: number, tokens: readonly Token[], text: string): boolean {
  if (tokens.some((t) => /^\d+$/.test(t.word) && Number(t.word) === value)) return true;
  const range = /(?<![\d:.,])(\d+(?:[.,]\d+)?)(?!:)\s*(?:[–—-]|до|to)\s*(\d+(?:[.,]\d+)?)(?![:\d])/giu;
  for (const m of text.matchAll(range)) {
    const [from, to] = [Number(m[1]!.replace(',', '.')), Number(m[2]!.replace(',', '.'))];
    if (from <= value && value <= to) return true;
  }
  return false;
}

export interface FindOptions {
  /**
   * Relate words only through synonyms ("привезём" / «доставка»), not through what answers a question
   * ("бесплатно" answers "сколько стоит?", but a source's «500 рублей» does not back a claim «бесплатно»).
   */
  synonymsOnly?: boolean;
}

/** Text a question is checked against: its words, and the raw text for prices, sizes and ranges. */
export interface Evidence {
  tokens: readonly Token[];
  text: string;
  /** Hyphenated words joined ("трейд-ин" → "трейдин"): a buyer's joined spelling finds them. */
  joined?: readonly Token[];
}

/**
 * Evidence already built, by text: the shop's passages come back chat after chat, and a shared Evidence
 * keeps {@link findTerm}'s memo of it. At most {@link EVIDENCE_CACHE_CHARS} characters of text (with their
 * tokens and memos some 6–12 MB): a shop's documents fit many times over; the answers joined with their
 * passages, new every chat, pass through. A long-running service keeps it full, so it is not larger.
 */
export const EVIDENCE_CACHE_CHARS = 300_000;
const evidenceCache = new TextCache<Evidence>(EVIDENCE_CACHE_CHARS);

/** The evidence of `text`: the same (immutable) object for the same text while it stays cached. */
export function evidenceOf(text: string): Evidence {
  return evidenceCache.get(text, wordsOf);
}

/** How many texts and characters the evidence cache holds (for its tests). */
export const evidenceCacheSize = () => evidenceCache.size;

/**
 * The words of a text, line by line: an answer and the passages it rests on make a new text each chat,
 * but its lines (the passages' paragraphs) come back. No word or hyphenated pair spans a line break, and a
 * line break is as much a boundary to the tokenizer as the text's ends, so the tokens are those of the
 * whole text. Lines are kept up to {@link LINE_CACHE_CHARS} characters (some 4 MB with their tokens).
 */
function wordsOf(text: string): Evidence {
  const tokens: Token[] = [];
  const joined: Token[] = [];
  let offset = 0;
  for (const line of text.split('\n')) {
    const words = lineCache.get(line, lineWords);
    for (const t of words.tokens) tokens.push(offset === 0 ? t : shifted(t, offset));
    for (const t of words.joined) joined.push(offset === 0 ? t : shifted(t, offset));
    offset += line.length + 1;
  }
  return { tokens, text, joined };
}

const shifted = (t: Token, offset: number): Token => ({
  word: t.word,
  stem: t.stem,
  start: t.start + offset,
  end: t.end + offset,
});

interface LineWords {
  tokens: readonly Token[];
  joined: readonly Token[];
}

const LINE_CACHE_CHARS = 200_000;
const lineCache = new TextCache<LineWords>(LINE_CACHE_CHARS);
const lineWords = (line: string): LineWords => ({ tokens: tokenize(line), joined: hyphenJoined(line) });

/**
 * The evidence's distinct tokens (by word and stem), by first letter of the word and of the stem: a
 * word is a form, a derivation or a misspelling of another only if both begin alike (see {@link lookUp}),
 * so a lookup reads a bucket, not every token. Built on first need, per evidence.
 */
interface TokenIndex {
  distinct: readonly Token[];
  byWord: ReadonlyMap<string, readonly Token[]>;
  byStem: ReadonlyMap<string, readonly Token[]>;
}

const tokenIndexes = new WeakMap<Evidence, TokenIndex>();
const NONE: readonly Token[] = [];
const first = (s: string) => s[0] ?? '';

function tokenIndexOf(evidence: Evidence): TokenIndex {
  let index = tokenIndexes.get(evidence);
  if (index) return index;
  // The first stem seen per word; a word with another stem (only in evidence made by hand) counts apart.
  const stemOf = new Map<string, string>();
  const others = new Set<string>();
  const distinct: Token[] = [];
  const byWord = new Map<string, Token[]>();
  const byStem = new Map<string, Token[]>();
  const add = (map: Map<string, Token[]>, key: string, t: Token) => {
    const list = map.get(key);
    if (list) list.push(t);
    else map.set(key, [t]);
  };
  for (const t of evidence.tokens) {
    const known = stemOf.get(t.word);
    if (known === t.stem) continue;
    if (known === undefined) stemOf.set(t.word, t.stem);
    else {
      const key = `${t.word}\u0000${t.stem}`;
      if (others.has(key)) continue;
      others.add(key);
    }
    distinct.push(t);
    add(byWord, first(t.word), t);
    add(byStem, first(t.stem), t);
  }
  index = { distinct, byWord, byStem };
  tokenIndexes.set(evidence, index);
  return index;
}

const concepts: (word: string) => Concept[] = memoized(20_000, conceptsOf);

/**
 * How a question's word is found in the evidence, or null: as a form of itself, as a notion the
 * lexicon relates ("привезёте" in «доставка»), misspelt by one letter ("гарнтия"), or spelt in the
 * other script ("изофикс" in «ISOFIX»). Numbers are found as themselves or inside a range.
 */
export function findTerm(term: Token, evidence: Evidence, options: FindOptions = {}): MatchKind | null {
  // A long message repeats its words, and a cached passage meets the same words chat after chat.
  let found = foundIn.get(evidence);
  if (!found) foundIn.set(evidence, (found = new Map()));
  const key = `${options.synonymsOnly ? 1 : 0}\u0000${term.stem}\u0000${term.word}`;
  let kind = found.get(key);
  if (kind === undefined) {
    if (found.size >= FOUND_PER_EVIDENCE) found.clear();
    found.set(key, (kind = lookUp(term, evidence, options)));
  }
  return kind;
}

/**
 * What {@link findTerm} found, per evidence (immutable once made) and term; at most
 * {@link FOUND_PER_EVIDENCE} terms per evidence, since a cached passage's evidence outlives many chats.
 */
const foundIn = new WeakMap<Evidence, Map<string, MatchKind | null>>();
const FOUND_PER_EVIDENCE = 5000;

function lookUp(term: Token, evidence: Evidence, options: FindOptions): MatchKind | null {
  if (/^\d+$/.test(term.word))
    return numberFound(Number(term.word), evidence.tokens, evidence.text) ? 'literal' : null;
  // Each of these relations holds only between words (and stems) of one first letter: a bucket is enough.
  const { distinct, byWord, byStem } = tokenIndexOf(evidence);
  const sameWord = byWord.get(first(term.word)) ?? NONE;
  const sameStemStart = byStem.get(first(term.stem)) ?? NONE;
  const literal = (t: Token) =>
    sameStem(t.stem, term.stem) ||
    sameWordForm(t.word, term.word) ||
    nearlyPrefix(t.word, term.word) ||
    sameVerb(t.word, term.word) ||
    alternatingForms(t, term) ||
    diminutiveOf(t.word, term.word);
  if (
    sameWord.some(literal) ||
    sameStemStart.some((t) => first(t.word) !== first(term.word) && literal(t)) ||
    evidence.joined?.some((t) => t.stem === term.stem || sameWordForm(t.word, term.word))
  ) {
    return 'literal';
  }
  // A longer word of the document made from the question's: "первый" взнос in «первоначальный» (never the
  // other way: "складной" is not «склад»).
  if (
    term.stem.length >= 4 &&
    sameStemStart.some((t) => t.stem.length > term.stem.length + 2 && t.stem.startsWith(term.stem))
  ) {
    return 'derived';
  }
  // A compound of the word: "самокат" in «электросамокат», "кресло" in «автокресло» (not the other way).
  if (term.stem.length >= 5 && distinct.some((t) => isCompoundOf(t.stem, term.stem))) {
    return 'literal';
  }
  const related = concepts(term.word).filter((c) => !options.synonymsOnly || c.ask === c.say);
  for (const c of related) {
    if (
      // A colour depends on where the word stands (a name or not): every occurrence counts.
      (c.name === 'colour'
        ? evidence.tokens.some((t) => c.say.test(t.word) && !properName(t, evidence.text))
        : distinct.some((t) => c.say.test(t.word))) ||
      c.shows?.test(evidence.text)
    )
      return 'concept';
  }
  if (term.stem.length >= 5 && !/\d/.test(term.word)) {
    const typo = sameWord.some(
      (t) =>
        t.stem.length >= 5 &&
        t.word[0] === term.word[0] &&
        (oneEditApart(t.stem, term.stem) ||
          oneEditApart(t.word, term.word) ||
          (Math.min(t.word.length, term.word.length) >= TWO_EDITS_MIN &&
            !t.word.startsWith(term.word) &&
            !term.word.startsWith(t.word) &&
            twoEditsApart(t.word, term.word))),
    );
    if (typo) return 'typo';
  }
  if (distinct.some((t) => soundAlike(term.word, t.word))) return 'script';
  return null;
}

/**
 * The stems an index knows, arranged to find the ones a stem not among them may have meant: another form
 * of the word ("колесик" for «колес»), a one-letter misspelling ("доствк" for «доставк»), the other script
 * ("изофикс" for «isofix»). For retrieval: a query word the index has never seen still finds its passages.
 * Built once per index version; a lookup reads the stems of one first letter and those of the other script.
 */
export class StemVocabulary {
  private readonly byFirst = new Map<string, string[]>();
  private readonly latin: string[] = [];
  private readonly cyrillic: string[] = [];

  constructor(stems: Iterable<string>) {
    for (const v of stems) {
      if (v.length < 4) continue;
      const list = this.byFirst.get(v[0]!);
      if (list) list.push(v);
      else this.byFirst.set(v[0]!, [v]);
      if (LATIN.test(v)) this.latin.push(v);
      else if (CYRILLIC.test(v)) this.cyrillic.push(v);
    }
  }

  /** The known stems `stem` may stand for (never itself). */
  near(stem: string): string[] {
    if (stem.length < 4 || /\d/.test(stem)) return [];
    const out: string[] = [];
    for (const v of this.byFirst.get(stem[0]!) ?? []) {
      if (v === stem) continue;
      // Retrieval may over-reach (the coverage check decides): a stem cut one letter short ("дива" for
      // "диван") finds its longer forms too.
      const cutShort = Math.abs(v.length - stem.length) <= 1 && (v.startsWith(stem) || stem.startsWith(v));
      if (sameStem(v, stem) || cutShort || (stem.length >= 5 && v.length >= 5 && oneEditApart(v, stem))) {
        out.push(v);
      }
    }
    const other = CYRILLIC.test(stem) ? this.latin : LATIN.test(stem) ? this.cyrillic : [];
    if (other.length > 0) {
      const key = keyOf(stem);
      for (const v of other) {
        if (Math.abs(v.length - stem.length) > 3) continue;
        const theirs = keyOf(v);
        if (
          theirs === key ||
          (key.length >= 5 && theirs.length >= 5 && oneEditApart(key, theirs)) ||
          soundAlike(stem, v)
        )
          out.push(v);
      }
    }
    return out;
  }
}

/**
 * Whether the evidence talks about a notion that contrasts with the word's ("самовывоз" for a question
 * about delivery): then a title naming both does not make it an answer.
 */
export function contrasts(term: Token, evidence: Evidence): boolean {
  return concepts(term.word).some((c) => {
    const other = c.contrast ? conceptNamed(c.contrast) : undefined;
    return other !== undefined && evidence.tokens.some((t) => other.say.test(t.word));
  });
}

/** A place the sentence names: a known city, or a capitalised word after «в», «во», «до», «по», «из». */
const PLACE_AFTER = /(?:^|[\s(«"])(?:[вВ]|[вВ]о|[дД]о|[пП]о|[иИ]з|[пП]од)\s+(\p{Lu}[\p{L}-]+)/gu;

/**
 * Whether the sentence is about a place other than the one asked ("доставка в Адыгею" for a question
 * about Krasnodar): then only the place itself, not "город" or the title, answers where.
 */
export function namesOtherPlace(term: Token, evidence: Evidence): boolean {
  if (!concepts(term.word).some((c) => c.name === 'city')) return false;
  const places = [...evidence.text.matchAll(PLACE_AFTER)].map((m) => tokenize(m[1]!)[0]!).filter(Boolean);
  const cities = evidence.tokens.filter((t) => concepts(t.word).some((c) => c.name === 'city'));
  // «по России», «в регионы» is where every city is.
  const whole = conceptNamed('region')!;
  return [...places, ...cities].some(
    (p) => !whole.ask.test(p.word) && !sameStem(p.stem, term.stem) && !sameWordForm(p.word, term.word),
  );
}
