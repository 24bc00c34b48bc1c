import { GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type GeminiSim, startGeminiSim } from '../../../../sim/gemini/index.js';
import { createLogger } from '../../../../src/logger.js';
import type { BriefExtractionInput } from '../../../../src/sales/leads/brief/extractor.js';
import { DEFAULT_BRIEF_FIELDS } from '../../../../src/sales/leads/brief/fields.js';
import { createGeminiBriefExtractor } from '../../../../src/sales/leads/brief/gemini.js';
import { mergeExtracted } from '../../../../src/sales/leads/brief/merge.js';
import { createRuleBriefExtractor } from '../../../../src/sales/leads/brief/rules.js';

const today = { year: 2026, month: 5, day: 6 };
const input: BriefExtractionInput = {
  fields: DEFAULT_BRIEF_FIELDS,
  messages: [
    { id: 'm1', text: 'Здравствуйте! Нужен стул «Венский», 6 шт', at: new Date('2026-05-06T10:00:00+03:00') },
    {
      id: 'm2',
      text: 'Успеете к пятнице? Бюджет около сорока тысяч',
      at: new Date('2026-05-06T10:01:00+03:00'),
    },
  ],
  current: {},
  today,
};

let sim: GeminiSim;
beforeAll(async () => {
  sim = await startGeminiSim({});
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.reset();
});

function extractor() {
  return createGeminiBriefExtractor({
    ai: async () =>
      new GoogleGenAI({ apiKey: sim.apiKey, apiVersion: 'v1beta', httpOptions: { baseUrl: sim.url } }),
    models: ['gemini-2.5-flash-lite'],
    logger: createLogger({ level: 'silent' }),
    fallback: createRuleBriefExtractor(),
    retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, maxServerDelayMs: 1 },
  });
}

/** What the lead's brief would take of `found`: the grounding check every extractor's output goes through. */
const mergeInto = (current: BriefExtractionInput['current'], found: unknown[]) =>
  mergeExtracted({
    current,
    extracted: found,
    fields: DEFAULT_BRIEF_FIELDS,
    messages: input.messages,
    today,
    now: new Date(),
  });

const answer = (values: unknown[]) => JSON.stringify({ values });
const generateCalls = () => sim.calls.find(/:generateContent$/, 'POST');

describe('the brief by Gemini structured output', () => {
  it('when the model answers in the schema, then values come back typed, each with its message and words', async () => {
    sim.scriptNextAnswer(
      answer([
        { field: 'need', value: 'стул «Венский»', message_id: 'm1', quote: 'Нужен стул «Венский»' },
        { field: 'quantity', value: '6', message_id: 'm1', quote: '6 шт' },
        { field: 'deadline', value: '2026-05-08', message_id: 'm2', quote: 'к пятнице' },
        { field: 'budget', value: '40000', message_id: 'm2', quote: 'около сорока тысяч' },
      ]),
    );
    const found = await extractor().extract(input);
    expect(found).toEqual([
      { field: 'need', value: 'стул «Венский»', messageId: 'm1', quote: 'Нужен стул «Венский»' },
      { field: 'quantity', value: 6, messageId: 'm1', quote: '6 шт' },
      { field: 'deadline', value: '2026-05-08', messageId: 'm2', quote: 'к пятнице' },
      { field: 'budget', value: 4_000_000, messageId: 'm2', quote: 'около сорока тысяч' },
    ]);
    const merged = mergeInto({}, found);
    expect(merged.changed.sort()).toEqual(['budget', 'deadline', 'need', 'quantity']);

    const [call] = generateCalls();
    const body = call!.body as {
      generationConfig: {
        responseMimeType: string;
        responseJsonSchema: {
          properties: { values: { items: { properties: Record<string, { enum?: string[] }> } } };
        };
        temperature: number;
      };
      systemInstruction: { parts: Array<{ text: string }> };
      contents: Array<{ parts: Array<{ text: string }> }>;
    };
    expect(body.generationConfig.responseMimeType).toBe('application/json');
    expect(body.generationConfig.temperature).toBe(0);
    const item = body.generationConfig.responseJsonSchema.properties.values.items.properties;
    expect(item.field?.enum).toEqual(DEFAULT_BRIEF_FIELDS.map((f) => f.id));
    expect(item.message_id?.enum).toEqual(['m1', 'm2']);
    expect(body.systemInstruction.parts[0]?.text).toContain('Never guess');
    const request = JSON.parse(body.contents[0]!.parts[0]!.text) as { today: string; messages: unknown[] };
    expect(request.today).toBe('2026-05-06 (Wednesday)');
    expect(request.messages).toEqual([
      { id: 'm1', text: input.messages[0]!.text },
      { id: 'm2', text: input.messages[1]!.text },
    ]);
  });

  it('when the model hallucinates values the buyer never wrote, then the merge refuses every one', async () => {
    sim.scriptNextAnswer(
      answer([
        { field: 'quantity', value: '12', message_id: 'm1', quote: '12 шт' },
        { field: 'address', value: 'Москва, ул. Тверская, 1', message_id: 'm2', quote: 'ул. Тверская, 1' },
        { field: 'budget', value: '55000', message_id: 'm2', quote: 'около сорока тысяч' },
      ]),
    );
    const found = await extractor().extract(input);
    expect(found).toHaveLength(3);
    const merged = mergeInto({}, found);
    expect(merged.changed).toEqual([]);
    expect(merged.rejected.map((r) => r.because)).toEqual(['not_grounded', 'not_grounded', 'not_grounded']);
  });

  it.each([
    ['text that is not JSON', 'Конечно! Покупатель хочет 6 стульев.'],
    ['JSON of another shape', JSON.stringify({ brief: { quantity: 6 } })],
  ])('when the model answers with %s, then the rules fill the brief instead', async (_what, text) => {
    sim.scriptNextAnswer(text);
    const found = await extractor().extract(input);
    expect(found).toEqual(await createRuleBriefExtractor().extract(input));
    expect(found.map((f) => f.field)).toEqual(['need', 'quantity', 'deadline', 'budget']);
  });

  it('when Gemini fails, then the rules fill the brief instead', async () => {
    sim.faults.add({ match: /:generateContent$/, fault: { kind: 'status', status: 503 } });
    const found = await extractor().extract(input);
    expect(found.map((f) => [f.field, f.value])).toEqual([
      ['need', 'стул «Венский»'],
      ['quantity', 6],
      ['deadline', '2026-05-08'],
      ['budget', 4_000_000],
    ]);
    expect(generateCalls().length).toBe(1);
  });

  it('when the owner has set fields, then the model is not asked about them; with every field set, not asked at all', async () => {
    const owner = { kind: 'owner' as const, actor: 'tg:1' };
    sim.scriptNextAnswer(answer([]));
    await extractor().extract({
      ...input,
      current: { quantity: { value: 10, source: owner, quote: null, at: new Date() } },
    });
    const body = generateCalls()[0]!.body as {
      generationConfig: {
        responseJsonSchema: {
          properties: { values: { items: { properties: { field: { enum: string[] } } } } };
        };
      };
    };
    expect(
      body.generationConfig.responseJsonSchema.properties.values.items.properties.field.enum,
    ).not.toContain('quantity');

    const all = Object.fromEntries(
      DEFAULT_BRIEF_FIELDS.map((f) => [f.id, { value: null, source: owner, quote: null, at: new Date() }]),
    );
    expect(await extractor().extract({ ...input, current: all })).toEqual([]);
    expect(generateCalls()).toHaveLength(1);
  });
});
