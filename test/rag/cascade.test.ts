import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type GeminiSim, startGeminiSim } from '../../sim/gemini/index.js';
import type { Listing } from '../../src/models/records.js';
import { createAnswerer } from '../../src/rag/answer.js';
import { ModelUnavailableError } from '../../src/rag/errors.js';
import { stageFilter } from '../../src/rag/models/gemini.js';
import type { GivenPassage } from '../../src/rag/models/port.js';
import type { ModelAnswer, ModelRequest } from '../../src/rag/models/router.js';
import type { AnswerInput, Decision, Knowledge } from '../../src/rag/index.js';
import { listingDocumentText } from '../../src/rag/listing-document.js';
import type { LocalHit } from '../../src/rag/local-index.js';
import type { Store } from '../../src/store/port.js';
import { FALLBACK, localKnowledge, silentLogger, simKnowledge, tempStore, utf8 } from './helpers.js';

/** A small appliance shop: two listings, one with the seller's own item document, three general documents. */
const FRIDGE: Listing = {
  id: '501',
  title: 'Холодильник Bosch KGN39, No Frost, белый',
  price: 38900,
  url: 'https://www.avito.ru/kazan/bytovaya_tehnika/holodilnik_bosch_501',
  status: 'active',
  category: 'Холодильники',
  address: 'Казань, улица Баумана, 12',
  syncedAt: new Date('2026-01-10T10:00:00Z'),
};
const WASHER: Listing = {
  id: '502',
  title: 'Стиральная машина LG F2J3, 7 кг',
  price: 21500,
  url: 'https://www.avito.ru/kazan/bytovaya_tehnika/stiralnaya_mashina_lg_502',
  status: 'active',
  category: 'Стиральные машины',
  address: 'Казань, улица Баумана, 12',
  syncedAt: new Date('2026-01-10T10:00:00Z'),
};

async function seedShop(knowledge: Knowledge, withWarranty = true) {
  if (withWarranty) {
    await knowledge.ingest({
      origin: 'folder',
      fileName: 'Гарантия.txt',
      bytes: utf8(
        'Гарантия на холодильники — 2 года, на стиральные машины — 1 год.\n' +
          'Гарантия не распространяется на механические повреждения.',
      ),
    });
  }
  await knowledge.ingest({
    origin: 'folder',
    fileName: 'Доставка.txt',
    bytes: utf8('Доставка по городу стоит 700 рублей.\nПодъём на этаж — 150 рублей за этаж.'),
  });
  await knowledge.ingest({
    origin: 'folder',
    fileName: 'Оплата.txt',
    bytes: utf8('Оплата картой или наличными при получении.'),
  });
  await knowledge.ingestListing(FRIDGE);
  await knowledge.ingestListing(WASHER);
  await knowledge.ingest({
    origin: 'folder',
    fileName: 'item_502__Стиральная машина.txt',
    title: 'Стиральная машина LG',
    bytes: utf8(
      'Стиральная машина загружает до 7 кг белья. Отжим до 1200 оборотов в минуту.\n' +
        'Машина почти новая, использовалась полгода.',
    ),
    scope: 'item',
    itemId: '502',
  });
}

const ask = (question: string, listing: Listing): AnswerInput => ({
  questions: [question],
  history: [{ author: 'buyer', text: question }],
  listing: { itemId: listing.id, title: listing.title, price: `${listing.price} ₽`, url: listing.url },
});

/**
 * Questions whose listing stage retrieves something that does not answer them (the listing's own
 * facts, or the seller's item document about something else): the general documents must answer.
 */
const SEARCH_ON: Array<[string, Listing, string]> = [
  ['Какая гарантия на холодильник?', FRIDGE, '2 года'],
  ['Сколько стоит доставка холодильника?', FRIDGE, '700 рублей'],
  ['Холодильник можно оплатить картой?', FRIDGE, 'картой'],
  ['Какая гарантия на стиральную машину?', WASHER, '1 год'],
  ['Подъём стиральной машины на этаж сколько стоит?', WASHER, '150 рублей'],
];

