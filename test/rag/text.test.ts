import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  alternatingForms,
  consonantKey,
  diminutiveOf,
  EVIDENCE_CACHE_CHARS,
  evidenceCacheSize,
  evidenceOf,
  findTerm,
  oneEditApart,
  sameStem,
  sameVerb,
  sameWordForm,
  soundAlike,
  soundKey,
  StemVocabulary,
  twoEditsApart,
} from '../../src/rag/text/match.js';
import { memoized } from '../../src/rag/text/memo.js';
import { findWordNumbers } from '../../src/rag/text/number-words.js';
import { splitSentences } from '../../src/rag/text/sentences.js';
import { TextCache } from '../../src/rag/text/text-cache.js';
import { hyphenJoined, tokenize } from '../../src/rag/text/tokens.js';

const word = (w: string) => tokenize(w)[0]!;

describe('sentences (splitSentences)', () => {
  it('when a document has headings, paragraphs, decimals, abbreviations and units, then sentences end where a reader ends them', () => {
    const text =
      '# Доставка\n\nКолёса 27.5 дюйма, вес 15,5 кг. Адрес: ул. Малышева, 120.\nСтол 120 × 60 см. Ящики на доводчиках!\n\nПишите.';
    expect(splitSentences(text).map((s) => [s.text, s.paragraph, s.heading])).toEqual([
      ['Доставка', 0, true],
      ['Колёса 27.5 дюйма, вес 15,5 кг.', 1, false],
      ['Адрес: ул. Малышева, 120.', 1, false],
      ['Стол 120 × 60 см.', 1, false],
      ['Ящики на доводчиках!', 1, false],
      ['Пишите.', 2, false],
    ]);
  });

  it('when a line is a list item, then its marker is not part of the sentence and offsets point at the text', () => {
    const text = '- Самовывоз бесплатный\n2) Доставка 500 ₽';
    const sentences = splitSentences(text);
    expect(sentences.map((s) => s.text)).toEqual(['Самовывоз бесплатный', 'Доставка 500 ₽']);
    for (const s of sentences) expect(text.slice(s.start, s.end)).toBe(s.text);
  });
});

