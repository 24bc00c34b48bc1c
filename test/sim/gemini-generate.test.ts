import { ApiError, type GenerateContentResponse, GoogleGenAI } from '@google/genai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type GeminiSim, quotaFault, startGeminiSim } from '../../sim/gemini/index.js';

const MODEL = 'gemini-2.5-flash-lite';
const INSTRUCTION =
  'Answer only from the sources. If they do not cover the question, reply exactly [[NO_ANSWER]] and nothing else.';

let sim: GeminiSim;
let ai: GoogleGenAI;
let store: string;

beforeEach(async () => {
  sim = await startGeminiSim({ operationPolls: 0 });
  ai = new GoogleGenAI({ apiKey: sim.apiKey, apiVersion: 'v1beta', httpOptions: { baseUrl: sim.url } });
  store = (await ai.fileSearchStores.create({ config: { displayName: 'shop' } })).name!;
  const docs: Array<[string, string, Array<Record<string, unknown>>]> = [
    [
      'Кресло 111',
      'Кресло офисное. Доставка кресла по Москве стоит 500 рублей. Цвет серый.',
      [
        { key: 'scope', stringValue: 'item' },
        { key: 'item_id', stringValue: '111' },
        { key: 'rank', numericValue: 1 },
      ],
    ],
    [
      'Стол 222',
      'Стол письменный. Доставка стола по Москве стоит 900 рублей. Цвет белый.',
      [
        { key: 'scope', stringValue: 'item' },
        { key: 'item_id', stringValue: '222' },
        { key: 'rank', numericValue: 3 },
      ],
    ],
    [
      'Общие условия',
      'Оплата при получении. Гарантия на всю мебель 12 месяцев. Самовывоз со склада бесплатно.',
      [{ key: 'scope', stringValue: 'general' }],
    ],
  ];
  for (const [displayName, text, customMetadata] of docs) {
    await ai.fileSearchStores.uploadToFileSearchStore({
      fileSearchStoreName: store,
      file: new Blob([text], { type: 'text/plain' }),
      config: { displayName, customMetadata },
    });
  }
});

afterEach(async () => {
  await sim.close();
});

function ask(question: string, metadataFilter?: string, extra: { topK?: number; instruction?: string } = {}) {
  return ai.models.generateContent({
    model: MODEL,
    contents: question,
    config: {
      systemInstruction: extra.instruction ?? INSTRUCTION,
      temperature: 0.2,
      thinkingConfig: { thinkingBudget: 0 },
      tools: [
        {
          fileSearch: {
            fileSearchStoreNames: [store],
            ...(metadataFilter !== undefined ? { metadataFilter } : {}),
            ...(extra.topK !== undefined ? { topK: extra.topK } : {}),
          },
        },
      ],
    },
  });
}

function titles(r: GenerateContentResponse): string[] {
  return (r.candidates?.[0]?.groundingMetadata?.groundingChunks ?? []).map(
    (c) => c.retrievedContext?.title ?? '',
  );
}

async function apiError(p: Promise<unknown>): Promise<ApiError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ApiError);
  return e as ApiError;
}

