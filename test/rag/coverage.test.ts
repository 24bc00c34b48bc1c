import { describe, expect, it } from 'vitest';
import type { ListingFacts } from '../../src/models/records.js';
import { type Passage, type Unanswered, whyUnanswered } from '../../src/rag/coverage.js';
import { parseGeneration } from '../../src/rag/gemini/generate.js';
import { listingDocumentText, readListingDocument } from '../../src/rag/listing-document.js';

const BIKE = {
  id: '77',
  title: 'Велосипед Stels Navigator 700, рама 19"',
  price: 18500,
  url: 'https://www.avito.ru/perm/velosipedy/stels_77',
  status: 'active',
  category: 'Велосипеды',
  address: 'Пермь, Комсомольский проспект, 40',
  syncedAt: new Date('2026-02-01T09:00:00Z'),
};
const card: Passage = { text: listingDocumentText(BIKE), listingDocument: true };
const facts: ListingFacts = { title: BIKE.title, price: '18 500 ₽', url: BIKE.url };
const sellerDoc: Passage = {
  text: 'Велосипед обслужен в мастерской: новая цепь и тормозные колодки. Вес велосипеда 15 кг.',
  listingDocument: false,
};
const warrantyDoc: Passage = {
  text: 'Гарантия на велосипеды — 6 месяцев. Гарантия не распространяется на износ покрышек.',
  listingDocument: false,
};

const check = (question: string, answer: string, evidence: Passage[], listing: ListingFacts | null = facts) =>
  whyUnanswered({ questions: [question], answer, evidence, retrieved: evidence, listing });

describe('whether a stage answered (whyUnanswered)', () => {
  it.each<[string, string, Unanswered | null, Passage[]]>([
    // The model said it cannot answer.
    ['Какая гарантия на велосипед?', '[[NO_ANSWER]]', 'no_answer', [card]],
    ['Какая гарантия на велосипед?', 'Извините, [[ NO ANSWER ]].', 'no_answer', [card]],
    ['Какая гарантия на велосипед?', '', 'no_answer', [sellerDoc]],
    // Only the listing's own facts behind the answer, the question about something else.
    [
      'Какая гарантия на велосипед?',
      'Объявление: Велосипед Stels Navigator 700 Категория: Велосипеды',
      'restates_listing',
      [card],
    ],
    [
      'Сколько стоит доставка велосипеда?',
      `Велосипед Stels Navigator 700 стоит 18 500 ₽.`,
      'restates_listing',
      [card],
    ],
    ['Какая гарантия на велосипед?', 'В объявлении гарантия не указана.', 'restates_listing', [card]],
    [
      'Где можно посмотреть велосипед?',
      'Объявление: Велосипед Stels Navigator 700, рама 19"',
      'restates_listing',
      [card],
    ],
    // … and about a field the listing holds, restated.
    ['Сколько стоит велосипед?', 'Цена: 18 500 ₽', null, [card]],
    ['Какая цена?', 'Велосипед стоит 18500 ₽.', null, [card]],
    ['Где можно посмотреть велосипед?', 'Адрес: Пермь, Комсомольский проспект, 40', null, [card]],
    ['Велосипед ещё продаётся?', 'Да, статус объявления: активно.', null, [card]],
    // The seller's documents: a key term must appear in the answer or the passage it rests on.
    [
      'Какая гарантия на велосипед?',
      'Велосипед обслужен в мастерской: новая цепь.',
      'off_topic',
      [sellerDoc],
    ],
    ['Какой вес велосипеда?', 'Вес велосипеда 15 кг.', null, [sellerDoc]],
    ['Цепь меняли?', 'Велосипед обслужен в мастерской: новая цепь и тормозные колодки.', null, [sellerDoc]],
    ['Гарантийный срок какой?', 'Гарантия на велосипеды — 6 месяцев.', null, [warrantyDoc]],
    ['Какая гарантия на велосипед?', 'Гарантия на велосипеды — 6 месяцев.', null, [card, warrantyDoc]],
    // Nothing left to judge by once the words naming the item are set aside.
    ['А велосипед Stels?', 'Велосипед обслужен в мастерской.', null, [sellerDoc]],
  ])('when «%s» gets «%s», then the verdict is %s', (question, answer, verdict, evidence) => {
    expect(check(question, answer, evidence)).toBe(verdict);
  });

  it('when there are several messages, then addressing one is enough and chatter does not count against it', () => {
    const several = (questions: string[], answer: string, evidence: Passage[]) =>
      whyUnanswered({ questions, answer, evidence, retrieved: evidence, listing: facts });
    const warranty = 'Гарантия на велосипеды — 6 месяцев.';
    expect(several(['Хорошо, понял.', 'А гарантия какая?'], warranty, [warrantyDoc])).toBeNull();
    expect(several(['Какой вес?', 'А гарантия какая?'], warranty, [warrantyDoc])).toBeNull();
    expect(several(['Какой вес?', 'Цепь новая?'], warranty, [warrantyDoc])).toBe('off_topic');
    expect(several(['Хорошо', 'Доставка есть?'], 'Цена: 18 500 ₽', [card])).toBe('restates_listing');
  });

  it('when the category names the item, then it is not a key term either', () => {
    // «велосипеды» is the card's category; the title says «Велосипед» too, so use a category-only word.
    const bikeCard = {
      text: listingDocumentText({ ...BIKE, category: 'Горные байки' }),
      listingDocument: true,
    };
    expect(
      whyUnanswered({
        questions: ['Какая гарантия на горный байк?'],
        answer: 'Гарантия на велосипеды — 6 месяцев.',
        evidence: [warrantyDoc],
        retrieved: [bikeCard, warrantyDoc],
        listing: facts,
      }),
    ).toBeNull();
  });
});

describe('listing document fields', () => {
  it('when a listing document is read back, then every labelled field comes back', () => {
    expect(readListingDocument(listingDocumentText(BIKE))).toEqual({
      title: BIKE.title,
      price: '18 500 ₽',
      url: BIKE.url,
      category: 'Велосипеды',
      status: 'активно',
      address: BIKE.address,
    });
  });
});

describe('grounding supports', () => {
  it('when supports cite chunks, then their positions map past chunks without a retrieved context', () => {
    const chunk = (title: string) => ({ retrievedContext: { title, text: title } });
    const parsed = parseGeneration(
      {
        candidates: [
          {
            content: { parts: [{ text: 'Ответ.' }] },
            groundingMetadata: {
              groundingChunks: [{ web: { uri: 'x' } }, chunk('a'), chunk('b'), chunk('c')],
              groundingSupports: [
                { segment: { startIndex: 0, endIndex: 6 }, groundingChunkIndices: [3, 1] },
                { segment: { startIndex: 0, endIndex: 6 }, groundingChunkIndices: [0, 3, 9] },
              ],
            },
          },
        ],
      },
      'gemini-2.5-flash',
    );
    expect(parsed.chunks.map((c) => c.title)).toEqual(['a', 'b', 'c']);
    expect(parsed.supportedChunks).toEqual([0, 2]);
  });
});
