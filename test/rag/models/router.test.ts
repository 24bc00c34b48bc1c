import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AnthropicSim, startAnthropicSim } from '../../../sim/anthropic/index.js';
import { type GeminiSim, startGeminiSim } from '../../../sim/gemini/index.js';
import { type OpenAISim, startOpenAISim } from '../../../sim/openai/index.js';
import { providerEnvFor } from '../../../sim/providers-env.js';
import {
  type AnswerInput,
  createKnowledge,
  type Knowledge,
  type KnowledgeOptions,
  type ModelAlerts,
  type ModelProviderAlert,
} from '../../../src/rag/index.js';
import type { Store } from '../../../src/store/port.js';
import { FALLBACK, silentLogger, tempStore, testConfig, utf8 } from '../helpers.js';

let openai: OpenAISim;
let anthropic: AnthropicSim;
let store: Store;
let cleanup: () => Promise<void>;
let now: number;
let alerts: Array<{ key: string; alert: ModelProviderAlert }>;
let resolved: string[];

const recorder: ModelAlerts = {
  async alert(key, alert) {
    alerts.push({ key, alert });
  },
  async resolve(key) {
    resolved.push(key);
  },
};

beforeEach(async () => {
  openai = await startOpenAISim();
  anthropic = await startAnthropicSim();
  ({ store, cleanup } = await tempStore());
  now = Date.UTC(2026, 0, 10, 12);
  alerts = [];
  resolved = [];
});
afterEach(async () => {
  await openai.close();
  await anthropic.close();
  await cleanup();
});

/** Knowledge over the simulators with test-sized retries, a breaker that opens after 2 failed turns, our clock. */
async function knowledgeWith(
  env: Record<string, string>,
  options: KnowledgeOptions = {},
): Promise<Knowledge> {
  const knowledge = createKnowledge({
    config: testConfig(env),
    store,
    logger: silentLogger,
    alerts: recorder,
    options: {
      timeoutMs: 2000,
      retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10, maxServerDelayMs: 2000 },
      breaker: { failureThreshold: 2, coolDownMs: 60_000 },
      clock: () => now,
      ...options,
    },
  });
  await knowledge.ingest({
    origin: 'folder',
    fileName: 'Доставка.md',
    bytes: utf8('# Доставка\n\nДоставка по Москве стоит 500 ₽ и занимает 1–2 дня. Самовывоз бесплатно.'),
  });
  await knowledge.ingest({
    origin: 'folder',
    fileName: 'Гарантия.md',
    bytes: utf8('# Гарантия\n\nГарантия на кресла 12 месяцев.'),
  });
  return knowledge;
}

const ask = (question: string): AnswerInput => ({
  questions: [question],
  history: [{ author: 'buyer', text: question }],
  listing: null,
});
const DELIVERY = 'Сколько стоит доставка по Москве?';
const both = () => providerEnvFor({ openai, anthropic }, ['openai', 'anthropic']);
const chats = () => openai.calls.find('/v1/chat/completions', 'POST');
const messages = () => anthropic.calls.find('/v1/messages', 'POST');

describe('providers without File Search', () => {
  it('when OpenAI-compatible answers, then it was given the local passages and the decision names it', async () => {
    const k = await knowledgeWith(providerEnvFor({ openai }));
    const decision = await k.answer(ask(DELIVERY));
    expect(decision).toMatchObject({
      kind: 'answer',
      strategy: 'general',
      grounded: true,
      provider: 'openai',
      model: 'gpt-4o-mini',
      text: 'Доставка по Москве стоит 500 ₽ и занимает 1–2 дня.',
    });
    expect(decision.kind === 'answer' && decision.sources.map((s) => s.title)).toEqual(['Доставка']);
    const seen = openai.completions[0]!;
    expect(seen.passages.some((p) => p.includes('500 ₽'))).toBe(true);
    expect(seen.system).toContain('[[NO_ANSWER]]');
  });

  it('when Anthropic answers, then the same contract holds through the Messages API', async () => {
    const k = await knowledgeWith(providerEnvFor({ anthropic }));
    const decision = await k.answer(ask('Какая гарантия на кресла?'));
    expect(decision).toMatchObject({
      kind: 'answer',
      provider: 'anthropic',
      model: 'claude-haiku-4-5',
      text: 'Гарантия на кресла 12 месяцев.',
    });
    expect(anthropic.messages[0]?.passages.join()).toContain('Гарантия на кресла');
    // No embeddings from Anthropic: BM25 alone, and nothing is asked of the OpenAI simulator.
    expect(k.embeddings).toBeNull();
  });

  it('when the documents do not cover the question, then the marker becomes a not_covered fallback naming the model', async () => {
    const k = await knowledgeWith(providerEnvFor({ openai }));
    // The passages share a word with the question but do not answer it: a model says so with the marker.
    openai.scriptNextAnswer('[[NO_ANSWER]]');
    const decision = await k.answer(ask('Доставка в Антарктиду есть?'));
    expect(decision).toMatchObject({
      kind: 'fallback',
      reason: 'not_covered',
      text: FALLBACK,
      provider: 'openai',
    });
  });

  it('when nothing is retrieved at all, then no model is called', async () => {
    const k = await knowledgeWith(providerEnvFor({ openai }));
    const decision = await k.answer(ask('Какая погода на Марсе?'));
    expect(decision).toMatchObject({ kind: 'fallback', reason: 'nothing_found' });
    expect(chats()).toHaveLength(0);
  });
});

