import Anthropic, {
  APIConnectionTimeoutError,
  AuthenticationError,
  BadRequestError,
  NotFoundError,
  RateLimitError,
} from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AnthropicSim, startAnthropicSim } from '../../sim/anthropic/index.js';

let sim: AnthropicSim;
let client: Anthropic;

beforeAll(async () => {
  sim = await startAnthropicSim();
  client = new Anthropic({ apiKey: sim.apiKey, baseURL: sim.url, maxRetries: 0, timeout: 5000 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.reset();
});

const SYSTEM =
  'Отвечай только по источникам. Если ответа нет, ответь ровно [[NO_ANSWER]].\n' +
  '[1] «Гарантия»\n"""\nГарантия на кресло 12 месяцев. Возврат в течение 14 дней.\n"""';

/** A Messages API answer as the wire checks read it: an error or a message. */
interface Wire {
  type: string;
  error: { type: string; message: string };
  request_id: string;
  role?: string;
  content?: unknown;
}

async function post(body: unknown, headers: Record<string, string | undefined> = {}) {
  const all: Record<string, string | undefined> = {
    'content-type': 'application/json',
    'x-api-key': sim.apiKey,
    'anthropic-version': '2023-06-01',
    ...headers,
  };
  const res = await fetch(`${sim.url}/v1/messages`, {
    method: 'POST',
    headers: Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined)),
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Wire };
}

const valid = {
  model: 'claude-haiku-4-5',
  max_tokens: 100,
  messages: [{ role: 'user', content: 'Гарантия?' }],
};

describe('messages', () => {
  it('when the SDK sends passages in system, then the answer quotes the matching one, with usage and the headers checked', async () => {
    const message = await client.messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 200,
      system: SYSTEM,
      messages: [{ role: 'user', content: 'Какая гарантия на кресло?' }],
    });
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-haiku-4-5',
      stop_reason: 'end_turn',
      stop_sequence: null,
      content: [{ type: 'text', text: 'Гарантия на кресло 12 месяцев.' }],
    });
    expect(message.id).toMatch(/^msg_/);
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(message.usage.output_tokens).toBe(5);
    // The pinned SDK speaks API version 2026-10-21, which takes the key as a Bearer token.
    const call = sim.calls.find('/v1/messages', 'POST')[0]!;
    expect(call.headers['anthropic-version']).toBe('2026-10-21');
    expect(call.headers.authorization).toBe(`Bearer ${sim.apiKey}`);
  });

  it('when a 2023-06-01 client calls, then the key must be in x-api-key, and sampling parameters are only taken there', async () => {
    const old = await post({ ...valid, temperature: 0.2 });
    expect(old.status).toBe(200);
    expect(old.body).toMatchObject({ type: 'message', role: 'assistant' });
    const bearerOld = await post(valid, { 'x-api-key': undefined, authorization: `Bearer ${sim.apiKey}` });
    expect(bearerOld.status).toBe(401);
    expect(bearerOld.body.error.type).toBe('authentication_error');
    const newer = await post(
      { ...valid, temperature: 0.2 },
      { 'x-api-key': undefined, authorization: `Bearer ${sim.apiKey}`, 'anthropic-version': '2026-10-21' },
    );
    expect(newer.status).toBe(400);
    expect(newer.body.error.message).toBe('temperature: Extra inputs are not permitted');
  });

  it('when nothing matches or max_tokens is small, then the marker, or a cut answer with stop_reason max_tokens', async () => {
    const none = await client.messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 200,
      system: SYSTEM,
      messages: [{ role: 'user', content: 'Какая погода на Марсе?' }],
    });
    expect(none.content).toEqual([{ type: 'text', text: '[[NO_ANSWER]]' }]);
    const cut = await client.messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 2,
      system: SYSTEM,
      messages: [{ role: 'user', content: 'Какая гарантия на кресло?' }],
    });
    expect(cut.content).toEqual([{ type: 'text', text: 'Гарантия на' }]);
    expect(cut.stop_reason).toBe('max_tokens');
  });

  it('when max_tokens, messages or a header is missing, then the API’s 400/401 comes in its shape', async () => {
    const noMax = await post({ model: 'claude-haiku-4-5', messages: valid.messages });
    expect(noMax.status).toBe(400);
    expect(noMax.body).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'max_tokens: Field required' },
      request_id: expect.stringMatching(/^req_/),
    });
    expect(noMax.headers.get('request-id')).toBe(noMax.body.request_id);

    const noVersion = await post(valid, { 'anthropic-version': undefined });
    expect(noVersion.status).toBe(400);
    expect(noVersion.body.error).toEqual({
      type: 'invalid_request_error',
      message: 'anthropic-version: header is required',
    });
    expect((await post(valid, { 'anthropic-version': '2020-01-01' })).body.error.message).toMatch(
      /invalid version/,
    );

    const noKey = await post(valid, { 'x-api-key': undefined });
    expect(noKey.status).toBe(401);
    expect(noKey.body.error).toEqual({
      type: 'authentication_error',
      message: 'x-api-key header is required',
    });
    expect((await post(valid, { 'x-api-key': 'sk-ant-wrong' })).body.error.message).toBe('invalid x-api-key');

    const wrong = new Anthropic({ apiKey: 'sk-ant-wrong', baseURL: sim.url, maxRetries: 0 });
    await expect(
      wrong.messages.create(valid as Anthropic.MessageCreateParamsNonStreaming),
    ).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('when roles or fields are wrong, then 400 says which', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ ...valid, messages: [] }, /at least one message/],
      [{ ...valid, messages: [{ role: 'system', content: 'x' }] }, /Unexpected role "system"/],
      [
        { ...valid, messages: [{ role: 'bot', content: 'x' }] },
        /messages\.0\.role: Input should be 'user' or 'assistant'/,
      ],
      [
        {
          ...valid,
          messages: [
            { role: 'assistant', content: 'x' },
            { role: 'user', content: 'y' },
          ],
        },
        /first message/,
      ],
      [{ ...valid, messages: [{ role: 'user', content: '  ' }] }, /non-empty content/],
      [{ ...valid, temperature: 2 }, /temperature: Input should be less than or equal to 1/],
      [{ ...valid, max_tokens: 0 }, /max_tokens: Input should be greater than or equal to 1/],
      [{ ...valid, frequency_penalty: 1 }, /frequency_penalty: Extra inputs are not permitted/],
    ];
    for (const [body, message] of cases) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.type).toBe('error');
      expect(res.body.error.type).toBe('invalid_request_error');
      expect(res.body.error.message).toMatch(message);
    }
    await expect(
      client.messages.create({ ...valid, messages: [] } as Anthropic.MessageCreateParamsNonStreaming),
    ).rejects.toBeInstanceOf(BadRequestError);
  });

  it('when the model is unknown, then 404 not_found_error', async () => {
    const err = await client.messages
      .create({ ...valid, model: 'claude-0' } as Anthropic.MessageCreateParamsNonStreaming)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toMatchObject({ status: 404, type: 'not_found_error' });
  });
});

