/**
 * The Snowball Russian stemmer (Porter's algorithm as published on snowballstem.org), compact.
 * Input: one lower-case word with `ё` already folded to `е`.
 */

const VOWELS = 'аеиоуыэюя';
const isVowel = (c: string | undefined) => c !== undefined && VOWELS.includes(c);

const byLength = (list: string) => list.split(' ').sort((a, b) => b.length - a.length);

const GERUND_1 = byLength('в вши вшись');
const GERUND_2 = byLength('ив ивши ившись ыв ывши ывшись');
const REFLEXIVE = byLength('ся сь');
const ADJECTIVE = byLength(
  'ее ие ые ое ими ыми ей ий ый ой ем им ым ом его ого ему ому их ых ую юю ая яя ою ею',
);
const PARTICIPLE_1 = byLength('ем нн вш ющ щ');
const PARTICIPLE_2 = byLength('ивш ывш ующ');
const VERB_1 = byLength('ла на ете йте ли й л ем н ло но ет ют ны ть ешь нно');
const VERB_2 = byLength(
  'ила ыла ена ейте уйте ите или ыли ей уй ил ыл им ым ен ило ыло ено ят ует уют ит ыт ены ить ыть ишь ую ю',
);
const NOUN = byLength(
  'а ев ов ие ье е иями ями ами еи ии и ией ей ой ий й иям ям ием ем ам ом о у ах иях ях ы ь ию ью ю ия ья я',
);
const DERIVATIONAL = byLength('ост ость');
const SUPERLATIVE = byLength('ейш ейше');

/** Start of RV (after the first vowel) and R2, as offsets into `word`. */
function regions(word: string): { rv: number; r2: number } {
  let rv = word.length;
  for (let i = 0; i < word.length; i++) {
    if (isVowel(word[i])) {
      rv = i + 1;
      break;
    }
  }
  const after = (from: number) => {
    for (let i = from + 1; i < word.length; i++) {
      if (!isVowel(word[i]) && isVowel(word[i - 1])) return i + 1;
    }
    return word.length;
  };
  const r1 = after(0);
  return { rv, r2: after(r1) };
}

/**
 * Removes the longest ending of `list` found in `s` (the RV part). With `afterAYa` the ending must
 * follow `а` or `я`, which stays. Returns the shortened string, or undefined when nothing matched.
 */
function strip(s: string, list: readonly string[], afterAYa = false): string | undefined {
  for (const ending of list) {
    if (!s.endsWith(ending)) continue;
    const rest = s.slice(0, s.length - ending.length);
    if (afterAYa && !(rest.endsWith('а') || rest.endsWith('я'))) continue;
    return rest;
  }
  return undefined;
}

/** Tries group-1 endings (after а/я) and group-2 endings; the longer match wins. */
function stripGroups(s: string, group1: readonly string[], group2: readonly string[]): string | undefined {
  const a = strip(s, group1, true);
  const b = strip(s, group2);
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a.length <= b.length ? a : b;
}

/** Stems one Russian word (lower case, `ё` folded). Words without a vowel come back unchanged. */
export function stemRussian(word: string): string {
  const { rv, r2 } = regions(word);
  if (rv >= word.length) return word;
  const head = word.slice(0, rv);
  let s = word.slice(rv);

  // Step 1.
  const gerund = stripGroups(s, GERUND_1, GERUND_2);
  if (gerund !== undefined) {
    s = gerund;
  } else {
    s = strip(s, REFLEXIVE) ?? s;
    const adjective = strip(s, ADJECTIVE);
    if (adjective !== undefined) {
      s = stripGroups(adjective, PARTICIPLE_1, PARTICIPLE_2) ?? adjective;
    } else {
      const verb = stripGroups(s, VERB_1, VERB_2);
      s = verb ?? strip(s, NOUN) ?? s;
    }
  }
  // Step 2.
  if (s.endsWith('и')) s = s.slice(0, -1);
  // Step 3: the derivational ending must lie in R2.
  const r2InS = Math.max(0, r2 - rv);
  const derivational = strip(s, DERIVATIONAL);
  if (derivational !== undefined && derivational.length >= r2InS) s = derivational;
  // Step 4.
  if (s.endsWith('нн')) {
    s = s.slice(0, -1);
  } else {
    const superlative = strip(s, SUPERLATIVE);
    if (superlative !== undefined) {
      s = superlative.endsWith('нн') ? superlative.slice(0, -1) : superlative;
    } else if (s.endsWith('ь')) {
      s = s.slice(0, -1);
    }
  }
  return head + s;
}