describe('Gemini simulator: generateContent with fileSearch', () => {
  it('when the filter names one item, then only that item document is retrieved and the answer quotes it', async () => {
    const r = await ask('Сколько стоит доставку?', 'item_id = "111"');
    expect(r.text).toBe('Доставка кресла по Москве стоит 500 рублей.');
    expect(titles(r)).toEqual(['Кресло 111']);
    const chunk = r.candidates?.[0]?.groundingMetadata?.groundingChunks?.[0]?.retrievedContext;
    expect(chunk?.fileSearchStore).toBe(store);
    expect(chunk?.customMetadata).toContainEqual({ key: 'item_id', stringValue: '111' });
    expect(r.candidates?.[0]?.finishReason).toBe('STOP');
    expect(r.modelVersion).toBe(MODEL);
    expect(r.responseId).toMatch(/^[A-Za-z0-9]{22}$/);
    expect(r.usageMetadata?.totalTokenCount).toBeGreaterThan(0);
  });

  it('when the filter is scope = "general", then item documents are not retrieved', async () => {
    const r = await ask('Какая гарантия на мебель?', 'scope = "general"');
    expect(titles(r)).toEqual(['Общие условия']);
    expect(r.text).toContain('12 месяцев');
    const none = await ask('Сколько стоит доставка кресла?', 'scope = "general"');
    expect(none.text).toBe('[[NO_ANSWER]]');
  });

  it('when AND and OR are mixed without parentheses, then OR binds tighter (AIP-160)', async () => {
    // AIP-160: scope = "general" AND (item_id = "111" OR item_id = "222") -> nothing matches.
    const r = await ask(
      'Сколько стоит доставка?',
      'scope = "general" AND item_id = "111" OR item_id = "222"',
    );
    expect(r.text).toBe('[[NO_ANSWER]]');
    expect(r.candidates?.[0]?.groundingMetadata).toBeUndefined();
    const grouped = await ask(
      'Сколько стоит доставка?',
      '(scope = "general" AND item_id = "111") OR item_id = "222"',
    );
    expect(titles(grouped)).toEqual(['Стол 222']);
  });

  it('when NOT or a leading minus is used, then the matching documents are excluded', async () => {
    const a = await ask('Доставка', 'NOT item_id = "111"');
    expect(titles(a)).toEqual(['Стол 222']);
    const b = await ask('Доставка', '-item_id = "222"');
    expect(titles(b)).toEqual(['Кресло 111']);
    const c = await ask('Доставка', 'item_id != "222"');
    expect(titles(c)).toEqual(['Кресло 111']);
  });

  it('when a numeric comparison is used, then numericValue decides', async () => {
    expect(titles(await ask('Доставка', 'rank >= 2'))).toEqual(['Стол 222']);
    expect(titles(await ask('Доставка', 'rank < 2'))).toEqual(['Кресло 111']);
    expect(titles(await ask('Доставка', 'rank > 5'))).toEqual([]);
  });

  it('when the filter does not parse, then ApiError 400 INVALID_ARGUMENT', async () => {
    for (const bad of [
      'item_id = ',
      'item_id = "1" AND (scope = "item"',
      'item_id',
      'item_id = "1" and scope = "x"',
    ]) {
      const e = await apiError(ask('Доставка', bad));
      expect(e.status).toBe(400);
      expect(JSON.parse(e.message).error.status).toBe('INVALID_ARGUMENT');
    }
  });

  it('when nothing is retrieved and the instruction defines a [[…]] marker, then the reply is exactly the marker without groundingMetadata', async () => {
    const r = await ask('Вы работаете в воскресенье?');
    expect(r.text).toBe('[[NO_ANSWER]]');
    expect(r.candidates?.[0]?.groundingMetadata).toBeUndefined();
    expect(sim.retrievals.at(-1)?.chunks).toEqual([]);
  });

  it('when nothing is retrieved and no marker is defined, then the model invents a generic answer', async () => {
    const r = await ask('Вы работаете в воскресенье?', undefined, { instruction: 'Be helpful.' });
    expect(r.text).not.toContain('[[');
    expect(r.text).toMatch(/\d/);
    expect(r.candidates?.[0]?.groundingMetadata).toBeUndefined();
  });

  it('when emptyGrounding is "empty", then nothing retrieved gives groundingMetadata {} (clients must treat both alike)', async () => {
    sim.settings.emptyGrounding = 'empty';
    const r = await ask('Вы работаете в воскресенье?');
    expect(r.candidates?.[0]?.groundingMetadata).toEqual({});
  });

  it('when something is retrieved, then groundingSupports segments are byte offsets into the answer', async () => {
    const r = await ask('Сколько стоит доставка стола и какая гарантия?');
    const text = r.text!;
    const supports = r.candidates?.[0]?.groundingMetadata?.groundingSupports ?? [];
    const chunks = r.candidates?.[0]?.groundingMetadata?.groundingChunks ?? [];
    expect(supports.length).toBeGreaterThan(0);
    const bytes = Buffer.from(text, 'utf8');
    for (const s of supports) {
      const { startIndex = 0, endIndex = 0, text: segment } = s.segment ?? {};
      expect(bytes.subarray(startIndex, endIndex).toString('utf8')).toBe(segment);
      for (const i of s.groundingChunkIndices ?? [])
        expect(chunks[i]?.retrievedContext?.text).toContain(segment);
    }
    // Cyrillic: byte offsets differ from string offsets, so a client using string indices would break.
    expect(supports.at(-1)?.segment?.endIndex).toBeGreaterThan(text.length);
  });

  it('when topK is 1, then one chunk is retrieved', async () => {
    const r = await ask('Доставка по Москве', undefined, { topK: 1 });
    expect(titles(r)).toHaveLength(1);
  });

  it('when an answer is scripted, then that text is returned while grounding reflects the real retrieval', async () => {
    sim.scriptNextAnswer('Доставка кресла по Москве стоит 500 рублей. Скидка 50% только сегодня!');
    const r = await ask('Сколько стоит доставка?', 'item_id = "111"');
    expect(r.text).toBe('Доставка кресла по Москве стоит 500 рублей. Скидка 50% только сегодня!');
    expect(titles(r)).toEqual(['Кресло 111']);
    const supports = r.candidates?.[0]?.groundingMetadata?.groundingSupports ?? [];
    expect(supports.map((s) => s.segment?.text)).toEqual(['Доставка кресла по Москве стоит 500 рублей.']);
    const next = await ask('Сколько стоит доставка?', 'item_id = "111"');
    expect(next.text).toBe('Доставка кресла по Москве стоит 500 рублей.');
  });

  it('when a document is deleted, then it is no longer retrieved', async () => {
    const doc = sim.documents(store).find((d) => d.displayName === 'Кресло 111')!;
    await ai.fileSearchStores.documents.delete({ name: doc.name, config: { force: true } });
    const r = await ask('Доставка', 'item_id = "111"');
    expect(r.text).toBe('[[NO_ANSWER]]');
  });

  it('when a named store does not exist, then the call fails', async () => {
    const e = await apiError(
      ai.models.generateContent({
        model: MODEL,
        contents: 'x',
        config: { tools: [{ fileSearch: { fileSearchStoreNames: ['fileSearchStores/none-1'] } }] },
      }),
    );
    expect([403, 404]).toContain(e.status);
  });

  it('when the SDK uses apiVersion v1, then generateContent with fileSearch works the same', async () => {
    const v1 = new GoogleGenAI({ apiKey: sim.apiKey, apiVersion: 'v1', httpOptions: { baseUrl: sim.url } });
    const r = await v1.models.generateContent({
      model: MODEL,
      contents: 'Какая гарантия?',
      config: {
        systemInstruction: INSTRUCTION,
        thinkingConfig: { thinkingLevel: 'LOW' as never },
        tools: [{ fileSearch: { fileSearchStoreNames: [store], metadataFilter: 'scope = "general"' } }],
      },
    });
    expect(r.text).toContain('Гарантия');
    expect(sim.calls.find(`/v1/models/${MODEL}:generateContent`)).toHaveLength(1);
  });
});

