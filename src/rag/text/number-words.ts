/**
 * Numbers written in Russian words, in any case and gender: "две тысячи пятьсот", "сотню",
 * "полторы тысячи", "двухсот", "пятихатку". A lone "один"/"одна" is left out: it is mostly a word
 * ("одна из моделей"), not an amount.
 */
import { memoized } from './memo.js';

/** One number found in a text, with its span. */
export interface WordNumber {
  value: number;
  start: number;
  end: number;
}

type Kind = 'unit' | 'teen' | 'ten' | 'hundred' | 'fraction' | 'whole' | 'scale';

/** Word forms (lower case, `ё` folded) and what they are. */
const FORMS: ReadonlyArray<readonly [RegExp, Kind, number]> = [
  [/^(один|одна|одно|одну|одного|одной|одному|одним|одном|одною)$/, 'unit', 1],
  [/^(два|две|двух|двум|двумя)$/, 'unit', 2],
  [/^(три|трех|трем|тремя)$/, 'unit', 3],
  [/^(четыре|четырех|четырем|четырьмя)$/, 'unit', 4],
  [/^(пять|пяти|пятью)$/, 'unit', 5],
  [/^(шесть|шести|шестью)$/, 'unit', 6],
  // Not "семью": far more often "family" than "by seven".
  [/^(семь|семи)$/, 'unit', 7],
  [/^(восемь|восьми|восемью|восьмью)$/, 'unit', 8],
  [/^(девять|девяти|девятью)$/, 'unit', 9],
  // Not "нуля": "с нуля" is an idiom.
  [/^(ноль|нуль|нолю|нулю|нолем|нулем)$/, 'unit', 0],
  [/^десят(ь|и|ью)$/, 'teen', 10],
  [/^одиннадцат(ь|и|ью)$/, 'teen', 11],
  [/^двенадцат(ь|и|ью)$/, 'teen', 12],
  [/^тринадцат(ь|и|ью)$/, 'teen', 13],
  [/^четырнадцат(ь|и|ью)$/, 'teen', 14],
  [/^пятнадцат(ь|и|ью)$/, 'teen', 15],
  [/^шестнадцат(ь|и|ью)$/, 'teen', 16],
  [/^семнадцат(ь|и|ью)$/, 'teen', 17],
  [/^восемнадцат(ь|и|ью)$/, 'teen', 18],
  [/^девятнадцат(ь|и|ью)$/, 'teen', 19],
  [/^двадцат(ь|и|ью)$/, 'ten', 20],
  [/^тридцат(ь|и|ью)$/, 'ten', 30],
  [/^сорока?$/, 'ten', 40],
  [/^пят(ь|и|ью)десят(и|ью)?$/, 'ten', 50],
  [/^шест(ь|и|ью)десят(и|ью)?$/, 'ten', 60],
  [/^сем(ь|и|ью)десят(и|ью)?$/, 'ten', 70],
  [/^(восем(ь|ью)|восьм(и|ью))десят(и|ью)?$/, 'ten', 80],
  [/^девяност[оа]$/, 'ten', 90],
  [/^(сто|ста)$/, 'hundred', 100],
  [/^(полтораста|полутораста)$/, 'hundred', 150],
  [/^(двести|двухсот|двумстам|двумястами|двухстах)$/, 'hundred', 200],
  [/^(триста|трехсот|тремстам|тремястами|трехстах)$/, 'hundred', 300],
  [/^(четыреста|четырехсот|четыремстам|четырьмястами|четырехстах)$/, 'hundred', 400],
  [/^(пятьсот|пятисот|пятистам|пятьюстами|пятистах)$/, 'hundred', 500],
  [/^(шестьсот|шестисот|шестистам|шестьюстами|шестистах)$/, 'hundred', 600],
  [/^(семьсот|семисот|семистам|семьюстами|семистах)$/, 'hundred', 700],
  [/^(восемьсот|восьмисот|восьмистам|восемьюстами|восьмьюстами|восьмистах)$/, 'hundred', 800],
  [/^(девятьсот|девятисот|девятистам|девятьюстами|девятистах)$/, 'hundred', 900],
  [/^(полтора|полторы|полутора)$/, 'fraction', 1.5],
  // Amounts in one word, colloquial ones included.
  [/^полсотн[иеюя]$/, 'whole', 50],
  [/^полтысяч[иеау]?$/, 'whole', 500],
  [/^полмиллион[аеу]?$/, 'whole', 500_000],
  [/^(червонец|червонца|червонцу|червонцем|червонцы|червонцев)$/, 'whole', 10],
  [/^(полтинник|полтинника|полтиннику|полтинником|полтинники|полтинников)$/, 'whole', 50],
  [/^(пятихатк[аиуеой]|пятихаткой|пятихаток)$/, 'whole', 500],
  [/^(сотн[яиюе]|сотней|сотнею|сотен|сотням|сотнями|сотнях|сотк[аиуе]|соткой|соток)$/, 'scale', 100],
  [
    /^(тысяч[аиуе]?|тысячей|тысячею|тысячам|тысячами|тысячах|тыщ[аиуе]?|тыщей|косар[ьяюе]|косарей|косарем)$/,
    'scale',
    1000,
  ],
  [
    /^(миллион|миллиона|миллиону|миллионом|миллионе|миллионы|миллионов|миллионам|миллионами|миллионах)$/,
    'scale',
    1_000_000,
  ],
  [
    /^(миллиард|миллиарда|миллиарду|миллиардом|миллиарде|миллиарды|миллиардов|миллиардам|миллиардами|миллиардах)$/,
    'scale',
    1_000_000_000,
  ],
];

