import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AvitoSim, startAvitoSim } from '../../sim/avito/index.js';
import { listen } from '../../sim/common/server.js';
import { AvitoClient } from '../../src/avito/client.js';
import { AvitoApiError, AvitoSendError } from '../../src/avito/errors.js';
import { validateAvitoRequest, validateAvitoResponse } from '../support/avito-openapi.js';

/** A token source that never expires: these tests are about the client, not the token manager. */
function staticTokens(sim: AvitoSim) {
  let token: string | undefined;
  return {
    async getToken() {
      if (token) return token;
      const res = await fetch(`${sim.url}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: sim.env.AVITO_CLIENT_ID ?? '',
          client_secret: sim.env.AVITO_CLIENT_SECRET ?? '',
        }),
      });
      token = ((await res.json()) as { access_token: string }).access_token;
      return token;
    },
    async invalidate() {
      token = undefined;
    },
  };
}

async function freePortThatRefuses(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('Avito client (against the Avito simulator)', () => {
  let sim: AvitoSim;
  let client: AvitoClient;

  const make = (over: Partial<ConstructorParameters<typeof AvitoClient>[0]> = {}) =>
    new AvitoClient({
      baseUrl: sim.url,
      tokens: staticTokens(sim),
      backoff: { baseMs: 10, maxMs: 40 },
      ...over,
    });

  beforeEach(async () => {
    sim = await startAvitoSim();
    client = make();
  });
  afterEach(async () => {
    await sim.close();
  });

  it('when every endpoint is called, then requests and responses match the official OpenAPI documents', async () => {
    // Record exactly what our client sent and received.
    const exchanges: Array<{ method: string; url: URL; body: unknown; status: number; response: unknown }> =
      [];
    const recording: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      const text = await res.clone().text();
      exchanges.push({
        method: init?.method ?? 'GET',
        url: new URL(String(input)),
        body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
        status: res.status,
        response: text ? JSON.parse(text) : undefined,
      });
      return res;
    };
    client = make({ fetch: recording });
    const listing = sim.seedListing({ id: 4341979279, title: 'Диван угловой', price: 54900 });
    const { chatId } = await sim.buyerWrites({
      itemId: listing.id,
      buyer: { name: 'Анна' },
      text: 'Здравствуйте! Доставка есть?',
    });

    expect(await client.userId()).toBe(String(sim.userId));
    const chats = await client.listChats({ limit: 10 });
    expect(chats.map((c) => c.id)).toContain(chatId);
    const chat = await client.getChat(chatId);
    expect(chat.context?.value?.id).toBe('4341979279');
    expect(chat.context?.value?.title).toBe('Диван угловой');
    const messages = await client.listMessages(chatId, { limit: 20 });
    expect(messages[0]?.content.text).toBe('Здравствуйте! Доставка есть?');
    const sent = await client.sendText(chatId, 'Да, доставка по Москве.');
    expect(sent.messages).toHaveLength(1);
    await client.markRead(chatId);
    const receiver = await listen((_req, res) => res.writeHead(200).end('{}'));
    const hook = `${receiver.url}/hook`;
    await client.subscribe(hook);
    expect((await client.subscriptions()).map((s) => s.url)).toEqual([hook]);
    await client.unsubscribe(hook);
    expect(await client.subscriptions()).toEqual([]);
    await receiver.close();
    const items = await client.listItems({ perPage: 10 });
    expect(items.map((i) => i.id)).toContain('4341979279');
    expect((await client.itemInfo('4341979279')).status).toBeDefined();

    expect(exchanges.length).toBe(12);
    for (const x of exchanges) {
      const query = Object.fromEntries(x.url.searchParams);
      const req = validateAvitoRequest(x.method, x.url.pathname, x.body, { query });
      expect(req.errors, `${x.method} ${x.url.pathname} request`).toEqual([]);
      const res = validateAvitoResponse(x.method, x.url.pathname, x.status, x.response);
      expect(res.errors, `${x.method} ${x.url.pathname} response`).toEqual([]);
    }
  });

  it('when messages come as a bare array or wrapped in {messages}, then both read the same', async () => {
    const listing = sim.seedListing({ title: 'Ноутбук', price: 30000 });
    const { chatId } = await sim.buyerWrites({
      itemId: listing.id,
      buyer: { name: 'Олег' },
      text: 'Какой процессор?',
    });
    sim.setMessagesShape('array');
    const a = await client.listMessages(chatId);
    sim.setMessagesShape('object');
    const b = await client.listMessages(chatId);
    expect(b).toEqual(a);
    expect(a[0]?.author_id).not.toBe(String(sim.userId));
  });

  it('when a text is longer than 1000 characters, then it is sent in sentence-bounded parts in order', async () => {
    const listing = sim.seedListing({ title: 'Шкаф', price: 12000 });
    const { chatId } = await sim.buyerWrites({
      itemId: listing.id,
      buyer: { name: 'Ира' },
      text: 'Расскажите подробнее',
    });
    const sentence = 'Шкаф из массива дуба, размеры 200 на 60 см. ';
    const long = sentence.repeat(60);
    const result = await client.sendText(chatId, long);
    const received = sim.sentByApi().filter((s) => s.chatId === chatId);
    expect(result.messages.length).toBe(received.length);
    expect(received.length).toBeGreaterThan(2);
    for (const part of received) {
      expect([...part.text].length).toBeLessThanOrEqual(1000);
      expect(part.text.endsWith('см.')).toBe(true);
    }
    expect(received.map((r) => r.text).join(' ')).toBe(long.trim());
  });

  it('when Avito answers 500 then 200, then an idempotent call is retried and succeeds', async () => {
    sim.faults.add({ match: '/chats', fault: { kind: 'status', status: 500 }, times: 2 });
    await expect(client.listChats()).resolves.toEqual([]);
    expect(sim.calls.find(/\/chats$/).map((c) => c.status)).toEqual([500, 500, 200]);
  });

  it('when Avito keeps answering 500, then the error carries status, code and message', async () => {
    sim.faults.add({ match: '/chats', fault: { kind: 'status', status: 500, message: 'internal' } });
    const err = (await client.listChats().catch((e: unknown) => e)) as AvitoApiError;
    expect(err).toBeInstanceOf(AvitoApiError);
    expect(err.kind).toBe('server');
    expect(err.status).toBe(500);
    expect(err.message).toContain('internal');
    expect(sim.calls.find(/\/chats$/).length).toBe(4);
  });

  it('when a proxy answers 502 with an HTML page, then the error says so instead of failing to parse', async () => {
    await sim.close();
    sim = await startAvitoSim({ htmlFaultStatuses: [502] });
    client = make({ maxAttempts: 1 });
    sim.faults.add({ match: '/chats', fault: { kind: 'status', status: 502 } });
    const err = (await client.listChats().catch((e: unknown) => e)) as AvitoApiError;
    expect(err.kind).toBe('server');
    expect(err.message).toMatch(/HTML/);
  });

  it('when Avito rejects a request with its validation error shape, then code and message are extracted', async () => {
    const err = (await client.listChats({ limit: 500 }).catch((e: unknown) => e)) as AvitoApiError;
    expect(err.kind).toBe('invalid_request');
    expect(err.status).toBe(400);
    expect(err.code).toBe(400);
    expect(err.message).toMatch(/limit/i);
  });

  it('when the items list is rate limited with Retry-After, then the client waits that long and retries', async () => {
    sim.faults.add({
      match: '/core/v1/items',
      fault: { kind: 'status', status: 429, retryAfter: 1 },
      times: 1,
    });
    const started = Date.now();
    await client.listItems();
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(sim.calls.find('/core/v1/items').map((c) => c.status)).toEqual([429, 200]);
  });

  it('when the items list is rate limited without Retry-After and with an empty body, then backoff retries', async () => {
    await sim.close();
    sim = await startAvitoSim({ itemsRateLimit: { perMinute: 1, retryAfter: false, emptyBody: true } });
    client = make({ maxAttempts: 2 });
    await client.listItems();
    const err = (await client.listItems().catch((e: unknown) => e)) as AvitoApiError;
    expect(err.kind).toBe('rate_limited');
    expect(err.details.retryAfterMs).toBeUndefined();
    expect(sim.calls.find('/core/v1/items').map((c) => c.status)).toEqual([200, 429, 429]);
  });

  it('when Avito does not answer in time, then the call fails as a timeout', async () => {
    client = make({ timeoutMs: 100, maxAttempts: 1 });
    sim.faults.add({ match: '/chats', fault: { kind: 'latency', ms: 400 } });
    await expect(client.listChats()).rejects.toMatchObject({ kind: 'timeout' });
  });

  it('when the connection drops after a send was stored, then the outcome is unknown and it is not repeated', async () => {
    const listing = sim.seedListing({ title: 'Стол', price: 5000 });
    const { chatId } = await sim.buyerWrites({ itemId: listing.id, buyer: { name: 'Петр' }, text: 'Есть?' });
    sim.failAfterSend({ kind: 'drop' });
    const err = (await client.sendText(chatId, 'Да, в наличии.').catch((e: unknown) => e)) as AvitoSendError;
    expect(err).toBeInstanceOf(AvitoSendError);
    expect(err.outcome).toBe('unknown');
    expect(sim.sentByApi().filter((s) => s.chatId === chatId)).toHaveLength(1);
    expect(sim.calls.find(/\/messages$/, 'POST')).toHaveLength(1);
  });

  it('when Avito refuses a send with 503, then it is retried and, if still refused, reported as not delivered', async () => {
    const listing = sim.seedListing({ title: 'Стул', price: 1500 });
    const { chatId } = await sim.buyerWrites({ itemId: listing.id, buyer: { name: 'Оля' }, text: 'Цена?' });
    sim.faults.add({ match: /\/messages$/, fault: { kind: 'status', status: 503 }, times: 1 });
    await client.sendText(chatId, 'Цена 1500 ₽.');
    expect(sim.sentByApi().filter((s) => s.chatId === chatId)).toHaveLength(1);
    sim.faults.add({ match: /\/messages$/, fault: { kind: 'status', status: 503 } });
    const err = (await client.sendText(chatId, 'Ещё раз.').catch((e: unknown) => e)) as AvitoSendError;
    expect(err.outcome).toBe('not_delivered');
    expect(sim.sentByApi().filter((s) => s.chatId === chatId)).toHaveLength(1);
  });

  it('when nothing listens at the address, then a send is retried as provably not delivered and fails clearly', async () => {
    const port = await freePortThatRefuses();
    const offline = new AvitoClient({
      baseUrl: `http://127.0.0.1:${port}`,
      tokens: { getToken: async () => 't', invalidate: async () => {} },
      userId: '1',
      backoff: { baseMs: 5, maxMs: 10 },
    });
    const err = (await offline.sendText('u2i-x', 'hi').catch((e: unknown) => e)) as AvitoSendError;
    expect(err).toBeInstanceOf(AvitoSendError);
    expect(err.outcome).toBe('not_delivered');
    expect((err.cause as AvitoApiError).code).toBe('ECONNREFUSED');
  });

  it('when the tariff lacks the Messenger API, then reads fail as tariff problems', async () => {
    sim.setTariff(false);
    await expect(client.listChats()).rejects.toMatchObject({ kind: 'tariff', status: 402 });
  });
});