describe('fallback across models and providers', () => {
  it('when OpenAI is rate limited beyond the wait we accept, then Anthropic answers', async () => {
    const k = await knowledgeWith(both());
    openai.rateLimit({ retryAfter: 60, times: 10 });
    const decision = await k.answer(ask(DELIVERY));
    expect(decision).toMatchObject({ kind: 'answer', provider: 'anthropic', model: 'claude-haiku-4-5' });
    expect(chats().map((c) => c.status)).toEqual([429]);
    expect(messages().map((c) => c.status)).toEqual([200]);
  });

  it('when OpenAI answers 503, then it is retried and Anthropic takes over only when the retries are used up', async () => {
    const k = await knowledgeWith(both());
    openai.faults.add({ match: 'chat/completions', fault: { kind: 'status', status: 503 }, times: 1 });
    expect(await k.answer(ask(DELIVERY))).toMatchObject({ provider: 'openai' });
    expect(chats().map((c) => c.status)).toEqual([503, 200]);

    openai.reset();
    openai.faults.add({ match: 'chat/completions', fault: { kind: 'status', status: 503 } });
    expect(await k.answer(ask(DELIVERY))).toMatchObject({ provider: 'anthropic' });
    expect(chats().map((c) => c.status)).toEqual([503, 503]);
  });

  it('when the model is unknown (404), then the next model of the same provider answers', async () => {
    const k = await knowledgeWith({
      ...both(),
      OPENAI_MODEL: 'gpt-0-retired',
      OPENAI_FALLBACK_MODELS: 'gpt-4.1-mini',
    });
    const decision = await k.answer(ask(DELIVERY));
    expect(decision).toMatchObject({ provider: 'openai', model: 'gpt-4.1-mini' });
    expect(chats().map((c) => [(c.body as { model: string }).model, c.status])).toEqual([
      ['gpt-0-retired', 404],
      ['gpt-4.1-mini', 200],
    ]);
    expect(messages()).toHaveLength(0);
  });

  it('when OpenAI is slower than the timeout, then the call is cut and Anthropic answers', async () => {
    const k = await knowledgeWith(both(), {
      timeoutMs: 150,
      retry: { maxAttempts: 1, baseDelayMs: 5, maxDelayMs: 10 },
    });
    openai.faults.add({ match: 'chat/completions', fault: { kind: 'latency', ms: 1500 } });
    const decision = await k.answer(ask(DELIVERY));
    expect(decision).toMatchObject({ provider: 'anthropic' });
    expect(k.models()[0]).toMatchObject({ provider: 'openai', lastError: { kind: 'timeout' } });
  });

  it('when the request itself is refused (400), then no other provider is tried and the fallback says why', async () => {
    const k = await knowledgeWith(both());
    openai.faults.add({
      match: 'chat/completions',
      fault: { kind: 'status', status: 400, message: "Invalid 'messages': too long." },
    });
    const decision = await k.answer(ask(DELIVERY));
    expect(decision).toMatchObject({ kind: 'fallback', reason: 'unavailable', text: FALLBACK });
    expect(decision.kind === 'fallback' && decision.detail).toMatch(/OpenAI.*rejected 400.*too long/);
    expect(messages()).toHaveLength(0);
  });

  it('when every provider fails, then the fallback is unavailable and names the last failure', async () => {
    const k = await knowledgeWith(both());
    openai.faults.add({ match: 'chat/completions', fault: { kind: 'status', status: 500 } });
    anthropic.overload({ times: 10 });
    const decision = await k.answer(ask(DELIVERY));
    expect(decision).toMatchObject({ kind: 'fallback', reason: 'unavailable' });
    expect(decision.kind === 'fallback' && decision.detail).toMatch(/Anthropic \(claude-haiku-4-5\).*529/);
  });
});

