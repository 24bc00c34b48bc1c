import { describe, expect, it } from 'vitest';
import { createAnswerer } from '../../src/rag/answer.js';
import { readFindings } from '../../src/rag/findings.js';
import type { ModelAnswer } from '../../src/rag/models/router.js';
import { checkSupport } from '../../src/rag/support.js';
import type { Store } from '../../src/store/port.js';
import { FALLBACK, silentLogger } from './helpers.js';

const SOURCES = [
  'Доставка по Москве курьером стоит 500 рублей и занимает 1–2 дня. Курьер привозит заказ с 10:00 до 21:00.',
  'На мебель действует гарантия 12 месяцев. Гарантия не распространяется на механические повреждения.',
  'Доставка и оплата',
];

describe('sentence support (checkSupport)', () => {
  it('when every sentence restates the sources, also in other word forms and related words, then the answer is supported', () => {
    const result = checkSupport(
      'Доставка по Москве стоит 500 рублей, привезём за 1–2 дня. Гарантия на мебель — 12 месяцев.',
      SOURCES,
    );
    expect(result).toMatchObject({ supported: true, unsupported: [] });
    expect(result.sentences.map((s) => s.score)).toEqual([1, 1]);
  });

  it('when one sentence talks about what the sources never mention, then exactly that sentence is listed', () => {
    const result = checkSupport(
      'Доставка по Москве стоит 500 рублей. Ещё мы дарим подушку к каждому дивану. Гарантия 12 месяцев.',
      SOURCES,
    );
    expect(result.supported).toBe(false);
    expect(result.unsupported).toEqual(['Ещё мы дарим подушку к каждому дивану.']);
  });

  it('when a sentence is only partly backed, then the threshold decides', () => {
    // «Доставка по Москве» is in the sources, «бесплатная» and «выходные» are not: 2 of 4 words.
    const partly = 'Доставка по Москве бесплатная в выходные.';
    expect(checkSupport(partly, SOURCES).unsupported).toEqual([partly]);
    expect(checkSupport(partly, SOURCES, 0.5).supported).toBe(true);
    expect(checkSupport(partly, SOURCES, 0.51).supported).toBe(false);
    const score = checkSupport(partly, SOURCES).sentences[0]!.score;
    expect(score).toBe(0.5);
  });

  it('when the answer greets, thanks and closes politely, then those sentences are exempt', () => {
    const result = checkSupport(
      'Здравствуйте! Спасибо за вопрос. Доставка по Москве стоит 500 рублей. Если будут вопросы — пишите! Хорошего дня!',
      SOURCES,
    );
    expect(result.supported).toBe(true);
    expect(result.sentences.map((s) => s.sentence)).toEqual(['Доставка по Москве стоит 500 рублей.']);
  });

  it('when a pleasantry carries a claim, then it is checked like any sentence', () => {
    const result = checkSupport('Здравствуйте! Рады помочь, у нас лучшие цены в городе.', SOURCES);
    expect(result.unsupported).toEqual(['Рады помочь, у нас лучшие цены в городе.']);
  });

  it('when a sentence has no content words ("Да.", "Конечно!"), then there is nothing to back', () => {
    expect(checkSupport('Да. Конечно! Гарантия 12 месяцев.', SOURCES)).toMatchObject({
      supported: true,
      unsupported: [],
    });
  });
});

describe('the guard on a model answer', () => {
  const generated = (text: string): ModelAnswer => ({
    text,
    provider: 'gemini',
    model: 'gemini-test',
    finishReason: 'STOP',
    passages: [
      {
        docId: null,
        title: 'Доставка и оплата',
        itemId: null,
        scope: 'general',
        origin: null,
        text: SOURCES[0]!,
      },
    ],
    cited: [0],
  });
  const answererFor = (text: string, supportThreshold?: number) =>
    createAnswerer({
      store: { documents: { get: () => Promise.resolve(null) } } as unknown as Store,
      logger: silentLogger,
      fallbackText: FALLBACK,
      escalationKeywords: [],
      models: { generate: () => Promise.resolve(generated(text)) },
      localIndex: { search: () => Promise.reject(new Error('not used with a model')) },
      ...(supportThreshold === undefined ? {} : { supportThreshold }),
    });
  const ask = (answer: ReturnType<typeof answererFor>, question: string) =>
    answer({ questions: [question], history: [], listing: null });

  it('when the model adds a sentence the passages do not back, then the draft is not grounded and the sentence is a finding', async () => {
    const decision = await ask(
      answererFor('Доставка по Москве стоит 500 рублей. А ещё дарим подарок каждому покупателю.'),
      'Сколько стоит доставка по Москве?',
    );
    expect(decision).toMatchObject({ kind: 'answer', grounded: false });
    const findings = readFindings(decision.kind === 'answer' ? decision.findings : []);
    expect(findings).toEqual({
      facts: [],
      unsupported: ['А ещё дарим подарок каждому покупателю.'],
      unanswered: [],
    });
  });

  it('when the threshold is lowered, then a partly backed sentence passes', async () => {
    const text = 'Доставка по Москве быстрая и аккуратная.';
    expect(await ask(answererFor(text), 'Доставка по Москве есть?')).toMatchObject({ grounded: false });
    expect(await ask(answererFor(text, 0.3), 'Доставка по Москве есть?')).toMatchObject({ grounded: true });
  });

  it('when the model answers one of two questions, then the other is named and the draft stays in review', async () => {
    const decision = await ask(
      answererFor('Доставка по Москве стоит 500 рублей.'),
      'Сколько стоит доставка по Москве? И рассрочка есть?',
    );
    expect(decision).toMatchObject({ kind: 'answer', grounded: false });
    expect(readFindings(decision.kind === 'answer' ? decision.findings : []).unanswered).toEqual([
      'И рассрочка есть',
    ]);
  });

  it('when the model answer is backed sentence by sentence, then it is grounded (and may go out in auto mode)', async () => {
    const decision = await ask(
      answererFor('Здравствуйте! Доставка по Москве стоит 500 рублей и занимает 1–2 дня.'),
      'Сколько стоит доставка по Москве?',
    );
    expect(decision).toMatchObject({ kind: 'answer', grounded: true, findings: [] });
  });
});