/** Which kinds may follow which within one number ("двести пятьдесят три тысячи"). */
const MAY_FOLLOW: Record<Kind | 'start', readonly Kind[]> = {
  start: ['unit', 'teen', 'ten', 'hundred', 'fraction', 'whole', 'scale'],
  hundred: ['ten', 'teen', 'unit', 'scale'],
  ten: ['unit', 'scale'],
  teen: ['scale'],
  unit: ['scale'],
  fraction: ['scale'],
  whole: [],
  scale: ['hundred', 'ten', 'teen', 'unit', 'scale'],
};

/** What a normalised word is, remembered: drafts and sources repeat their words, each tried against every form. */
const formOfNormal = memoized(20_000, (w): readonly [Kind, number] | null => {
  for (const [re, kind, value] of FORMS) if (re.test(w)) return [kind, value];
  return null;
});

const formOf = (word: string) => formOfNormal(word.toLowerCase().replaceAll('ё', 'е'));

interface Building {
  start: number;
  end: number;
  last: Kind | 'start';
  total: number;
  chunk: number;
  lastScale: number;
  words: number;
  loneOne: boolean;
}

/** Every number written in words in `text`, left to right. */
export function findWordNumbers(text: string): WordNumber[] {
  const numbers: Building[] = [];
  let open = false;
  for (const m of text.matchAll(/[а-яё]+/giu)) {
    const form = formOf(m[0]);
    if (!form) {
      open = false;
      continue;
    }
    const [kind, value] = form;
    const start = m.index;
    const prev = open ? numbers[numbers.length - 1] : undefined;
    const fits =
      prev !== undefined &&
      /^\s+$/.test(text.slice(prev.end, start)) &&
      MAY_FOLLOW[prev.last].includes(kind) &&
      (kind !== 'scale' || value < prev.lastScale);
    const n: Building = fits
      ? prev
      : {
          start,
          end: start,
          last: 'start',
          total: 0,
          chunk: 0,
          lastScale: Number.POSITIVE_INFINITY,
          words: 0,
          loneOne: kind === 'unit' && value === 1,
        };
    if (!fits) numbers.push(n);
    if (kind === 'scale') {
      n.total += (n.chunk || 1) * value;
      n.chunk = 0;
      n.lastScale = value;
    } else {
      n.chunk += value;
    }
    n.last = kind;
    n.end = start + m[0].length;
    n.words++;
    open = true;
  }
  return numbers
    .filter((n) => !(n.words === 1 && n.loneOne))
    .map((n) => ({ value: n.total + n.chunk, start: n.start, end: n.end }));
}