describe('Gemini simulator: generateContent errors and faults', () => {
  it('when the model is unknown, then 404 NOT_FOUND like Google', async () => {
    const e = await apiError(ai.models.generateContent({ model: 'gemini-9-ultra', contents: 'hi' }));
    expect(e.status).toBe(404);
    const body = JSON.parse(e.message);
    expect(body.error.status).toBe('NOT_FOUND');
    expect(body.error.message).toContain('models/gemini-9-ultra is not found for API version v1beta');
  });

  it('when the model list is configured, then only those ids are accepted', async () => {
    sim.settings.models = ['gemini-3.5-flash'];
    expect((await apiError(ask('Доставка'))).status).toBe(404);
    const r = await ai.models.generateContent({ model: 'gemini-3.5-flash', contents: 'hi' });
    expect(r.modelVersion).toBe('gemini-3.5-flash');
  });

  it('when streaming is used with fileSearch, then 400; without fileSearch it streams', async () => {
    const e = await apiError(
      (async () => {
        const stream = await ai.models.generateContentStream({
          model: MODEL,
          contents: 'Доставка',
          config: { tools: [{ fileSearch: { fileSearchStoreNames: [store] } }] },
        });
        for await (const _ of stream) {
          // drain
        }
      })(),
    );
    expect(e.status).toBe(400);
    const stream = await ai.models.generateContentStream({
      model: MODEL,
      contents: 'hi',
      config: { systemInstruction: INSTRUCTION },
    });
    const texts: string[] = [];
    for await (const chunk of stream) texts.push(chunk.text ?? '');
    expect(texts.join('')).toBe('[[NO_ANSWER]]');
  });

  it('when generationConfig has an unknown field, then 400 with Google wording', async () => {
    const res = await fetch(`${sim.url}/v1beta/models/${MODEL}:generateContent`, {
      method: 'POST',
      headers: { 'x-goog-api-key': sim.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({
        contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
        generationConfig: { tempo: 1 },
      }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toContain('Unknown name "tempo"');
  });

  it('when fileSearch is combined with googleSearch, then 400', async () => {
    const e = await apiError(
      ai.models.generateContent({
        model: MODEL,
        contents: 'x',
        config: { tools: [{ fileSearch: { fileSearchStoreNames: [store] } }, { googleSearch: {} }] },
      }),
    );
    expect(e.status).toBe(400);
  });

  it('when a per-minute 429 is injected, then ApiError 429 carries QuotaFailure and a parseable RetryInfo', async () => {
    sim.rateLimit({ retryAfter: 7 });
    const e = await apiError(ask('Доставка'));
    expect(e.status).toBe(429);
    const body = JSON.parse(e.message) as {
      error: { status: string; message: string; details: Array<Record<string, unknown>> };
    };
    expect(body.error.status).toBe('RESOURCE_EXHAUSTED');
    expect(body.error.message).toMatch(/Please retry in 7s\./);
    const retry = body.error.details.find((d) => d['@type'] === 'type.googleapis.com/google.rpc.RetryInfo');
    expect(retry?.retryDelay).toBe('7s');
    expect(Number.parseFloat(String(retry?.retryDelay))).toBe(7);
    const quota = body.error.details.find(
      (d) => d['@type'] === 'type.googleapis.com/google.rpc.QuotaFailure',
    ) as {
      violations: Array<{ quotaId: string; quotaDimensions: { model: string } }>;
    };
    expect(quota.violations[0]?.quotaId).toMatch(/PerMinute/);
    expect(quota.violations[0]?.quotaDimensions.model).toBe(MODEL);
    // times: 1 -> the next call goes through.
    await expect(ask('Доставка')).resolves.toBeDefined();
  });

  it('when a per-day quota fault is injected, then the quotaId says PerDay', async () => {
    sim.faults.add({
      match: ':generateContent',
      times: 1,
      fault: quotaFault({ per: 'day', retryAfter: 30 }),
    });
    const e = await apiError(ask('Доставка'));
    const body = JSON.parse(e.message) as {
      error: { details: Array<{ violations?: Array<{ quotaId: string }> }> };
    };
    expect(body.error.details[0]?.violations?.[0]?.quotaId).toMatch(/PerDay/);
  });

  it('when 500 and 503 are injected, then INTERNAL and UNAVAILABLE', async () => {
    sim.faults.add({ match: ':generateContent', times: 1, fault: { kind: 'status', status: 503 } });
    sim.faults.add({ match: ':generateContent', times: 1, fault: { kind: 'status', status: 500 } });
    const a = await apiError(ask('Доставка'));
    expect(a.status).toBe(503);
    expect(JSON.parse(a.message).error.status).toBe('UNAVAILABLE');
    const b = await apiError(ask('Доставка'));
    expect(b.status).toBe(500);
    expect(JSON.parse(b.message).error.status).toBe('INTERNAL');
  });

  it('when latency exceeds the SDK per-attempt timeout, then the call aborts; without latency it succeeds', async () => {
    sim.faults.add({ match: ':generateContent', times: 1, fault: { kind: 'latency', ms: 1000 } });
    const slow = new GoogleGenAI({
      apiKey: sim.apiKey,
      apiVersion: 'v1beta',
      httpOptions: { baseUrl: sim.url, timeout: 150 },
    });
    const started = Date.now();
    const e = await slow.models
      .generateContent({ model: MODEL, contents: 'hi' })
      .catch((err: unknown) => err);
    expect(e).toBeInstanceOf(Error);
    expect((e as Error).name).toMatch(/AbortError|TimeoutError/);
    expect(Date.now() - started).toBeLessThan(900);
    await expect(slow.models.generateContent({ model: MODEL, contents: 'hi' })).resolves.toBeDefined();
  });

  it('when the connection is dropped, then the SDK sees a network error', async () => {
    sim.faults.add({ match: ':generateContent', times: 1, fault: { kind: 'drop' } });
    const e = await ask('Доставка').catch((err: unknown) => err);
    expect(e).toBeInstanceOf(Error);
    expect(e).not.toBeInstanceOf(ApiError);
  });

  it('when embeddings are requested, then batchEmbedContents returns one deterministic unit vector per text', async () => {
    const r = await ai.models.embedContent({
      model: 'gemini-embedding-001',
      contents: ['доставка по Москве', 'доставку по Москве', 'гарантия'],
      config: { outputDimensionality: 64 },
    });
    const [a, b, c] = (r.embeddings ?? []).map((e) => e.values ?? []);
    expect(a).toHaveLength(64);
    const dot = (x: number[], y: number[]) => x.reduce((s, v, i) => s + v * (y[i] ?? 0), 0);
    expect(dot(a!, a!)).toBeCloseTo(1);
    expect(dot(a!, b!)).toBeCloseTo(1);
    expect(dot(a!, c!)).toBeLessThan(0.9);
  });
});
