import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AnthropicSim, startAnthropicSim } from '../../../../sim/anthropic/index.js';
import { type GeminiSim, startGeminiSim } from '../../../../sim/gemini/index.js';
import { type OpenAISim, startOpenAISim } from '../../../../sim/openai/index.js';
import { providerEnvFor } from '../../../../sim/providers-env.js';
import { createKnowledge, type ModelAlerts, type ModelProviderAlert } from '../../../../src/rag/index.js';
import type { BriefExtractionInput } from '../../../../src/sales/leads/brief/extractor.js';
import { DEFAULT_BRIEF_FIELDS } from '../../../../src/sales/leads/brief/fields.js';
import { mergeExtracted } from '../../../../src/sales/leads/brief/merge.js';
import { createModelBriefExtractor } from '../../../../src/sales/leads/brief/model.js';
import { createRuleBriefExtractor } from '../../../../src/sales/leads/brief/rules.js';
import type { Store } from '../../../../src/store/port.js';
import { createLogger, type Logger } from '../../../../src/logger.js';
import { silentLogger, tempStore, testConfig } from '../../../rag/helpers.js';

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

let gemini: GeminiSim;
let openai: OpenAISim;
let anthropic: AnthropicSim;
let store: Store;
let cleanup: () => Promise<void>;
let alerts: Array<{ key: string; alert: ModelProviderAlert }>;

const recorder: ModelAlerts = {
  async alert(key, alert) {
    alerts.push({ key, alert });
  },
  async resolve() {},
};

beforeAll(async () => {
  [gemini, openai, anthropic] = await Promise.all([
    startGeminiSim({}),
    startOpenAISim(),
    startAnthropicSim(),
  ]);
  ({ store, cleanup } = await tempStore());
});
afterAll(async () => {
  await Promise.all([gemini.close(), openai.close(), anthropic.close()]);
  await cleanup();
});
beforeEach(() => {
  gemini.reset();
  openai.reset();
  anthropic.reset();
  alerts = [];
});

type Provider = 'gemini' | 'openai' | 'anthropic';