describe('circuit breaker', () => {
  it('when OpenAI keeps failing, then it is skipped until the cool-down ends, then probed once and used again', async () => {
    const k = await knowledgeWith(both());
    openai.faults.add({ match: 'chat/completions', fault: { kind: 'status', status: 502 } });
    await k.answer(ask(DELIVERY));
    await k.answer(ask(DELIVERY));
    expect(chats()).toHaveLength(4);
    expect(k.models()[0]).toMatchObject({ provider: 'openai', state: 'paused' });

    // Open: OpenAI is not even called.
    expect(await k.answer(ask(DELIVERY))).toMatchObject({ provider: 'anthropic' });
    expect(chats()).toHaveLength(4);

    // Cool-down over, OpenAI still down: one probe turn, then open again.
    now += 61_000;
    expect(await k.answer(ask(DELIVERY))).toMatchObject({ provider: 'anthropic' });
    expect(chats()).toHaveLength(6);
    await k.answer(ask(DELIVERY));
    expect(chats()).toHaveLength(6);

    // Cool-down over and OpenAI back: the probe answers and the circuit closes.
    now += 61_000;
    openai.faults.clear();
    expect(await k.answer(ask(DELIVERY))).toMatchObject({ provider: 'openai' });
    expect(await k.answer(ask(DELIVERY))).toMatchObject({ provider: 'openai' });
    expect(k.models()[0]).toMatchObject({ state: 'ok' });
  });
});

describe('owner alerts', () => {
  it('when the OpenAI quota is used up, then the owner is told once while Anthropic answers, and again after it came back', async () => {
    const k = await knowledgeWith(both());
    openai.exhaustQuota();
    for (let i = 0; i < 3; i++) {
      expect(await k.answer(ask(DELIVERY))).toMatchObject({ provider: 'anthropic' });
      now += 61_000;
    }
    // A quota is not retried: one call per probe, and the circuit opened at once.
    expect(chats().map((c) => c.status)).toEqual([429, 429, 429]);
    expect(alerts).toEqual([
      {
        key: 'model:openai:quota',
        alert: {
          kind: 'model-provider',
          provider: 'openai',
          problem: 'quota',
          reason: expect.stringMatching(/exceeded your current quota/),
        },
      },
    ]);

    openai.faults.clear();
    expect(await k.answer(ask(DELIVERY))).toMatchObject({ provider: 'openai' });
    expect(resolved).toContain('model:openai:quota');
    openai.exhaustQuota();
    now += 61_000;
    await k.answer(ask(DELIVERY));
    now += 61_000;
    await k.answer(ask(DELIVERY));
    expect(alerts).toHaveLength(2);
  });

  it('when the key is refused, then the owner is told to check it, once', async () => {
    const k = await knowledgeWith({ ...both(), OPENAI_API_KEY: 'sk-revoked-key-123' });
    await k.answer(ask(DELIVERY));
    now += 61_000;
    await k.answer(ask(DELIVERY));
    expect(alerts.map((a) => [a.key, a.alert.problem])).toEqual([['model:openai:auth', 'auth']]);
    expect(alerts[0]?.alert.reason).toMatch(/Incorrect API key/);
    expect(alerts[0]?.alert.reason).not.toContain('sk-revoked-key-123');
  });

  it('when Anthropic has no credits left, then its low-balance 400 counts as a quota, not a bad request', async () => {
    const k = await knowledgeWith(providerEnvFor({ anthropic, openai }, ['anthropic', 'openai']));
    anthropic.exhaustCredits();
    expect(await k.answer(ask(DELIVERY))).toMatchObject({ provider: 'openai' });
    expect(alerts.map((a) => a.key)).toEqual(['model:anthropic:quota']);
  });
});

describe('Gemini with File Search in the chain', () => {
  let gemini: GeminiSim;
  beforeEach(async () => {
    gemini = await startGeminiSim({ operationPolls: 1 });
  });
  afterEach(async () => {
    await gemini.close();
  });

  it('when Gemini’s daily quota is used up, then OpenAI answers from the local index and Gemini’s quota is alerted', async () => {
    const k = await knowledgeWith(providerEnvFor({ gemini, openai }, ['gemini', 'openai']), {
      poll: { intervalMs: 5, maxIntervalMs: 20, deadlineMs: 3000 },
    });
    gemini.rateLimit({ per: 'day', times: 10 });
    const decision = await k.answer(ask(DELIVERY));
    expect(decision).toMatchObject({ kind: 'answer', provider: 'openai', strategy: 'general' });
    expect(alerts.map((a) => a.key)).toEqual(['model:gemini:quota']);
    expect(gemini.calls.find(/:generateContent$/, 'POST')).toHaveLength(1);
  });

  it('when Gemini answers, then the decision names Gemini and no local passages are looked up for it', async () => {
    const k = await knowledgeWith(providerEnvFor({ gemini, openai }, ['gemini', 'openai']), {
      poll: { intervalMs: 5, maxIntervalMs: 20, deadlineMs: 3000 },
    });
    const decision = await k.answer(ask(DELIVERY));
    expect(decision).toMatchObject({ kind: 'answer', provider: 'gemini', model: 'gemini-2.5-flash-lite' });
    expect(chats()).toHaveLength(0);
  });
});
