import OpenAI, {
  APIConnectionTimeoutError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
} from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type OpenAISim, startOpenAISim } from '../../sim/openai/index.js';

let sim: OpenAISim;
let client: OpenAI;

beforeAll(async () => {
  sim = await startOpenAISim();
  client = new OpenAI({ apiKey: sim.apiKey, baseURL: sim.baseUrl, maxRetries: 0, timeout: 5000 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.reset();
});

const SYSTEM =
  'Отвечай только по источникам. Если ответа нет, ответь ровно [[NO_ANSWER]].\n' +
  'Источники:\n[1] «Доставка»\n"""\nДоставка по Москве стоит 500 ₽ и занимает 1–2 дня. Самовывоз бесплатно.\n"""';

/** OpenAI's error body, as the wire checks read it. */
interface ErrorWire {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** The raw HTTP answer, for checks of the wire format itself. */
async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${sim.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${sim.apiKey}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as ErrorWire };
}

describe('chat completions', () => {
  it('when the passages are in the system prompt, then the answer quotes the matching one, with usage', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: 'Сколько стоит доставка по Москве?' },
      ],
      temperature: 0.2,
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('gpt-4o-mini');
    expect(completion.choices[0]?.message).toMatchObject({
      role: 'assistant',
      content: 'Доставка по Москве стоит 500 ₽ и занимает 1–2 дня.',
    });
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage?.total_tokens).toBe(
      (completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0),
    );
    expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
    expect(sim.completions[0]?.passages).toHaveLength(1);
    const call = sim.calls.find('/v1/chat/completions', 'POST')[0];
    expect(call?.headers.authorization).toBe(`Bearer ${sim.apiKey}`);
  });

  it('when nothing in the passages matches, then the marker comes back, and without a marker an invention', async () => {
    const marker = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: 'Какая погода на Марсе?' },
      ],
    });
    expect(marker.choices[0]?.message.content).toBe('[[NO_ANSWER]]');
    const invented = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Какая погода на Марсе?' }],
    });
    expect(invented.choices[0]?.message.content).toMatch(/\d/);
  });

  it('when the instructions share words with the question, then only fenced text is quoted', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Не называй цены доставки, которых нет в источниках. [[NO_ANSWER]]' },
        { role: 'user', content: 'Какая цена доставки?' },
      ],
    });
    expect(completion.choices[0]?.message.content).toBe('[[NO_ANSWER]]');
  });

  it('when an answer is scripted or max_tokens is small, then it is used or cut with finish_reason length', async () => {
    sim.scriptNextAnswer('Доставка стоит 900 ₽.');
    const scripted = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Доставка?' }],
    });
    expect(scripted.choices[0]?.message.content).toBe('Доставка стоит 900 ₽.');
    const cut = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: 'Сколько стоит доставка по Москве?' },
      ],
      max_completion_tokens: 3,
    });
    expect(cut.choices[0]?.message.content).toBe('Доставка по Москве');
    expect(cut.choices[0]?.finish_reason).toBe('length');
  });

  it('when the key is missing or wrong, then 401 comes in OpenAI’s error shape', async () => {
    const missing = await post(
      '/chat/completions',
      { model: 'gpt-4o-mini', messages: [] },
      { authorization: '' },
    );
    expect(missing.status).toBe(401);
    expect(missing.body.error).toMatchObject({ type: 'invalid_request_error', param: null, code: null });
    expect(missing.body.error.message).toMatch(/You didn't provide an API key/);
    const wrong = new OpenAI({ apiKey: 'sk-wrong-key-123456', baseURL: sim.baseUrl, maxRetries: 0 });
    const err = await wrong.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err).toMatchObject({ status: 401, code: 'invalid_api_key' });
    expect((err as Error).message).not.toContain('sk-wrong-key-123456');
  });

  it('when the request is malformed, then 400 names the parameter as OpenAI does', async () => {
    const cases: Array<[unknown, string | null, RegExp]> = [
      [{ model: 'gpt-4o-mini' }, 'messages', /Missing required parameter: 'messages'/],
      [{ messages: [{ role: 'user', content: 'x' }] }, 'model', /Missing required parameter: 'model'/],
      [{ model: 'gpt-4o-mini', messages: [] }, 'messages', /empty array/],
      [
        { model: 'gpt-4o-mini', messages: [{ role: 'bot', content: 'x' }] },
        'messages[0].role',
        /Supported values/,
      ],
      [{ model: 'gpt-4o-mini', messages: [{ role: 'user' }] }, 'messages[0].content', /Missing required/],
      [
        { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], temperature: 5 },
        'temperature',
        /Expected a value <= 2/,
      ],
      [
        { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], best_of: 2 },
        null,
        /Unrecognized request argument supplied: best_of/,
      ],
    ];
    for (const [body, param, message] of cases) {
      const res = await post('/chat/completions', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.type).toBe('invalid_request_error');
      expect(res.body.error.param).toBe(param);
      expect(res.body.error.message).toMatch(message);
    }
    const badJson = await post('/chat/completions', '{"model":');
    expect(badJson.status).toBe(400);
    expect(badJson.body.error.message).toMatch(/could not parse the JSON body/);
    const viaSdk = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [] })
      .catch((e: unknown) => e);
    expect(viaSdk).toBeInstanceOf(BadRequestError);
  });

  it('when JSON mode is asked, then the word json must be in the messages, and the answer is a JSON object', async () => {
    const refused = await client.chat.completions
      .create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Сколько стоит доставка?' }],
        response_format: { type: 'json_object' },
      })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BadRequestError);
    expect((refused as BadRequestError).message).toContain("must contain the word 'json'");

    const empty = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Answer in JSON.' },
        { role: 'user', content: 'Сколько стоит доставка?' },
      ],
      response_format: { type: 'json_object' },
    });
    expect(JSON.parse(empty.choices[0]!.message.content!)).toEqual({});

    sim.scriptNextAnswer('{"values":[]}');
    const scripted = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Заполни бриф' }],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'brief', schema: { type: 'object' }, strict: false },
      },
    });
    expect(scripted.choices[0]!.message.content).toBe('{"values":[]}');

    // Unscripted, a schema gets its smallest instance: the shape asked for, nothing the passages could fill.
    const structured = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Заполни бриф' }],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'brief',
          schema: {
            type: 'object',
            properties: { values: { type: 'array', items: { type: 'string' } }, note: { type: 'string' } },
            required: ['values'],
          },
        },
      },
    });
    expect(JSON.parse(structured.choices[0]!.message.content!)).toEqual({ values: [] });

    const badName = await post('/chat/completions', {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'json' }],
      response_format: { type: 'json_schema', json_schema: { name: 'a brief' } },
    });
    expect(badName.status).toBe(400);
    expect(badName.body.error.param).toBe('response_format.json_schema.name');
  });

  it('when the model is unknown, then 404 model_not_found', async () => {
    const err = await client.chat.completions
      .create({ model: 'gpt-0-retired', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toMatchObject({ code: 'model_not_found' });
  });
});