/** The brief on the answers' router, over the simulators in `order`, as the service wires it. */
function extractor(order: Provider[], logger: Logger = silentLogger) {
  const knowledge = createKnowledge({
    config: testConfig(providerEnvFor({ gemini, openai, anthropic }, order)),
    store,
    logger: silentLogger,
    alerts: recorder,
    options: {
      timeoutMs: 3000,
      retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, maxServerDelayMs: 1 },
    },
  });
  return createModelBriefExtractor({
    models: knowledge.router!,
    logger,
    fallback: createRuleBriefExtractor(),
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
const SAID = answer([
  { field: 'need', value: 'стул «Венский»', message_id: 'm1', quote: 'Нужен стул «Венский»' },
  { field: 'quantity', value: '6', message_id: 'm1', quote: '6 шт' },
  { field: 'deadline', value: '2026-05-08', message_id: 'm2', quote: 'к пятнице' },
  { field: 'budget', value: '40000', message_id: 'm2', quote: 'около сорока тысяч' },
]);
const EXPECTED = [
  { field: 'need', value: 'стул «Венский»', messageId: 'm1', quote: 'Нужен стул «Венский»' },
  { field: 'quantity', value: 6, messageId: 'm1', quote: '6 шт' },
  { field: 'deadline', value: '2026-05-08', messageId: 'm2', quote: 'к пятнице' },
  { field: 'budget', value: 4_000_000, messageId: 'm2', quote: 'около сорока тысяч' },
];

const geminiCalls = () => gemini.calls.find(/:generateContent$/, 'POST');
const openaiCalls = () => openai.calls.find('/v1/chat/completions', 'POST');
const anthropicCalls = () => anthropic.calls.find('/v1/messages', 'POST');
const script: Record<Provider, (text: string) => void> = {
  gemini: (text) => gemini.scriptNextAnswer(text, { for: 'json' }),
  openai: (text) => openai.scriptNextAnswer(text),
  anthropic: (text) => anthropic.scriptNextAnswer(text),
};

describe('the brief by the configured model providers', () => {
  it.each<Provider>(['gemini', 'openai', 'anthropic'])(
    'when %s alone is configured and answers in the schema, then values come back typed and the brief takes them all',
    async (provider) => {
      script[provider](SAID);
      const found = await extractor([provider]).extract(input);
      expect(found).toEqual(EXPECTED);
      expect(mergeInto({}, found).changed.sort()).toEqual(['budget', 'deadline', 'need', 'quantity']);
    },
  );

  it('when Gemini is asked, then it gets the schema as responseJsonSchema at temperature 0 and no File Search', async () => {
    script.gemini(answer([]));
    await extractor(['gemini']).extract(input);
    const body = geminiCalls()[0]!.body as {
      generationConfig: {
        responseMimeType: string;
        responseJsonSchema: {
          properties: { values: { items: { properties: Record<string, { enum?: string[] }> } } };
        };
        temperature: number;
      };
      tools?: unknown;
      systemInstruction: { parts: Array<{ text: string }> };
      contents: Array<{ parts: Array<{ text: string }> }>;
    };
    expect(body.generationConfig.responseMimeType).toBe('application/json');
    expect(body.generationConfig.temperature).toBe(0);
    expect(body.tools).toBeUndefined();
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

  it('when an OpenAI-compatible API is asked, then it gets JSON mode with the schema in the system message', async () => {
    script.openai(answer([]));
    await extractor(['openai']).extract(input);
    const body = openaiCalls()[0]!.body as {
      response_format: { type: string };
      temperature: number;
      messages: Array<{ role: string; content: string }>;
    };
    expect(body.response_format).toEqual({ type: 'json_object' });
    expect(body.temperature).toBe(0);
    expect(body.messages[0]?.role).toBe('system');
    expect(body.messages[0]?.content).toContain('Never guess');
    expect(body.messages[0]?.content).toContain('"message_id":{"type":"string","enum":["m1","m2"]}');
    expect(JSON.parse(body.messages[1]!.content)).toMatchObject({ today: '2026-05-06 (Wednesday)' });
  });

  it('when Anthropic wraps its JSON in a code fence, then the object inside is read', async () => {
    script.anthropic(`Вот ответ:\n\`\`\`json\n${SAID}\n\`\`\``);
    const found = await extractor(['anthropic']).extract(input);
    expect(found).toEqual(EXPECTED);
    const body = anthropicCalls()[0]!.body as { system: string };
    expect(body.system).toContain('Answer with one JSON object only');
    expect(body.system).toContain('"field":{"type":"string","enum":["need"');
  });

  it('when the first provider fails, then the next one in LLM_PROVIDERS fills the brief', async () => {
    openai.faults.add({ match: '/v1/chat/completions', fault: { kind: 'status', status: 503 } });
    script.anthropic(SAID);
    const found = await extractor(['openai', 'anthropic']).extract(input);
    expect(found).toEqual(EXPECTED);
    expect(openaiCalls()).toHaveLength(1);
    expect(anthropicCalls()).toHaveLength(1);
  });

  it('when the first provider is out of quota, then the owner is told once, and the next provider answers', async () => {
    openai.exhaustQuota();
    const brief = extractor(['openai', 'gemini']);
    script.gemini(SAID);
    expect(await brief.extract(input)).toEqual(EXPECTED);
    script.gemini(SAID);
    expect(await brief.extract(input)).toEqual(EXPECTED);
    expect(alerts.map((a) => [a.key, a.alert.problem])).toEqual([['model:openai:quota', 'quota']]);
  });

  it('when the model gives some fields, then the rules read the ones it left open, and the model is not overruled', async () => {
    script.gemini(
      answer([{ field: 'need', value: 'венские стулья', message_id: 'm1', quote: 'Нужен стул «Венский»' }]),
    );
    const found = await extractor(['gemini']).extract(input);
    expect(found.map((f) => [f.field, f.value])).toEqual([
      ['need', 'венские стулья'],
      ['quantity', 6],
      ['deadline', '2026-05-08'],
      ['budget', 4_000_000],
    ]);
  });

  it('when the model answers in the schema with nothing in it (the simulator unscripted), then the rules fill the brief and nothing is malformed', async () => {
    const found = await extractor(['gemini']).extract(input);
    expect(found).toEqual(await createRuleBriefExtractor().extract(input));
    // What the simulator answered: the schema's smallest instance, as a model in JSON mode with nothing to say.
    expect(gemini.retrievals.map((t) => JSON.parse(t.answer) as unknown)).toEqual([{ values: [] }]);
  });

  it('when an OpenAI-compatible model answers {} (its JSON mode enforces no schema), then it found nothing: the rules fill the brief and no malformed answer is logged', async () => {
    const lines: Array<{ level: number; msg: string }> = [];
    const logger = createLogger({
      level: 'debug',
      destination: {
        write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }),
      },
    });
    script.openai('{}');
    const found = await extractor(['openai'], logger).extract(input);
    expect(found).toEqual(await createRuleBriefExtractor().extract(input));
    expect(lines.filter((l) => l.level >= 40).map((l) => l.msg)).toEqual([]);
    // A JSON object of another shape still is malformed, and says so.
    script.openai('{"values": "нет"}');
    await extractor(['openai'], logger).extract(input);
    expect(lines.filter((l) => l.level >= 40).map((l) => l.msg)).toEqual([
      'brief by model: malformed answer; rules used',
    ]);
  });

  it('when every provider fails, then the rules fill the brief', async () => {
    openai.faults.add({ match: '/v1/chat/completions', fault: { kind: 'status', status: 500 } });
    anthropic.overload({ times: 5 });
    gemini.faults.add({ match: /:generateContent$/, fault: { kind: 'status', status: 503 } });
    const found = await extractor(['gemini', 'openai', 'anthropic']).extract(input);
    expect(found).toEqual(await createRuleBriefExtractor().extract(input));
    expect(found.map((f) => [f.field, f.value])).toEqual([
      ['need', 'стул «Венский»'],
      ['quantity', 6],
      ['deadline', '2026-05-08'],
      ['budget', 4_000_000],
    ]);
    expect([geminiCalls().length, openaiCalls().length, anthropicCalls().length]).toEqual([1, 1, 1]);
  });

  it.each([
    ['text that is not JSON', 'Конечно! Покупатель хочет 6 стульев.'],
    ['JSON of another shape', JSON.stringify({ brief: { quantity: 6 } })],
  ])('when the model answers with %s, then the rules fill the brief instead', async (_what, text) => {
    script.openai(text);
    const found = await extractor(['openai']).extract(input);
    expect(found).toEqual(await createRuleBriefExtractor().extract(input));
    expect(found.map((f) => f.field)).toEqual(['need', 'quantity', 'deadline', 'budget']);
  });

  it.each<Provider>(['gemini', 'openai', 'anthropic'])(
    'when %s invents values the buyer never wrote, then the merge refuses every one',
    async (provider) => {
      script[provider](
        answer([
          { field: 'quantity', value: '12', message_id: 'm1', quote: '12 шт' },
          { field: 'address', value: 'Москва, ул. Тверская, 1', message_id: 'm2', quote: 'ул. Тверская, 1' },
          { field: 'budget', value: '55000', message_id: 'm2', quote: 'около сорока тысяч' },
        ]),
      );
      const found = await extractor([provider]).extract(input);
      const merged = mergeInto({}, found);
      expect(merged.rejected.map((r) => r.because)).toEqual(['not_grounded', 'not_grounded', 'not_grounded']);
      // What the model left open (the need, the deadline) the rules read from the messages.
      expect(merged.changed.sort()).toEqual(['deadline', 'need']);
    },
  );

  it('when the owner has set fields, then the model is not asked about them; with every field set, not asked at all', async () => {
    const owner = { kind: 'owner' as const, actor: 'tg:1' };
    const brief = extractor(['gemini']);
    script.gemini(answer([]));
    await brief.extract({
      ...input,
      current: { quantity: { value: 10, source: owner, quote: null, at: new Date() } },
    });
    const body = geminiCalls()[0]!.body as {
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
    expect(await brief.extract({ ...input, current: all })).toEqual([]);
    expect(geminiCalls()).toHaveLength(1);
  });
});