describe('faults', () => {
  const ask = () => client.messages.create(valid as Anthropic.MessageCreateParamsNonStreaming);

  it('when rate limited or overloaded, then 429 with retry-after and 529 overloaded_error, once each', async () => {
    sim.rateLimit({ retryAfter: 3 });
    const limited = await ask().catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitError);
    expect(limited).toMatchObject({ type: 'rate_limit_error' });
    expect((limited as RateLimitError).headers.get('retry-after')).toBe('3');
    sim.overload();
    const overloaded = await ask().catch((e: unknown) => e);
    expect(overloaded).toMatchObject({ status: 529, type: 'overloaded_error' });
    await expect(ask()).resolves.toMatchObject({ type: 'message' });
  });

  it('when the credits are used up, then the low-balance 400 on every call', async () => {
    sim.exhaustCredits();
    for (let i = 0; i < 2; i++) {
      const err = await ask().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BadRequestError);
      expect((err as BadRequestError).apiMessage).toMatch(/credit balance is too low/);
    }
  });

  it('when the server fails or is slow, then 500 api_error, or the client times out', async () => {
    sim.faults.add({ match: '/v1/messages', fault: { kind: 'status', status: 500 }, times: 1 });
    await expect(ask()).rejects.toMatchObject({ status: 500, type: 'api_error' });
    sim.faults.add({ match: '/v1/messages', fault: { kind: 'latency', ms: 800 }, times: 1 });
    const slow = new Anthropic({ apiKey: sim.apiKey, baseURL: sim.url, maxRetries: 0, timeout: 100 });
    await expect(
      slow.messages.create(valid as Anthropic.MessageCreateParamsNonStreaming),
    ).rejects.toBeInstanceOf(APIConnectionTimeoutError);
  });
});
