import { describe, expect, it } from 'vitest';
import { type ComputedPassage, createAnswerer } from '../../src/rag/answer.js';
import type { GivenPassage } from '../../src/rag/models/port.js';
import type { ModelAnswer, ModelRequest } from '../../src/rag/models/router.js';
import type { LocalHit } from '../../src/rag/local-index.js';
import type { Store } from '../../src/store/port.js';
import { FALLBACK, silentLogger } from './helpers.js';

/** The calculator's quote for «сколько стоит диван?», as the sales core words it. */
const QUOTE: ComputedPassage = {
  title: 'Прайс-лист: Диван угловой «Милан»',
  text: 'Расчёт по прайс-листу продавца:\nДиван угловой «Милан» — 1 шт. × 32 900 ₽ = 32 900 ₽.\nИтого: 32 900 ₽ (в том числе НДС 22%).',
};
const DELIVERY: GivenPassage = {
  docId: 'd1',
  title: 'Доставка и оплата',
  itemId: null,
  scope: 'general',
  origin: 'folder',
  text: 'Доставка по Москве — 500 ₽, сборка 1 000 ₽ за изделие.',
};
const input = (computed: ComputedPassage[] = [QUOTE]) => ({
  questions: ['Сколько стоит диван?'],
  history: [],
  listing: { itemId: '4341979279', title: 'Диван угловой «Милан»', price: null, url: null },
  computed,
});

function withGemini(text: string, chunks: GivenPassage[] = []) {
  const requests: string[] = [];
  const answer = createAnswerer({
    // A listing without documents of its own.
    store: {
      documents: { get: async () => null, list: async () => [], chunks: async () => [] },
    } as unknown as Store,
    logger: silentLogger,
    fallbackText: FALLBACK,
    escalationKeywords: [],
    models: {
      generate: async (req: ModelRequest): Promise<ModelAnswer> => {
        requests.push(req.system(null));
        // Only this stage's passages, as File Search's metadata filter returns them.
        const passages = req.stage.strategy === 'general' ? chunks.filter((c) => c.scope === 'general') : [];
        return { text, provider: 'gemini', model: 'gemini-test', finishReason: 'STOP', passages, cited: [] };
      },
    },
    localIndex: { search: () => Promise.reject(new Error('not used with Gemini')) },
  });
  return { answer, requests };
}

describe('a computed quote as a source', () => {
  it('when the model states the quote’s price, then the answer is grounded and cites the price list', async () => {
    const { answer, requests } = withGemini('Диван «Милан» стоит 32 900 ₽.');
    const decision = await answer(input());
    expect(decision).toMatchObject({ kind: 'answer', grounded: true, findings: [] });
    expect(decision.kind === 'answer' && decision.sources.map((s) => s.title)).toEqual([QUOTE.title]);
    // The model is given the computed quote to answer from.
    expect(requests[0]).toContain('32 900 ₽ = 32 900 ₽');
  });

  it('when the model makes up a price, then it is still flagged', async () => {
    const { answer } = withGemini('Диван «Милан» стоит 29 900 ₽.');
    expect(await answer(input())).toMatchObject({ kind: 'answer', grounded: false, findings: ['29 900'] });
  });

  it('when general documents are retrieved too, then both ground the answer and a price in neither is flagged', async () => {
    const both = withGemini('Диван стоит 32 900 ₽, доставка по Москве — 500 ₽.', [DELIVERY]);
    expect(await both.answer({ ...input(), listing: null })).toMatchObject({ grounded: true });
    const invented = withGemini('Диван стоит 32 900 ₽, доставка по Москве — 700 ₽.', [DELIVERY]);
    expect(await invented.answer({ ...input(), listing: null })).toMatchObject({
      grounded: false,
      findings: ['700'],
    });
  });

  it('when there is no quote and nothing is retrieved, then the fallback is given (a price is never answered from nothing)', async () => {
    const { answer } = withGemini('Диван стоит 32 900 ₽.');
    expect(await answer(input([]))).toMatchObject({ kind: 'fallback', reason: 'nothing_found' });
  });

  it('when the model’s answer does not state the quote’s figure, then the quote itself is the answer', async () => {
    const withFigure = { ...QUOTE, figure: '32 900 ₽' };
    for (const [text, chunks] of [
      ['[[NO_ANSWER]]', []],
      ['Сборка дивана стоит 1000 рублей.', [DELIVERY]],
      ['Диван стоит 29 900 ₽.', []],
    ] as const) {
      const { answer } = withGemini(text, [...chunks]);
      expect(await answer(input([withFigure]))).toMatchObject({
        kind: 'answer',
        text: QUOTE.text,
        grounded: true,
        sources: [{ title: QUOTE.title }],
      });
    }
  });

  it('when the model states the figure and makes up another price, then the answer is flagged', async () => {
    const { answer } = withGemini('Диван стоит 32 900 ₽, а со скидкой 29 900 ₽.');
    expect(await answer(input([{ ...QUOTE, figure: '32 900 ₽' }]))).toMatchObject({
      grounded: false,
      findings: ['29 900'],
    });
  });

  it('when there is no model, then the quote itself is the answer the owner reviews', async () => {
    const searched: string[] = [];
    const answer = createAnswerer({
      store: {} as Store,
      logger: silentLogger,
      fallbackText: FALLBACK,
      escalationKeywords: [],
      models: null,
      localIndex: {
        search: async (q: string): Promise<LocalHit[]> => {
          searched.push(q);
          return [];
        },
      },
    });
    const decision = await answer(input());
    expect(decision).toMatchObject({ kind: 'answer', strategy: 'local', grounded: true, text: QUOTE.text });
    expect(searched).toEqual([]);
  });
});