/** Questions the listing stage does answer: it still goes first. */
const ITEM_ANSWERS: Array<[string, Listing, string]> = [
  ['Сколько оборотов отжим у машины?', WASHER, '1200 оборотов'],
  ['Адрес в Казани какой?', FRIDGE, 'улица Баумана, 12'],
  ['Какая цена у холодильника?', FRIDGE, '38 900 ₽'],
];

function expectAnswer(decision: Decision, strategy: string, fact: string) {
  expect(decision).toMatchObject({ kind: 'answer', strategy });
  if (decision.kind !== 'answer') return;
  expect(decision.text).toContain(fact);
}

/** The listing's own item document as it reads: its title line and category line. */
const restatesListing = (text: string) => /Объявление:|Категория:/.test(text);

describe('the cascade with File Search (Gemini simulator)', () => {
  let sim: GeminiSim;
  let store: Store;
  let cleanup: () => Promise<void>;
  let knowledge: Knowledge;

  beforeEach(async () => {
    sim = await startGeminiSim({ operationPolls: 1 });
    ({ store, cleanup } = await tempStore());
    knowledge = simKnowledge(sim, store);
  });

  afterEach(async () => {
    await sim.close();
    await cleanup();
  });

  it.each(SEARCH_ON)(
    'when «%s» retrieves listing documents that do not answer it, then the general documents answer',
    async (question, listing, fact) => {
      await seedShop(knowledge);
      const decision = await knowledge.answer(ask(question, listing));
      expectAnswer(decision, 'general', fact);
      expect(decision.kind === 'answer' && restatesListing(decision.text)).toBe(false);
      // A listing with a document of the seller's is asked first, and retrieves something. One whose only document
      // is made from its facts, which cannot answer, is not asked: its model call would be refused anyway.
      const sellerDocument = listing.id === WASHER.id;
      expect(sim.retrievals.map((r) => r.metadataFilter)).toEqual([
        ...(sellerDocument ? [`item_id = "${listing.id}"`] : []),
        'scope = "general"',
      ]);
      if (sellerDocument) expect(sim.retrievals[0]?.chunks.length).toBeGreaterThan(0);
    },
  );

  it.each(ITEM_ANSWERS)(
    'when «%s» is answered by the listing documents, then the search stops there',
    async (question, listing, fact) => {
      await seedShop(knowledge);
      expectAnswer(await knowledge.answer(ask(question, listing)), 'item', fact);
      expect(sim.retrievals.map((r) => r.metadataFilter)).toEqual([`item_id = "${listing.id}"`]);
    },
  );

  it('when no document answers, then the decision is a fallback, never the listing restated', async () => {
    await seedShop(knowledge, false);
    const decision = await knowledge.answer(ask('Какая гарантия на холодильник?', FRIDGE));
    expect(decision).toMatchObject({ kind: 'fallback', reason: 'not_covered', text: FALLBACK });
    expect(decision.kind === 'fallback' && decision.sources.map((s) => s.itemId)).toContain(FRIDGE.id);
  });

  it('when the listing stage would have only the listing facts and they do not hold what is asked, then no model is asked about them', async () => {
    await seedShop(knowledge);
    // A model asked there could only restate the listing («В объявлении гарантия не указана»), which is refused.
    const decision = await knowledge.answer(ask('Какая гарантия на холодильник?', FRIDGE));
    expectAnswer(decision, 'general', '2 года');
    expect(sim.retrievals.map((r) => r.metadataFilter)).toEqual(['scope = "general"']);
  });
});

