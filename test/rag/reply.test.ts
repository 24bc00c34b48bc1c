import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AnswerInput, Knowledge } from '../../src/rag/index.js';
import { listingDocumentText } from '../../src/rag/listing-document.js';
import { composeReply } from '../../src/rag/reply.js';
import type { Store } from '../../src/store/port.js';
import { localKnowledge, tempStore, utf8 } from './helpers.js';

describe('a local reply (composeReply)', () => {
  it('when sentences come from a document, then they read as a reply: cleaned, capitalised, full stops, greeted once', () => {
    expect(
      composeReply(['**доставка** по Москве — 500 ₽', 'Курьер звонит за час до приезда.'], { greet: true }),
    ).toBe('Здравствуйте! Доставка по Москве — 500 ₽. Курьер звонит за час до приезда.');
    expect(composeReply(['Гарантия 12 месяцев.'], { greet: false })).toBe('Гарантия 12 месяцев.');
    expect(composeReply(['Warranty is 12 months.'], { greet: true, locale: 'en' })).toBe(
      'Hello! Warranty is 12 months.',
    );
  });

  it("when a sentence is a labelled line of the listing's item document, then it is said as a sentence", () => {
    const card = listingDocumentText({
      id: '1',
      title: 'iPhone 13',
      price: 42000,
      url: 'https://avito.ru/1',
      status: 'active',
      category: 'Телефоны',
      address: 'Казань, улица Баумана, 15',
      syncedAt: new Date(0),
    }).split('\n');
    const [title, price, url, , status, address] = card;
    expect(composeReply([price!], { greet: false })).toBe('Цена — 42 000 ₽.');
    expect(composeReply([status!], { greet: false })).toBe('Объявление активно.');
    expect(composeReply([address!], { greet: false })).toBe('Адрес — Казань, улица Баумана, 15.');
    expect(composeReply([url!], { greet: false })).toBe('Ссылка на объявление: https://avito.ru/1.');
    // A brand's own spelling stays.
    expect(composeReply([title!], { greet: false })).toBe('iPhone 13.');
  });
});

describe('a local draft (no model)', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let knowledge: Knowledge;

  beforeEach(async () => {
    ({ store, cleanup } = await tempStore());
    knowledge = localKnowledge(store);
    await knowledge.ingest({
      origin: 'upload',
      fileName: 'Доставка и оплата.md',
      bytes: utf8(
        '# Доставка и оплата\n\nДоставка по Москве курьером стоит 500 рублей и занимает 1–2 дня. ' +
          'Курьер привозит заказ с 10:00 до 21:00.\nПодъём на этаж без лифта — 200 рублей за этаж.\n\n' +
          'Оплатить можно наличными или переводом при получении. Предоплату мы не берём.',
      ),
    });
  });
  afterEach(async () => {
    await cleanup();
  });

  const ask = (question: string, history: AnswerInput['history'] = []): AnswerInput => ({
    questions: [question],
    history,
    listing: null,
  });

  it('when a passage answers, then the draft is the answering sentence, greeted, with no document wrapper; the source is named apart', async () => {
    const decision = await knowledge.answer(ask('Сколько стоит доставка по Москве?'));
    expect(decision).toMatchObject({
      kind: 'answer',
      strategy: 'local',
      grounded: true,
      text: 'Здравствуйте! Доставка по Москве курьером стоит 500 рублей и занимает 1–2 дня.',
    });
    expect(decision.kind === 'answer' && decision.sources[0]?.title).toBe('Доставка и оплата');
    expect(decision.kind === 'answer' && decision.text).not.toMatch(/документ|«/i);
  });

  it('when the chat already has our reply, then the next draft does not greet again', async () => {
    const decision = await knowledge.answer(
      ask('А предоплату берёте?', [
        { author: 'buyer', text: 'Сколько стоит доставка?' },
        { author: 'ai', text: 'Доставка по Москве — 500 рублей.' },
      ]),
    );
    expect(decision).toMatchObject({ kind: 'answer', text: 'Предоплату мы не берём.' });
  });

  it('when two questions are answered by different paragraphs, then the draft says both, in the order asked', async () => {
    const decision = await knowledge.answer(ask('Можно наличными? И на этаж поднимете?'));
    expect(decision).toMatchObject({
      kind: 'answer',
      grounded: true,
      text:
        'Здравствуйте! Оплатить можно наличными или переводом при получении. ' +
        'Подъём на этаж без лифта — 200 рублей за этаж.',
    });
  });

  it('when one of two questions has no answer, then the draft answers the other and the open one is a finding', async () => {
    const decision = await knowledge.answer(ask('Можно наличными? А в рассрочку?'));
    expect(decision).toMatchObject({
      kind: 'answer',
      grounded: false,
      text: 'Здравствуйте! Оплатить можно наличными или переводом при получении.',
      findings: ['unanswered: А в рассрочку'],
    });
  });

  it('when the passage shares a word but does not cover the question, then the fallback is proposed, with what was found', async () => {
    const decision = await knowledge.answer(ask('Доставка в Казахстан есть?'));
    expect(decision).toMatchObject({ kind: 'fallback', reason: 'not_covered' });
    expect(decision.kind === 'fallback' && decision.sources.map((s) => s.title)).toEqual([
      'Доставка и оплата',
    ]);
  });
});