describe('faults', () => {
  const ask = () =>
    client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] });

  it('when rate limited, then 429 rate_limit_exceeded with retry-after; once, then it answers', async () => {
    sim.rateLimit({ retryAfter: 7 });
    const err = await ask().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err).toMatchObject({ code: 'rate_limit_exceeded', type: 'requests' });
    expect((err as RateLimitError).headers.get('retry-after')).toBe('7');
    await expect(ask()).resolves.toMatchObject({ object: 'chat.completion' });
  });

  it('when the quota is used up, then 429 insufficient_quota without retry-after, on every call', async () => {
    sim.exhaustQuota();
    for (let i = 0; i < 2; i++) {
      const err = await ask().catch((e: unknown) => e);
      expect(err).toMatchObject({ status: 429, code: 'insufficient_quota', type: 'insufficient_quota' });
      expect((err as RateLimitError).headers.get('retry-after')).toBeNull();
    }
  });

  it('when the server fails or is slow, then 5xx in OpenAI’s shape, or the client times out', async () => {
    sim.faults.add({ match: 'chat/completions', fault: { kind: 'status', status: 503 }, times: 1 });
    const err = await ask().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InternalServerError);
    expect(err).toMatchObject({ status: 503, type: 'server_error' });
    sim.faults.add({ match: 'chat/completions', fault: { kind: 'latency', ms: 800 }, times: 1 });
    const slow = new OpenAI({ apiKey: sim.apiKey, baseURL: sim.baseUrl, maxRetries: 0, timeout: 100 });
    const timeout = await slow.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(timeout).toBeInstanceOf(APIConnectionTimeoutError);
  });
});

describe('embeddings', () => {
  const cosine = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (let i = 0; i < a.length; i++) {
      dot += a[i]! * b[i]!;
      na += a[i]! ** 2;
      nb += b[i]! ** 2;
    }
    return dot / Math.sqrt(na * nb);
  };

  it('when texts are embedded, then similar texts are close, unrelated far, in float and in base64 alike', async () => {
    const input = [
      'Доставка по Москве стоит 500 ₽',
      'Сколько стоит доставка в Москве?',
      'Гарантия на кресло год',
    ];
    const floats = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input,
      encoding_format: 'float',
    });
    expect(floats).toMatchObject({ object: 'list', model: 'text-embedding-3-small' });
    expect(floats.usage.prompt_tokens).toBeGreaterThan(0);
    const [a, b, c] = floats.data.map((d) => d.embedding);
    expect(a).toHaveLength(1536);
    expect(cosine(a!, b!)).toBeGreaterThan(0.5);
    expect(Math.abs(cosine(a!, c!))).toBeLessThan(0.2);
    // The SDK asks for base64 by default and decodes it: the same numbers.
    const decoded = await client.embeddings.create({ model: 'text-embedding-3-small', input });
    expect(sim.calls.find('/v1/embeddings').at(-1)?.body).toMatchObject({ encoding_format: 'base64' });
    expect(Array.from(decoded.data[0]!.embedding)).toEqual(Array.from(Float32Array.from(a!)));
  });

  it('when dimensions, a chat model or an empty input are given, then they are honoured or refused', async () => {
    const small = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: 'доставка',
      dimensions: 64,
      encoding_format: 'float',
    });
    expect(small.data[0]?.embedding).toHaveLength(64);
    await expect(client.embeddings.create({ model: 'gpt-4o-mini', input: 'x' })).rejects.toBeInstanceOf(
      BadRequestError,
    );
    await expect(
      client.embeddings.create({ model: 'text-embedding-3-small', input: '' }),
    ).rejects.toBeInstanceOf(BadRequestError);
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain('text-embedding-3-small');
  });
});
