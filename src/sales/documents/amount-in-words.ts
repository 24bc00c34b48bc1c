import type { Kopecks } from '../money.js';

/** Forms of a Russian noun after a number: one (1, 21), few (2–4, 22–24), many (0, 5–20, 25–30). */
type Forms = readonly [one: string, few: string, many: string];

/** The form of a noun that follows `n`: 1 рубль, 2 рубля, 5 рублей, 11 рублей, 21 рубль. */
export function plural(n: bigint | number, forms: Forms): string {
  const v = BigInt(n) < 0n ? -BigInt(n) : BigInt(n);
  const mod100 = v % 100n;
  const mod10 = v % 10n;
  if (mod100 >= 11n && mod100 <= 14n) return forms[2];
  if (mod10 === 1n) return forms[0];
  if (mod10 >= 2n && mod10 <= 4n) return forms[1];
  return forms[2];
}

const HUNDREDS = [
  '',
  'сто',
  'двести',
  'триста',
  'четыреста',
  'пятьсот',
  'шестьсот',
  'семьсот',
  'восемьсот',
  'девятьсот',
];
const TENS = [
  '',
  '',
  'двадцать',
  'тридцать',
  'сорок',
  'пятьдесят',
  'шестьдесят',
  'семьдесят',
  'восемьдесят',
  'девяносто',
];
const TEENS = [
  'десять',
  'одиннадцать',
  'двенадцать',
  'тринадцать',
  'четырнадцать',
  'пятнадцать',
  'шестнадцать',
  'семнадцать',
  'восемнадцать',
  'девятнадцать',
];
const UNITS_MASCULINE = ['', 'один', 'два', 'три', 'четыре', 'пять', 'шесть', 'семь', 'восемь', 'девять'];
const UNITS_FEMININE = ['', 'одна', 'две', 'три', 'четыре', 'пять', 'шесть', 'семь', 'восемь', 'девять'];

/** 0–999 in words, in the gender of the noun that follows. */
function triad(n: number, feminine: boolean): string[] {
  const words: string[] = [];
  const h = Math.trunc(n / 100);
  const rest = n % 100;
  if (h) words.push(HUNDREDS[h]!);
  if (rest >= 10 && rest < 20) words.push(TEENS[rest - 10]!);
  else {
    const t = Math.trunc(rest / 10);
    const u = rest % 10;
    if (t) words.push(TENS[t]!);
    if (u) words.push((feminine ? UNITS_FEMININE : UNITS_MASCULINE)[u]!);
  }
  return words;
}

/** Scales above units: тысяча is feminine, the rest masculine. */
const SCALES: readonly { forms: Forms; feminine: boolean }[] = [
  { forms: ['тысяча', 'тысячи', 'тысяч'], feminine: true },
  { forms: ['миллион', 'миллиона', 'миллионов'], feminine: false },
  { forms: ['миллиард', 'миллиарда', 'миллиардов'], feminine: false },
  { forms: ['триллион', 'триллиона', 'триллионов'], feminine: false },
];

/**
 * A whole number in Russian words for a noun of the given gender: 1 → «один» (рубль), «одна» (копейка);
 * 2 000 → «две тысячи»; 0 → «ноль».
 */
export function numberInWords(n: bigint, feminine = false): string {
  if (n < 0n) throw new RangeError('expected a non-negative number');
  if (n === 0n) return 'ноль';
  const groups: number[] = [];
  for (let v = n; v > 0n; v /= 1000n) groups.push(Number(v % 1000n));
  if (groups.length > SCALES.length + 1) throw new RangeError('number too large to spell');
  const words: string[] = [];
  for (let i = groups.length - 1; i >= 0; i--) {
    const g = groups[i]!;
    if (g === 0) continue;
    if (i === 0) words.push(...triad(g, feminine));
    else {
      const scale = SCALES[i - 1]!;
      words.push(...triad(g, scale.feminine), plural(g, scale.forms));
    }
  }
  return words.join(' ');
}

const RUBLES: Forms = ['рубль', 'рубля', 'рублей'];
const KOPECKS: Forms = ['копейка', 'копейки', 'копеек'];

/**
 * The sum in words as Russian invoices write it: rubles in words, kopecks in digits, capitalised.
 * 1250000 → «Двенадцать тысяч пятьсот рублей 00 копеек»; 2101 → «Двадцать один рубль 01 копейка».
 */
export function amountInWords(kopecks: Kopecks): string {
  if (!Number.isSafeInteger(kopecks) || kopecks < 0) throw new RangeError('expected non-negative kopecks');
  const rubles = BigInt(Math.trunc(kopecks / 100));
  const k = kopecks % 100;
  const words = `${numberInWords(rubles)} ${plural(rubles, RUBLES)} ${String(k).padStart(2, '0')} ${plural(k, KOPECKS)}`;
  return words.charAt(0).toUpperCase() + words.slice(1);
}