describe('the cascade with the local index (no Gemini key)', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let knowledge: Knowledge;

  beforeEach(async () => {
    ({ store, cleanup } = await tempStore());
    knowledge = localKnowledge(store);
  });

  afterEach(async () => {
    await cleanup();
  });

  it.each(SEARCH_ON)(
    'when «%s» finds listing passages that do not answer it, then a general passage is quoted',
    async (question, listing, fact) => {
      await seedShop(knowledge);
      const decision = await knowledge.answer(ask(question, listing));
      expectAnswer(decision, 'local', fact);
      expect(decision.kind === 'answer' && decision.sources[0]?.itemId).toBeNull();
      expect(decision.kind === 'answer' && restatesListing(decision.text)).toBe(false);
    },
  );

  it.each(ITEM_ANSWERS)(
    'when «%s» is answered by a listing passage, then that passage is quoted',
    async (question, listing, fact) => {
      await seedShop(knowledge);
      const decision = await knowledge.answer(ask(question, listing));
      expectAnswer(decision, 'local', fact);
      expect(decision.kind === 'answer' && decision.sources[0]?.itemId).toBe(listing.id);
    },
  );

  it('when another item like the listing is asked for, then its own documents do not answer', async () => {
    await seedShop(knowledge);
    // The listing's document says what this machine loads and how worn it is; it says nothing of another one.
    for (const question of [
      'Такую же на 7 кг белья ещё продаёте?',
      'Есть такая же машина, тоже почти новая?',
    ])
      expect(await knowledge.answer(ask(question, WASHER))).toMatchObject({ kind: 'fallback' });
    // Asked of this one, the same document answers.
    expectAnswer(await knowledge.answer(ask('Сколько кг белья загружает?', WASHER)), 'local', '7 кг');
  });

  it('when no passage answers, then the decision is a fallback, never the listing restated', async () => {
    await seedShop(knowledge, false);
    const decision = await knowledge.answer(ask('Какая гарантия на холодильник?', FRIDGE));
    expect(decision).toMatchObject({ kind: 'fallback', reason: 'not_covered', text: FALLBACK });
  });
});

/**
 * The cascade as a property: listing documents first, general second, fallback last, for any pattern
 * of what each stage holds and what the model makes of it. The stages are played by fakes whose
 * texts answer the question, restate the listing, or talk about something else by construction.
 */
