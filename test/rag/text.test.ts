import { describe, expect, it } from 'vitest';
import {
  consonantKey,
  diminutiveOf,
  evidenceOf,
  findTerm,
  oneEditApart,
  sameStem,
  sameVerb,
  soundAlike,
  soundKey,
  StemVocabulary,
  twoEditsApart,
} from '../../src/rag/text/match.js';
import { splitSentences } from '../../src/rag/text/sentences.js';
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