describe('word matching', () => {
  it('when stems are forms of one word, then they match; short look-alikes do not', () => {
    expect(sameStem('гарант', 'гарантийн')).toBe(true);
    expect(sameStem('колес', 'колесик')).toBe(true);
    expect(sameStem('ребенок', 'ребенк')).toBe(true);
    expect(sameStem('хран', 'хранен')).toBe(true);
    // Persons of a verb the stemmer cuts apart: "поможете" → "поможет", «поможем» → "помож".
    expect(sameStem('поможет', 'помож')).toBe(true);
    expect(sameStem('встанут', 'встан')).toBe(true);
    expect(sameStem('паркет', 'парк')).toBe(false);
    expect(sameStem('склад', 'складн')).toBe(false);
    expect(sameStem('карт', 'картон')).toBe(false);
    expect(sameStem('стул', 'стол')).toBe(false);
  });

  it('when a word is misspelt by one letter, then it is one edit apart; one letter more is another word', () => {
    expect(oneEditApart('гарнтия', 'гарантия')).toBe(true);
    expect(oneEditApart('доствка', 'доставка')).toBe(true);
    expect(oneEditApart('самовывос', 'самовывоз')).toBe(true);
    expect(oneEditApart('склад', 'складн')).toBe(false);
  });

  it('when a long word is misspelt twice, then it is found; a short one twice misspelt is another word', () => {
    expect(twoEditsApart('гарнтийный', 'гарантийнй')).toBe(true);
    expect(twoEditsApart('рассрочку', 'расрочкку')).toBe(true);
    expect(twoEditsApart('доставка', 'добавки')).toBe(false);
    expect(findTerm(word('халодильнек'), evidenceOf('Холодильник двухкамерный.'))).toBe('typo');
    expect(findTerm(word('ботинки'), evidenceOf('Батонки в наличии.'))).toBeNull();
  });

  it('when a word is a diminutive with «-очк-», then it is the word; a short base only its «-к-» word', () => {
    expect(diminutiveOf('коробочка', 'коробка')).toBe(true);
    expect(diminutiveOf('мешок', 'мешочек')).toBe(true);
    expect(diminutiveOf('листочек', 'лист')).toBe(true);
    expect(diminutiveOf('полочка', 'полка')).toBe(true);
    expect(diminutiveOf('полочка', 'пол')).toBe(false);
    expect(diminutiveOf('точечный', 'точка')).toBe(false);
    expect(findTerm(word('коробочку'), evidenceOf('В коробке инструкция.'))).toBe('literal');
  });

  it('when a word is spelt in the other script, then it sounds alike', () => {
    expect(soundAlike('изофикс', 'isofix')).toBe(true);
    expect(soundAlike('кугу', 'kugoo')).toBe(true);
    expect(soundAlike('айфон', 'iphone')).toBe(true);
    expect(soundAlike('шимано', 'shimano')).toBe(true);
    expect(soundAlike('самсунг', 'xiaomi')).toBe(false);
    // Declined or made diminutive the Russian way.
    expect(soundAlike('андроидом', 'android')).toBe(true);
    expect(soundAlike('есимку', 'esim')).toBe(true);
    expect(soundAlike('андроидом', 'apple')).toBe(false);
  });

  it('when a Latin name is read with other vowels or a soft g, then its consonants still match; few consonants do not', () => {
    expect(soundAlike('спортейдж', 'sportage')).toBe(true);
    expect(soundAlike('кастамону', 'kastamonu')).toBe(true);
    expect(consonantKey(soundKey('sportage'))).toBe('sprtg');
    // Too few consonants to tell words apart by them alone.
    expect(soundAlike('найк', 'nike')).toBe(false);
    expect(soundAlike('кайт', 'kate')).toBe(false);
    expect(soundAlike('спортейдж', 'sprinter')).toBe(false);
    expect(new StemVocabulary(['sportage', 'sprinter']).near('спортейдж')).toEqual(['sportage']);
  });

  it('when a «-нять» verb changes aspect or tense, then its forms are one verb; another prefix or word is not', () => {
    expect(sameVerb('примете', 'принимаем')).toBe(true);
    expect(sameVerb('приму', 'принять')).toBe(true);
    expect(sameVerb('поднимете', 'поднять')).toBe(true);
    expect(sameVerb('сняли', 'снимаете')).toBe(true);
    expect(sameVerb('примете', 'поднимаем')).toBe(false);
    expect(sameVerb('примерно', 'принимаем')).toBe(false);
    expect(findTerm(word('примете'), evidenceOf('Телефоны с разбитым экраном принимаем с уценкой.'))).toBe(
      'literal',
    );
  });

  // Words as tokens carry them: lower case, «ё» folded.
  it('when a «-брать» verb changes aspect, tense or root vowel, then its forms are one verb; another prefix or word is not', () => {
    expect(sameVerb('разбирается', 'разобранном')).toBe(true);
    expect(sameVerb('соберете', 'собрать')).toBe(true);
    expect(sameVerb('сборка', 'соберете')).toBe(true);
    expect(sameVerb('заберу', 'забирать')).toBe(true);
    expect(sameVerb('подберете', 'подобрать')).toBe(true);
    // Assembling is not taking apart; a fence, a device and a kit are not verbs of taking.
    expect(sameVerb('разберете', 'собрать')).toBe(false);
    expect(sameVerb('забор', 'заберу')).toBe(false);
    expect(sameVerb('прибор', 'приберу')).toBe(false);
    expect(sameVerb('набор', 'наберу')).toBe(false);
    expect(sameVerb('добрый', 'доберу')).toBe(false);
    expect(sameVerb('сбербанк', 'соберу')).toBe(false);
    expect(findTerm(word('разбирается'), evidenceOf('Диван привозим в разобранном виде.'))).toBe('literal');
    // And a transport is a delivery.
    expect(findTerm(word('перевозки'), evidenceOf('Диван привозим в разобранном виде.'))).toBe('concept');
  });

  it('when «-слать», «-йти», «-везти» or «-нести» verbs change their root, then their forms are one verb; look-alikes are not', () => {
    expect(sameVerb('вышлете', 'высылаем')).toBe(true);
    expect(sameVerb('посылкой', 'пошлем')).toBe(true);
    expect(sameVerb('обойдется', 'обходится')).toBe(true);
    expect(sameVerb('придет', 'приходит')).toBe(true);
    expect(sameVerb('вывезете', 'вывоз')).toBe(true);
    expect(sameVerb('перевозка', 'перевезем')).toBe(true);
    expect(sameVerb('вынесете', 'выносим')).toBe(true);
    // Another prefix, another verb; and words that only look like a verb's forms.
    expect(sameVerb('вышлете', 'пошлем')).toBe(false);
    expect(sameVerb('после', 'пошлем')).toBe(false);
    expect(sameVerb('уход', 'уйдет')).toBe(false);
    expect(sameVerb('находится', 'найдется')).toBe(false);
    expect(sameVerb('относится', 'отнесете')).toBe(false);
    expect(sameVerb('подвеска', 'подвезете')).toBe(false);
    expect(findTerm(word('обойдётся'), evidenceOf('Доставка обходится в 500 рублей.'))).toBe('literal');
  });

  it('when the root of a verb ends in an alternating consonant, then its forms and its noun are one word; adjectives and look-alikes are not', () => {
    const same = (a: string, b: string) => alternatingForms(word(a), word(b));
    expect(same('поместится', 'помещается')).toBe(true);
    expect(same('ответите', 'отвечаем')).toBe(true);
    expect(same('оплачу', 'оплата')).toBe(true);
    expect(same('заряжается', 'зарядка')).toBe(true);
    expect(same('покажете', 'показываем')).toBe(true);
    expect(same('выезжаете', 'выезд')).toBe(true);
    expect(same('приедете', 'приезжаем')).toBe(true);
    expect(same('защищает', 'защита')).toBe(true);
    // Fewer than four letters in common, a noun of another meaning, an adjective.
    expect(same('пласт', 'плащ')).toBe(false);
    expect(same('поместится', 'помещение')).toBe(false);
    expect(same('обратно', 'обращайтесь')).toBe(false);
    expect(same('работаете', 'рабочих')).toBe(false);
    expect(findTerm(word('поместится'), evidenceOf('Помещается в багажник седана.'))).toBe('literal');
  });

  it('when a document hyphenates a word, then the joined spelling of a buyer finds it', () => {
    expect(hyphenJoined('Трейд-ин и wi-fi, а не «до 5-ти»').map((t) => t.word)).toEqual(['трейдин', 'wifi']);
    expect(findTerm(word('трейдин'), evidenceOf('Трейд-ин: принимаем старый смартфон.'))).toBe('literal');
    expect(findTerm(word('трейдин'), evidenceOf('Трейд принимаем.'))).toBeNull();
  });

  it('when a question word is looked up, then it is found as itself, a related word, a number in a range, or not at all', () => {
    const evidence = evidenceOf('Доставка по Москве — 500 ₽. Для детей от 4 до 7 лет. Крепление ISOFIX.');
    expect(findTerm(word('привезёте'), evidence)).toBe('concept');
    expect(findTerm(word('стоит'), evidence)).toBe('concept');
    expect(findTerm(word('5'), evidence)).toBe('literal');
    expect(findTerm(word('9'), evidence)).toBeNull();
    expect(findTerm(word('изофикс'), evidence)).toBe('script');
    expect(findTerm(word('рассрочка'), evidence)).toBeNull();
    // A claim is backed by synonyms only: «500 ₽» answers "сколько стоит?" but does not back "бесплатно".
    expect(findTerm(word('бесплатно'), evidence)).toBe('concept');
    expect(findTerm(word('бесплатно'), evidence, { synonymsOnly: true })).toBeNull();
  });

  it('when a query word is not in the index, then its forms, misspellings and other-script spellings are', () => {
    const vocabulary = new StemVocabulary(['колес', 'доставк', 'isofix', 'гарант', 'диван']);
    expect(vocabulary.near('колесик')).toEqual(['колес']);
    expect(vocabulary.near('доствк')).toEqual(['доставк']);
    expect(vocabulary.near('изофикс')).toEqual(['isofix']);
    expect(vocabulary.near('дива')).toEqual(['диван']);
    expect(vocabulary.near('погод')).toEqual([]);
  });
});