describe('the cascade order (properties)', () => {
  const TOPICS = [
    { question: 'Какая гарантия?', answer: 'Гарантия — 6 месяцев с момента покупки.' },
    { question: 'Есть доставка?', answer: 'Доставка по городу — курьером за 700 рублей.' },
    { question: 'Какой цвет?', answer: 'Цвет белый, без царапин.' },
    { question: 'Нужна сборка?', answer: 'Сборка бесплатная, приедет мастер.' },
    { question: 'Можно оплатить картой?', answer: 'Оплата картой при получении.' },
  ];
  const ITEMS = ['холодильник', 'велосипед', 'шкаф', 'ноутбук'];
  const listingOf = (item: string): Listing => ({
    ...FRIDGE,
    id: '900',
    title: `${item[0]!.toUpperCase()}${item.slice(1)} Pro 2`,
    category: `${item}и`,
  });

  /** What a stage holds and what the model replies: an answer, the marker, or a failure. */
  type ItemStage =
    'nothing' | 'listing-restated' | 'listing-marker' | 'on-topic' | 'off-topic' | 'marker' | 'fails';
  type GeneralStage = 'nothing' | 'on-topic' | 'off-topic' | 'marker' | 'fails';
  const pattern = fc.record({
    topic: fc.nat({ max: TOPICS.length - 1 }),
    other: fc.integer({ min: 1, max: TOPICS.length - 1 }),
    item: fc.constantFrom(...ITEMS),
    hasListing: fc.boolean(),
    itemStage: fc.constantFrom<ItemStage>(
      'nothing',
      'listing-restated',
      'listing-marker',
      'on-topic',
      'off-topic',
      'marker',
      'fails',
    ),
    generalStage: fc.constantFrom<GeneralStage>('nothing', 'on-topic', 'off-topic', 'marker', 'fails'),
    cited: fc.boolean(),
  });

  const chunk = (text: string, meta: Record<string, string>): GivenPassage => ({
    docId: null,
    title: meta.title ?? 'doc',
    itemId: meta.item_id ?? null,
    scope: meta.scope === 'item' ? 'item' : 'general',
    origin: meta.origin === 'listing' ? 'listing' : 'folder',
    text,
  });

  it('property: with File Search, a stage that answers ends the search, and only such a stage', async () => {
    await fc.assert(
      fc.asyncProperty(pattern, async (p) => {
        const topic = TOPICS[p.topic]!;
        const offTopic = TOPICS[(p.topic + p.other) % TOPICS.length]!;
        const listing = listingOf(p.item);
        const itemMeta = { scope: 'item', item_id: listing.id, origin: 'folder', title: 'item doc' };
        const cardMeta = { ...itemMeta, origin: 'listing', title: 'listing' };
        const generalMeta = { scope: 'general', origin: 'folder', title: 'general doc' };
        // Item passages name the item (a word the key terms leave out); general ones do not.
        const about = (text: string, isItem: boolean) => (isItem ? `${text} Это про ${p.item}.` : text);
        const filters: string[] = [];
        const generate = async (req: ModelRequest): Promise<ModelAnswer> => {
          const filter = stageFilter(req.stage);
          filters.push(filter);
          const isItem = filter.startsWith('item_id');
          const stage = isItem ? p.itemStage : p.generalStage;
          const meta = isItem ? itemMeta : generalMeta;
          const reply = (text: string, passages: GivenPassage[]): ModelAnswer => ({
            text,
            provider: 'gemini',
            model: 'gemini-test',
            finishReason: 'STOP',
            passages,
            cited: p.cited && !text.startsWith('[[') ? [0] : [],
          });
          switch (stage) {
            case 'nothing':
              return reply('[[NO_ANSWER]]', []);
            case 'fails':
              throw new ModelUnavailableError('unavailable', 'simulated outage', 'gemini');
            case 'listing-restated':
              return reply(`Объявление: ${listing.title} Категория: ${listing.category}`, [
                chunk(listingDocumentText(listing), cardMeta),
              ]);
            case 'listing-marker':
              return reply('[[NO_ANSWER]]', [chunk(listingDocumentText(listing), cardMeta)]);
            case 'on-topic':
              return reply(topic.answer, [chunk(about(topic.answer, isItem), meta)]);
            case 'off-topic':
              return reply(offTopic.answer, [chunk(about(offTopic.answer, isItem), meta)]);
            case 'marker':
              return reply('[[NO_ANSWER]]', [chunk(about(topic.answer, isItem), meta)]);
          }
        };
        const answer = createAnswerer({
          // The listing has a document of the seller's (the item passages above): its stage is always asked.
          store: { documents: { list: async () => [{ origin: 'folder' }] } } as unknown as Store,
          logger: silentLogger,
          fallbackText: FALLBACK,
          escalationKeywords: [],
          models: { generate },
          localIndex: { search: () => Promise.reject(new Error('the local index is not used with Gemini')) },
        });
        const decision = await answer({
          questions: [`${topic.question} Интересует ${p.item}.`],
          history: [],
          listing: p.hasListing
            ? { itemId: listing.id, title: listing.title, price: '38 900 ₽', url: listing.url }
            : null,
        });

        const itemAnswers = p.hasListing && p.itemStage === 'on-topic';
        const itemFails = p.hasListing && p.itemStage === 'fails';
        const generalAnswers = p.generalStage === 'on-topic';
        const itemFilter = `item_id = "${listing.id}"`;
        const expectedFilters = [
          ...(p.hasListing ? [itemFilter] : []),
          ...(itemAnswers || itemFails ? [] : ['scope = "general"']),
        ];
        expect(filters).toEqual(expectedFilters);
        if (itemFails || (!itemAnswers && p.generalStage === 'fails')) {
          expect(decision).toMatchObject({ kind: 'fallback', reason: 'unavailable', text: FALLBACK });
        } else if (itemAnswers) {
          expect(decision).toMatchObject({ kind: 'answer', strategy: 'item', text: topic.answer });
        } else if (generalAnswers) {
          expect(decision).toMatchObject({ kind: 'answer', strategy: 'general', text: topic.answer });
        } else {
          const sawSomething =
            (p.hasListing && p.itemStage !== 'nothing') || !['nothing'].includes(p.generalStage);
          expect(decision).toMatchObject({
            kind: 'fallback',
            reason: sawSomething ? 'not_covered' : 'nothing_found',
            text: FALLBACK,
          });
        }
      }),
      { numRuns: 300 },
    );
  });

  type LocalPassage = 'listing' | 'on-topic' | 'off-topic';
  const passages = fc.uniqueArray(fc.constantFrom<LocalPassage>('listing', 'on-topic', 'off-topic'), {
    maxLength: 3,
  });

  it('property: with the local index, the best passage that answers is quoted, listing passages first', async () => {
    await fc.assert(
      fc.asyncProperty(
        pattern,
        passages,
        passages.map((list) => list.filter((k) => k !== 'listing')),
        async (p, itemHits, generalHits) => {
          const topic = TOPICS[p.topic]!;
          const offTopic = TOPICS[(p.topic + p.other) % TOPICS.length]!;
          const listing = listingOf(p.item);
          const searched: string[] = [];
          const hit = (kind: LocalPassage, scope: 'item' | 'general'): LocalHit => ({
            docId: `${scope}-${kind}`,
            title: `${scope} ${kind}`,
            itemId: scope === 'item' ? listing.id : null,
            scope,
            origin: kind === 'listing' ? 'listing' : 'folder',
            chunkIndex: 0,
            text:
              kind === 'listing'
                ? listingDocumentText(listing)
                : `${kind === 'on-topic' ? topic.answer : offTopic.answer}${scope === 'item' ? ` Это про ${p.item}.` : ''}`,
            score: 1,
            matched: [],
          });
          const answer = createAnswerer({
            store: {} as Store,
            logger: silentLogger,
            fallbackText: FALLBACK,
            escalationKeywords: [],
            models: null,
            localIndex: {
              search: async (_question, { filter }) => {
                searched.push(filter.scope);
                return filter.scope === 'item'
                  ? itemHits.map((k) => hit(k, 'item'))
                  : generalHits.map((k) => hit(k, 'general'));
              },
            },
          });
          const decision = await answer({
            questions: [`${topic.question} Интересует ${p.item}.`],
            history: [],
            listing: p.hasListing
              ? { itemId: listing.id, title: listing.title, price: '38 900 ₽', url: listing.url }
              : null,
          });

          const itemAnswers = p.hasListing && itemHits.includes('on-topic');
          const generalAnswers = generalHits.includes('on-topic');
          expect(searched).toEqual([...(p.hasListing ? ['item'] : []), ...(itemAnswers ? [] : ['general'])]);
          if (itemAnswers || generalAnswers) {
            const scope = itemAnswers ? 'item' : 'general';
            expect(decision).toMatchObject({ kind: 'answer', strategy: 'local' });
            if (decision.kind !== 'answer') return;
            expect(decision.sources[0]?.docId).toBe(`${scope}-on-topic`);
            expect(decision.text).toContain(topic.answer.replace(/[.!?]$/, ''));
          } else {
            const sawSomething = (p.hasListing && itemHits.length > 0) || generalHits.length > 0;
            expect(decision).toMatchObject({
              kind: 'fallback',
              reason: sawSomething ? 'not_covered' : 'nothing_found',
              text: FALLBACK,
            });
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
