import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type GeminiSim, startGeminiSim } from '../../sim/gemini/index.js';
import type { Listing } from '../../src/models/records.js';
import type { AnswerInput, Decision, Knowledge } from '../../src/rag/index.js';
import type { Store } from '../../src/store/port.js';
import { FALLBACK, localKnowledge, simKnowledge, tempStore, utf8 } from './helpers.js';

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
      // The listing stage did retrieve something, and was asked first.
      expect(sim.retrievals.map((r) => r.metadataFilter)).toEqual([
        `item_id = "${listing.id}"`,
        'scope = "general"',
      ]);
      expect(sim.retrievals[0]?.chunks.length).toBeGreaterThan(0);
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

  it('when a model answers from the listing facts what they do not say, then the search goes on', async () => {
    await seedShop(knowledge);
    // What a real model may write instead of the marker: the key term, no fact behind it.
    sim.scriptNextAnswer('В объявлении гарантия на холодильник не указана.');
    const decision = await knowledge.answer(ask('Какая гарантия на холодильник?', FRIDGE));
    expectAnswer(decision, 'general', '2 года');
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

  it('when no passage answers, then the decision is a fallback, never the listing restated', async () => {
    await seedShop(knowledge, false);
    const decision = await knowledge.answer(ask('Какая гарантия на холодильник?', FRIDGE));
    expect(decision).toMatchObject({ kind: 'fallback', reason: 'not_covered', text: FALLBACK });
  });
});