describe('evidence of a text (evidenceOf)', () => {
  it('when the same text is read twice, then the same evidence comes back, and another for another text', () => {
    const text = 'Доставка по Казани — 300 ₽, в пригород — 500 ₽.';
    const evidence = evidenceOf(text);
    expect(evidenceOf(`${text}`)).toBe(evidence);
    expect(evidenceOf(`${text} `)).not.toBe(evidence);
    expect(evidenceOf('Самовывоз из Казани.').text).toBe('Самовывоз из Казани.');
  });

  it('when more text is read than the cache holds, then it keeps within its bound and drops the oldest', () => {
    const first = evidenceOf(`Гарантия на шуруповёрт ${'один год. '.repeat(1000)}`);
    for (let i = 0; i < 120; i++) evidenceOf(`Текст номер ${i}. ${'доставка курьером '.repeat(500)}`);
    const { texts, chars } = evidenceCacheSize();
    expect(chars).toBeLessThanOrEqual(EVIDENCE_CACHE_CHARS);
    expect(texts).toBeGreaterThan(0);
    expect(evidenceOf(first.text)).not.toBe(first);
    expect(evidenceOf(first.text).tokens).toEqual(first.tokens);
  });

  it('when a text is read line by line from the cache, then its words are those of the whole text', () => {
    const piece = fc.constantFrom(
      'Доставка',
      'трейд-ин',
      'wi-fi',
      '22мм',
      '5кг',
      'rtx3060',
      '1 500 ₽',
      'Ёлка',
      '-',
      ' ',
      '\n',
      '\n\n',
      'до',
      '4–7',
      'а-',
      '-б',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const text = pieces.join('');
        const fresh = { tokens: tokenize(text), joined: hyphenJoined(text) };
        for (const evidence of [evidenceOf(text), evidenceOf(text)]) {
          expect(evidence.tokens).toEqual(fresh.tokens);
          expect(evidence.joined).toEqual(fresh.joined);
        }
      }),
    );
  });

  it('when two words are forms of one word, then they begin with the same letter (lookups read one letter)', () => {
    // findTerm compares a word only with the evidence's words (and stems) of its own first letter.
    const word = fc
      .tuple(
        fc.constantFrom('', 'при', 'под', 'с', 'от', 'по', 'вы', 'за', 'о', 'а', 'е'),
        fc.constantFrom(
          'ним',
          'ня',
          'колес',
          'коробоч',
          'короб',
          'мешоч',
          'ребен',
          'склад',
          'дива',
          'ше',
          'ок',
        ),
        fc.constantFrom(
          '',
          'а',
          'ок',
          'ек',
          'ка',
          'ик',
          'ет',
          'ут',
          'ен',
          'ени',
          'н',
          'ной',
          'ть',
          'л',
          'ами',
          'ов',
        ),
      )
      .map((parts) => parts.join(''))
      .filter((w) => w.length > 0);
    fc.assert(
      fc.property(word, word, (a, b) => {
        const [ta, tb] = [tokenize(a)[0]!, tokenize(b)[0]!];
        if (sameStem(ta.stem, tb.stem)) expect(ta.stem[0]).toBe(tb.stem[0]);
        if (sameWordForm(a, b) || sameVerb(a, b) || diminutiveOf(a, b)) expect(a[0]).toBe(b[0]);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('values kept by text (TextCache)', () => {
  const counting = () => {
    const made: string[] = [];
    return { made, make: (text: string) => (made.push(text), { of: text }) };
  };

  it('when a text is asked again, then the value made for it comes back, not a new one', () => {
    const cache = new TextCache<{ of: string }>(100);
    const { made, make } = counting();
    const value = cache.get('доставка', make);
    expect(cache.get('доставка', make)).toBe(value);
    expect(cache.get('самовывоз', make)).not.toBe(value);
    expect(made).toEqual(['доставка', 'самовывоз']);
  });

  it('when more characters come than the bound, then the texts used lately stay, the others go and the bound holds', () => {
    const cache = new TextCache<{ of: string }>(30);
    const { made, make } = counting();
    const texts = Array.from({ length: 10 }, (_, i) => `т${String(i).padStart(2, '0')}`);
    for (const t of texts) {
      cache.get(t, make);
      if (t === texts[5]) cache.get(texts[0]!, make);
      expect(cache.size.chars).toBeLessThanOrEqual(30);
    }
    cache.get(texts[0]!, make);
    cache.get(texts[1]!, make);
    expect(made).toEqual([...texts, texts[1]]);
  });

  it('when a text is longer than a tenth of the bound, then it is made each time and nothing is pushed out', () => {
    const cache = new TextCache<{ of: string }>(100);
    const { made, make } = counting();
    cache.get('короткий', make);
    const long = 'д'.repeat(11);
    expect(cache.get(long, make)).not.toBe(cache.get(long, make));
    expect(cache.size).toEqual({ texts: 1, chars: 8 });
    expect(made).toEqual(['короткий', long, long]);
  });
});

describe('values remembered by word (memoized)', () => {
  it('when a word comes again, then its value is not made again, and a full memo starts over', () => {
    const made: string[] = [];
    const upper = memoized(2, (w) => {
      made.push(w);
      return w.toUpperCase();
    });
    expect([upper('да'), upper('да'), upper('нет')]).toEqual(['ДА', 'ДА', 'НЕТ']);
    expect(made).toEqual(['да', 'нет']);
    // Full at two words: the third clears it, so the first is made again.
    upper('может');
    upper('да');
    expect(made).toEqual(['да', 'нет', 'может', 'да']);
  });

  it('when the value is null or false, then it is remembered too', () => {
    let calls = 0;
    const never = memoized(10, () => {
      calls += 1;
      return null;
    });
    never('слово');
    never('слово');
    expect(calls).toBe(1);
  });
});

describe('numbers in words (findWordNumbers)', () => {
  it('when the same words come again, then they are read as the first time, each word as itself', () => {
    const text = 'Пятьсот рублей за стол, две тысячи за стул';
    const expected = [
      { value: 500, start: 0, end: 7 },
      { value: 2000, start: 24, end: 34 },
    ];
    expect(findWordNumbers(text)).toEqual(expected);
    expect(findWordNumbers(text)).toEqual(expected);
    expect(findWordNumbers('пятьсот сто стол столы')).toEqual([
      { value: 500, start: 0, end: 7 },
      { value: 100, start: 8, end: 11 },
    ]);
  });
});
