import { afterEach, describe, expect, it } from 'vitest';
import { type AvitoSim, type AvitoSimOptions, startAvitoSim } from '../../sim/avito/index.js';
import { listen, type RunningServer } from '../../sim/common/server.js';
import { validateAvitoResponse, validateAvitoSchema } from '../support/avito-openapi.js';

let sim: AvitoSim | undefined;
const servers: RunningServer[] = [];

afterEach(async () => {
  await sim?.close();
  sim = undefined;
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(opts: AvitoSimOptions = {}): Promise<AvitoSim> {
  sim = await startAvitoSim({ subscriptionCheck: false, ...opts });
  return sim;
}

async function token(s: AvitoSim): Promise<string> {
  const res = await fetch(`${s.url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&client_id=sim-client&client_secret=sim-secret',
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

interface Answer {
  status: number;
  text: string;
  headers: Headers;
  json(): unknown;
}

async function call(s: AvitoSim, tok: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${s.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, headers: res.headers, json: () => JSON.parse(text) };
}

const ITEMS = '/core/v1/items';

describe('Avito simulator: items', () => {
  it('when items are paged with per_page and status, then meta and resources follow the spec', async () => {
    const s = await start();
    const tok = await token(s);
    const a = s.seedListing({ title: 'A', price: 100 });
    const b = s.seedListing({ title: 'B', price: null });
    s.seedListing({ title: 'C', price: 300, status: 'old' });
    const first = await call(s, tok, 'GET', `${ITEMS}?per_page=1&page=1`);
    expect(validateAvitoResponse('GET', ITEMS, 200, first.json()).errors).toEqual([]);
    expect(first.json()).toEqual({
      meta: { page: 1, per_page: 1 },
      resources: [
        {
          id: a.id,
          title: 'A',
          price: 100,
          status: 'active',
          url: a.url,
          address: a.address,
          category: a.category,
        },
      ],
    });
    const second = (await call(s, tok, 'GET', `${ITEMS}?per_page=1&page=2`)).json() as {
      resources: object[];
    };
    expect(second.resources).toEqual([expect.objectContaining({ id: b.id, price: null })]);
    const all = (await call(s, tok, 'GET', `${ITEMS}?status=active,old`)).json() as { resources: object[] };
    expect(all.resources).toHaveLength(3);
    const none = (await call(s, tok, 'GET', `${ITEMS}?per_page=1&page=3`)).json() as { resources: object[] };
    expect(none.resources).toEqual([]);
  });

  it('when per_page is 0 or 100 or status unknown, then 400 comes as an unwrapped {code: string, message}', async () => {
    const s = await start();
    const tok = await token(s);
    for (const query of ['per_page=0', 'per_page=100', 'status=sold']) {
      const answer = await call(s, tok, 'GET', `${ITEMS}?${query}`);
      expect(answer.status, query).toBe(400);
      expect(validateAvitoSchema('items', 'FieldError', answer.json()).errors).toEqual([]);
      expect(validateAvitoResponse('GET', ITEMS, 400, answer.json()).errors).toEqual([]);
    }
    expect((await call(s, tok, 'GET', `${ITEMS}?per_page=99`)).status).toBe(200);
  });

  it('when one item is asked for, then status/url/start_time/finish_time come per spec; unknown is not_found', async () => {
    const s = await start();
    const tok = await token(s);
    const listing = s.seedListing({ title: 'Ноутбук', price: 54_900 });
    const path = `/core/v1/accounts/${s.userId}/items/${listing.id}/`;
    const answer = await call(s, tok, 'GET', path);
    expect(
      validateAvitoResponse('GET', '/core/v1/accounts/{user_id}/items/{item_id}/', 200, answer.json()).errors,
    ).toEqual([]);
    expect(answer.json()).toMatchObject({
      status: 'active',
      url: listing.url,
      start_time: listing.startTime,
    });
    expect(answer.json()).not.toHaveProperty('title');
    const unknown = await call(s, tok, 'GET', `/core/v1/accounts/${s.userId}/items/4999999999/`);
    expect(unknown.json()).toMatchObject({ status: 'not_found' });
    expect((await call(s, tok, 'GET', `/core/v1/accounts/1/items/${listing.id}/`)).status).toBe(403);
  });

  it('when a price is updated, then {result:{success:true}} and the items list shows the new price', async () => {
    const s = await start();
    const tok = await token(s);
    const listing = s.seedListing({ title: 'A', price: 100 });
    const answer = await call(s, tok, 'POST', `/core/v1/items/${listing.id}/update_price`, { price: 90 });
    expect(
      validateAvitoResponse('POST', '/core/v1/items/{item_id}/update_price', 200, answer.json()).errors,
    ).toEqual([]);
    const list = (await call(s, tok, 'GET', ITEMS)).json() as { resources: Array<{ price: number }> };
    expect(list.resources[0]?.price).toBe(90);
  });

  it('when the items list exceeds its rate limit by default, then 429 has an empty body, no Retry-After, X-RateLimit headers', async () => {
    const s = await start({ itemsRateLimit: { perMinute: 3 } });
    const tok = await token(s);
    const statuses: number[] = [];
    let last: Answer | undefined;
    for (let i = 0; i < 4; i += 1) {
      last = await call(s, tok, 'GET', ITEMS);
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(last?.text).toBe('');
    expect(last?.headers.get('retry-after')).toBeNull();
    expect(last?.headers.get('x-ratelimit-limit')).toBe('3');
    expect(last?.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(validateAvitoResponse('GET', ITEMS, 429, undefined).errors).toEqual([]);
    const otherToken = await token(s);
    expect((await call(s, otherToken, 'GET', ITEMS)).status).toBe(200);
    s.advanceTime(60_000);
    expect((await call(s, tok, 'GET', ITEMS)).status).toBe(200);
  });

  it('when retryAfter and a JSON body are chosen, then 429 carries Retry-After seconds and {code, message}', async () => {
    const s = await start({ itemsRateLimit: { perMinute: 25, retryAfter: true, emptyBody: false } });
    const tok = await token(s);
    for (let i = 0; i < 25; i += 1) expect((await call(s, tok, 'GET', ITEMS)).status).toBe(200);
    const limited = await call(s, tok, 'GET', ITEMS);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(validateAvitoSchema('items', 'FieldError', limited.json()).errors).toEqual([]);
  });
});

describe('Avito simulator: faults', () => {
  it('when a 502 is injected with HTML from the proxy, then the body is an HTML page, not JSON', async () => {
    const s = await start({ htmlFaultStatuses: [502] });
    const tok = await token(s);
    s.faults.add({ match: '/chats', fault: { kind: 'status', status: 502 }, times: 1 });
    const answer = await call(s, tok, 'GET', `/messenger/v2/accounts/${s.userId}/chats`);
    expect(answer.status).toBe(502);
    expect(answer.headers.get('content-type')).toMatch(/text\/html/);
    expect(answer.text).toMatch(/<html>/);
    expect((await call(s, tok, 'GET', `/messenger/v2/accounts/${s.userId}/chats`)).status).toBe(200);
  });

  it('when a 503 or 429 is injected, then messenger errors are {error:{code,message}} and Retry-After is optional', async () => {
    const s = await start();
    const tok = await token(s);
    s.faults.add({ match: '/chats', fault: { kind: 'status', status: 503 }, times: 1 });
    s.faults.add({ match: '/chats', fault: { kind: 'status', status: 429, retryAfter: 7 }, times: 1 });
    s.faults.add({ match: '/chats', fault: { kind: 'status', status: 429 }, times: 1 });
    const path = `/messenger/v2/accounts/${s.userId}/chats`;
    const unavailable = await call(s, tok, 'GET', path);
    expect(unavailable.status).toBe(503);
    expect(validateAvitoSchema('messenger', 'serviceUnavailableError', unavailable.json()).errors).toEqual(
      [],
    );
    const withHint = await call(s, tok, 'GET', path);
    expect(withHint.headers.get('retry-after')).toBe('7');
    const withoutHint = await call(s, tok, 'GET', path);
    expect(withoutHint.status).toBe(429);
    expect(withoutHint.headers.get('retry-after')).toBeNull();
    expect(s.calls.find('/chats').map((c) => c.status)).toEqual([503, 429, 429]);
  });

  it('when a 429 fault hits the items list with emptyRateLimitFaultBody, then the body is empty; other faults there are {code,message}', async () => {
    const s = await start({ emptyRateLimitFaultBody: true });
    const tok = await token(s);
    s.faults.add({ match: ITEMS, fault: { kind: 'status', status: 429 }, times: 1 });
    s.faults.add({ match: ITEMS, fault: { kind: 'status', status: 500 }, times: 1 });
    expect((await call(s, tok, 'GET', ITEMS)).text).toBe('');
    const failed = await call(s, tok, 'GET', ITEMS);
    expect(validateAvitoSchema('items', 'FieldError', failed.json()).errors).toEqual([]);
  });

  it('when latency and a drop are injected, then the call is slow and then the connection is cut', async () => {
    const s = await start();
    const tok = await token(s);
    s.faults.add({ match: '/accounts/self', fault: { kind: 'latency', ms: 150 }, times: 1 });
    const started = Date.now();
    expect((await call(s, tok, 'GET', '/core/v1/accounts/self')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    s.faults.add({ match: '/accounts/self', fault: { kind: 'drop' }, times: 1 });
    await expect(call(s, tok, 'GET', '/core/v1/accounts/self')).rejects.toThrow();
  });

  it('when a send is dropped after it was recorded, then the client sees an error but the buyer got it and it was echoed', async () => {
    const s = await startAvitoSim({ subscriptionCheck: false });
    sim = s;
    const received: unknown[] = [];
    const hook = await listen(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(200).end();
    });
    servers.push(hook);
    const tok = await token(s);
    await call(s, tok, 'POST', '/messenger/v3/webhook', { url: `${hook.url}/hook` });
    const listing = s.seedListing({ title: 'A', price: 1 });
    const { chatId } = await s.buyerWrites({ itemId: listing.id, buyer: { name: 'Иван' }, text: '?' });
    s.failAfterSend({ kind: 'drop' });
    const send = `/messenger/v1/accounts/${s.userId}/chats/${chatId}/messages`;
    await expect(call(s, tok, 'POST', send, { message: { text: 'Ответ' }, type: 'text' })).rejects.toThrow();
    await s.settled();
    expect(s.sentByApi().map((m) => m.text)).toEqual(['Ответ']);
    const list = (
      await call(s, tok, 'GET', `/messenger/v3/accounts/${s.userId}/chats/${chatId}/messages/`)
    ).json();
    expect((list as Array<{ content: { text: string } }>)[0]?.content.text).toBe('Ответ');
    expect(received).toHaveLength(2);
    s.failAfterSend({ kind: 'status', status: 504 });
    const gateway = await call(s, tok, 'POST', send, { message: { text: 'Ещё' }, type: 'text' });
    expect(gateway.status).toBe(504);
    expect(s.sentByApi().map((m) => m.text)).toEqual(['Ответ', 'Ещё']);
    expect((await call(s, tok, 'POST', send, { message: { text: 'Норм' }, type: 'text' })).status).toBe(200);
  });
});
