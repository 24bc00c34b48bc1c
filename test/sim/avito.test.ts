import { afterEach, describe, expect, it } from 'vitest';
import { type AvitoSim, type AvitoSimOptions, startAvitoSim } from '../../sim/avito/index.js';
import { validateAvitoResponse, validateAvitoSchema } from '../support/avito-openapi.js';

// Raw fetch on purpose: our Avito client does not exist yet, and these tests pin the wire format it will meet.

let sim: AvitoSim | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(opts: AvitoSimOptions = {}): Promise<AvitoSim> {
  sim = await startAvitoSim({ subscriptionCheck: false, ...opts });
  return sim;
}

function tokenRequest(s: AvitoSim, fields: Record<string, string>, path = '/token'): Promise<Response> {
  return fetch(`${s.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });
}

async function token(s: AvitoSim): Promise<string> {
  const client = s.clients[0]!;
  const res = await tokenRequest(s, {
    grant_type: 'client_credentials',
    client_id: client.clientId,
    client_secret: client.clientSecret,
  });
  const body = (await res.json()) as { access_token: string };
  return body.access_token;
}

interface Answer {
  status: number;
  body: unknown;
  headers: Headers;
}

async function call(
  s: AvitoSim,
  tok: string | undefined,
  method: string,
  path: string,
  body?: unknown,
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (tok) headers.authorization = `Bearer ${tok}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${s.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text), headers: res.headers };
}

function expectSpec(method: string, template: string, answer: Answer): void {
  expect(validateAvitoResponse(method, template, answer.status, answer.body).errors).toEqual([]);
}

const CHATS = '/messenger/v2/accounts/{user_id}/chats';
const CHAT = '/messenger/v2/accounts/{user_id}/chats/{chat_id}';
const MESSAGES = '/messenger/v3/accounts/{user_id}/chats/{chat_id}/messages/';
const SEND = '/messenger/v1/accounts/{user_id}/chats/{chat_id}/messages';

function path(s: AvitoSim, template: string, chatId = '', messageId = ''): string {
  return template
    .replace('{user_id}', String(s.userId))
    .replace('{chat_id}', encodeURIComponent(chatId))
    .replace('{message_id}', messageId);
}

async function chatWithBuyer(s: AvitoSim, text = 'Здравствуйте! Ещё продаёте?') {
  const listing = s.seedListing({ title: 'Ноутбук Lenovo ThinkPad T14', price: 54_900 });
  const written = await s.buyerWrites({ itemId: listing.id, buyer: { name: 'Иван' }, text });
  return { listing, ...written };
}

describe('Avito simulator: auth', () => {
  it('when valid client credentials are posted to /token and /token/, then each answers a Bearer token per spec', async () => {
    const s = await start();
    for (const p of ['/token', '/token/']) {
      const res = await tokenRequest(
        s,
        { grant_type: 'client_credentials', client_id: 'sim-client', client_secret: 'sim-secret' },
        p,
      );
      const body = (await res.json()) as Record<string, unknown>;
      expect(res.status).toBe(200);
      expect(body).toEqual({ access_token: expect.any(String), expires_in: 86_400, token_type: 'Bearer' });
      expect(validateAvitoResponse('POST', '/token', 200, body).errors).toEqual([]);
    }
    expect(s.tokenIssues()).toBe(2);
  });

  it('when the secret, the grant type or the encoding is wrong, then /token answers non-2xx without a token', async () => {
    const s = await start();
    const wrongSecret = await tokenRequest(s, {
      grant_type: 'client_credentials',
      client_id: 'sim-client',
      client_secret: 'nope',
    });
    expect(wrongSecret.status).toBe(401);
    expect(await wrongSecret.json()).toMatchObject({ error: 'invalid_client' });
    const wrongGrant = await tokenRequest(s, {
      grant_type: 'password',
      client_id: 'sim-client',
      client_secret: 'sim-secret',
    });
    expect(wrongGrant.status).toBe(400);
    const json = await call(s, undefined, 'POST', '/token', {
      grant_type: 'client_credentials',
      client_id: 'sim-client',
      client_secret: 'sim-secret',
    });
    expect(json.status).toBe(400);
    expect(s.tokenIssues()).toBe(0);
  });

  it('when a call carries no Bearer token, then it gets 401 in the {error:{code,message}} shape', async () => {
    const s = await start();
    const answer = await call(s, undefined, 'GET', '/core/v1/accounts/self');
    expect(answer.status).toBe(401);
    expect(validateAvitoSchema('user', 'authError', answer.body).errors).toEqual([]);
  });

  it('when tokens are expired by default, then calls get 403 until a new token is fetched', async () => {
    const s = await start();
    const old = await token(s);
    s.expireTokens();
    const denied = await call(s, old, 'GET', '/core/v1/accounts/self');
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ error: { code: 403 } });
    expectSpec('GET', '/core/v1/accounts/self', denied);
    const fresh = await token(s);
    expect((await call(s, fresh, 'GET', '/core/v1/accounts/self')).status).toBe(200);
    expect(s.tokenIssues()).toBe(2);
  });

  it('when expiredTokenStatus is 401 and the token outlives its TTL, then calls get 401', async () => {
    const s = await start({ expiredTokenStatus: 401, tokenTtlSeconds: 60 });
    const tok = await token(s);
    expect((await call(s, tok, 'GET', '/core/v1/accounts/self')).status).toBe(200);
    s.advanceTime(61_000);
    const denied = await call(s, tok, 'GET', '/core/v1/accounts/self');
    expect(denied.status).toBe(401);
    expectSpec('GET', '/core/v1/accounts/self', denied);
    const unknown = await call(s, 'made-up-token', 'GET', '/core/v1/accounts/self');
    expect(unknown.status).toBe(401);
  });

  it('when any route is called, then the call log records method, path, query, body and status', async () => {
    const s = await start();
    const tok = await token(s);
    await call(s, tok, 'GET', `${path(s, CHATS)}?limit=5`);
    const [record] = s.calls.find(/\/chats$/, 'GET');
    expect(record).toMatchObject({ path: path(s, CHATS), query: { limit: '5' }, status: 200 });
    expect(s.calls.find('/token', 'POST')[0]?.body).toMatchObject({ grant_type: 'client_credentials' });
  });
});

describe('Avito simulator: messenger', () => {
  it('when chats are listed, then each chat matches the spec, with int64 ids and the listing as context', async () => {
    const s = await start();
    const tok = await token(s);
    const { listing, chatId } = await chatWithBuyer(s);
    const answer = await call(s, tok, 'GET', path(s, CHATS));
    expect(answer.status).toBe(200);
    expectSpec('GET', CHATS, answer);
    const chats = (answer.body as { chats: Array<Record<string, unknown>> }).chats;
    expect(chats).toHaveLength(1);
    expect(chats[0]).toMatchObject({
      id: chatId,
      context: {
        type: 'item',
        value: { id: listing.id, title: listing.title, price_string: '54 900 ₽', url: listing.url },
      },
      last_message: { direction: 'in', type: 'text', content: { text: 'Здравствуйте! Ещё продаёте?' } },
    });
    expect(chatId).toMatch(/^u2i-/);
    expect(listing.id).toBeGreaterThan(2 ** 31);
    expect(s.userId).toBeGreaterThan(2 ** 31);
  });

  it('when item_ids, unread_only, chat_types, limit and offset are given, then the list is filtered and paged', async () => {
    const s = await start();
    const tok = await token(s);
    const a = s.seedListing({ title: 'A', price: 100 });
    const b = s.seedListing({ title: 'B', price: 200 });
    const first = await s.buyerWrites({ itemId: a.id, buyer: { name: 'Иван' }, text: '1' });
    s.advanceTime(2000);
    const second = await s.buyerWrites({ itemId: b.id, buyer: { name: 'Пётр' }, text: '2' });
    await s.buyerWrites({ buyer: { name: 'Друг' }, text: 'u2u' });
    const ids = async (query: string) =>
      (
        (await call(s, tok, 'GET', `${path(s, CHATS)}${query}`)).body as { chats: Array<{ id: string }> }
      ).chats.map((c) => c.id);
    expect(await ids('')).toEqual([second.chatId, first.chatId]);
    expect(await ids(`?item_ids=${a.id}`)).toEqual([first.chatId]);
    expect(await ids(`?item_ids=${a.id},${b.id}`)).toEqual([second.chatId, first.chatId]);
    expect(await ids('?limit=1&offset=1')).toEqual([first.chatId]);
    expect(await ids('?chat_types=u2u')).toHaveLength(1);
    expect(await ids('?chat_types=u2i&chat_types=u2u')).toHaveLength(3);
    await call(s, tok, 'POST', path(s, `${CHAT}/read`.replace('v2', 'v1'), first.chatId));
    expect(await ids('?unread_only=true')).toEqual([second.chatId]);
  });

  it('when limit is 0 or 101 or offset 1001 or chat_types unknown, then 400 carries validation fields', async () => {
    const s = await start();
    const tok = await token(s);
    for (const query of ['limit=0', 'limit=101', 'offset=1001', 'limit=abc', 'chat_types=x2y']) {
      const answer = await call(s, tok, 'GET', `${path(s, CHATS)}?${query}`);
      expect(answer.status, query).toBe(400);
      expect(validateAvitoSchema('messenger', 'validatingError', answer.body).errors).toEqual([]);
      const key = query.split('=')[0]!;
      expect((answer.body as { error: { fields: Record<string, string> } }).error.fields).toHaveProperty(key);
    }
    expect((await call(s, tok, 'GET', `${path(s, CHATS)}?limit=100&offset=1000`)).status).toBe(200);
  });

  it('when one chat is fetched, then it matches the spec with both users; an unknown chat is 404, another account 403', async () => {
    const s = await start();
    const tok = await token(s);
    const { chatId, listing } = await chatWithBuyer(s);
    const answer = await call(s, tok, 'GET', path(s, CHAT, chatId));
    expect(answer.status).toBe(200);
    expectSpec('GET', CHAT, answer);
    const chat = answer.body as { users: Array<{ id: number; name: string }>; context: { value: object } };
    expect(chat.users.map((u) => u.name)).toEqual(['Магазин «Тест»', 'Иван']);
    expect(chat.context.value).toMatchObject({ user_id: s.userId, images: { count: 1 } });
    expect(listing.images[0]).toBeTruthy();
    expect((await call(s, tok, 'GET', path(s, CHAT, 'u2i-nope'))).status).toBe(404);
    const other = await call(s, tok, 'GET', `/messenger/v2/accounts/12345/chats/${chatId}`);
    expect(other.status).toBe(403);
  });

  it('when messages are read (v3, trailing slash), then they are newest first, paged, per spec and still unread', async () => {
    const s = await start();
    const tok = await token(s);
    const { chatId, listing } = await chatWithBuyer(s, 'первое');
    s.advanceTime(1000);
    await s.buyerWrites({ itemId: listing.id, buyer: { name: 'Иван' }, text: 'второе' });
    s.advanceTime(1000);
    await s.sellerWritesFromApp(chatId, 'третье');
    const answer = await call(s, tok, 'GET', path(s, MESSAGES, chatId));
    expect(answer.status).toBe(200);
    expectSpec('GET', MESSAGES, answer);
    const list = answer.body as Array<{ content: { text: string }; direction: string; is_read: boolean }>;
    expect(list.map((m) => m.content.text)).toEqual(['третье', 'второе', 'первое']);
    expect(list.map((m) => m.direction)).toEqual(['out', 'in', 'in']);
    expect(list[1]?.is_read).toBe(false);
    const page = await call(s, tok, 'GET', `${path(s, MESSAGES, chatId)}?limit=1&offset=1`);
    expect((page.body as Array<{ content: { text: string } }>).map((m) => m.content.text)).toEqual([
      'второе',
    ]);
    const noSlash = await call(s, tok, 'GET', path(s, MESSAGES, chatId).replace(/\/$/, ''));
    expect(noSlash.status).toBe(404);
    expect((await call(s, tok, 'GET', `${path(s, MESSAGES, chatId)}?limit=101`)).status).toBe(400);
  });

  it('when messagesShape is "object", then the same list comes wrapped as {messages}', async () => {
    const s = await start({ messagesShape: 'object' });
    const tok = await token(s);
    const { chatId, messageId } = await chatWithBuyer(s);
    const answer = await call(s, tok, 'GET', path(s, MESSAGES, chatId));
    const body = answer.body as { messages: unknown[] };
    expect(Array.isArray(answer.body)).toBe(false);
    expect(body.messages).toHaveLength(1);
    expect(validateAvitoResponse('GET', MESSAGES, 200, body.messages).errors).toEqual([]);
    expect(body.messages[0]).toMatchObject({ id: messageId });
    s.setMessagesShape('array');
    expect(Array.isArray((await call(s, tok, 'GET', path(s, MESSAGES, chatId))).body)).toBe(true);
  });

  it('when a text is sent, then the answer matches the spec and the buyer receives it as an outgoing message', async () => {
    const s = await start();
    const tok = await token(s);
    const { chatId } = await chatWithBuyer(s);
    const text = 'Да, продаём. Цена 54 900 ₽.';
    const answer = await call(s, tok, 'POST', path(s, SEND, chatId), { message: { text }, type: 'text' });
    expect(answer.status).toBe(200);
    expectSpec('POST', SEND, answer);
    expect(answer.body).toEqual({
      id: expect.any(String),
      created: expect.any(Number),
      direction: 'out',
      type: 'text',
      content: { text },
    });
    const id = (answer.body as { id: string }).id;
    expect(s.sentByApi()).toEqual([{ chatId, messageId: id, text, created: expect.any(Number) }]);
    expect(s.chatMessages(chatId).at(-1)).toMatchObject({ id, authorId: s.userId, origin: 'api' });
  });

  it('when text is 1001 chars, empty, missing or the JSON is broken, then send answers 400 and stores nothing', async () => {
    const s = await start();
    const tok = await token(s);
    const { chatId } = await chatWithBuyer(s);
    const bad: unknown[] = [
      { message: { text: 'я'.repeat(1001) }, type: 'text' },
      { message: { text: '' }, type: 'text' },
      { message: {}, type: 'text' },
      { message: { text: 'hi' } },
      '{"message":',
    ];
    for (const body of bad) {
      const answer = await call(s, tok, 'POST', path(s, SEND, chatId), body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body).toMatchObject({ error: { code: 400 } });
    }
    const missing = await call(s, tok, 'POST', path(s, SEND, chatId), { message: {}, type: 'text' });
    expect((missing.body as { error: { fields: object } }).error.fields).toHaveProperty(['message.text']);
    expect(s.sentByApi()).toEqual([]);
    const max = await call(s, tok, 'POST', path(s, SEND, chatId), {
      message: { text: 'я'.repeat(1000) },
      type: 'text',
    });
    expect(max.status).toBe(200);
    const unknownChat = await call(s, tok, 'POST', path(s, SEND, 'u2i-missing'), {
      message: { text: 'x' },
      type: 'text',
    });
    expect(unknownChat.status).toBe(404);
  });

  it('when a chat is marked read, then {ok:true} and its inbound messages become read', async () => {
    const s = await start();
    const tok = await token(s);
    const { chatId } = await chatWithBuyer(s);
    const read = path(s, '/messenger/v1/accounts/{user_id}/chats/{chat_id}/read', chatId);
    const answer = await call(s, tok, 'POST', read);
    expect(answer.body).toEqual({ ok: true });
    expectSpec('POST', '/messenger/v1/accounts/{user_id}/chats/{chat_id}/read', answer);
    const list = (await call(s, tok, 'GET', path(s, MESSAGES, chatId))).body as Array<{
      is_read: boolean;
      read: number;
    }>;
    expect(list[0]).toMatchObject({ is_read: true, read: expect.any(Number) });
  });

  it('when our message is deleted within an hour, then {} and it becomes type deleted; later or foreign ones are refused', async () => {
    const s = await start();
    const tok = await token(s);
    const { chatId, messageId: buyerMessage } = await chatWithBuyer(s);
    const send = async () =>
      (
        (await call(s, tok, 'POST', path(s, SEND, chatId), { message: { text: 'oops' }, type: 'text' }))
          .body as {
          id: string;
        }
      ).id;
    const DELETE = '/messenger/v1/accounts/{user_id}/chats/{chat_id}/messages/{message_id}';
    const first = await send();
    const deleted = await call(s, tok, 'POST', path(s, DELETE, chatId, first));
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({});
    expectSpec('POST', DELETE, deleted);
    const list = (await call(s, tok, 'GET', path(s, MESSAGES, chatId))).body as Array<{
      id: string;
      type: string;
    }>;
    expect(list.find((m) => m.id === first)?.type).toBe('deleted');
    expectSpec('GET', MESSAGES, await call(s, tok, 'GET', path(s, MESSAGES, chatId)));
    const second = await send();
    s.advanceTime(61 * 60_000);
    expect((await call(s, tok, 'POST', path(s, DELETE, chatId, second))).status).toBe(400);
    expect((await call(s, tok, 'POST', path(s, DELETE, chatId, buyerMessage))).status).toBe(400);
  });

  it('when the account has no Messenger tariff, then reads and sends answer 402 while subscribing succeeds', async () => {
    const s = await start({ tariff: false });
    const tok = await token(s);
    const { chatId } = await chatWithBuyer(s);
    const answers = [
      await call(s, tok, 'GET', path(s, CHATS)),
      await call(s, tok, 'GET', path(s, CHAT, chatId)),
      await call(s, tok, 'GET', path(s, MESSAGES, chatId)),
      await call(s, tok, 'POST', path(s, SEND, chatId), { message: { text: 'hi' }, type: 'text' }),
      await call(s, tok, 'POST', path(s, '/messenger/v1/accounts/{user_id}/chats/{chat_id}/read', chatId)),
    ];
    expect(answers.map((a) => a.status)).toEqual([402, 402, 402, 402, 402]);
    expect(answers[0]?.body).toMatchObject({ error: { code: 402 } });
    const sub = await call(s, tok, 'POST', '/messenger/v3/webhook', { url: 'http://127.0.0.1:9/hook' });
    expect(sub.body).toEqual({ ok: true });
    s.setTariff(true);
    expect((await call(s, tok, 'GET', path(s, CHATS))).status).toBe(200);
  });

  it('when subscriptions are listed and a URL unsubscribed, then POST /messenger/v1/subscriptions reflects it per spec', async () => {
    const s = await start();
    const tok = await token(s);
    await call(s, tok, 'POST', '/messenger/v3/webhook', { url: 'http://127.0.0.1:9/a' });
    await call(s, tok, 'POST', '/messenger/v3/webhook', { url: 'http://127.0.0.1:9/b' });
    const listed = await call(s, tok, 'POST', '/messenger/v1/subscriptions');
    expectSpec('POST', '/messenger/v1/subscriptions', listed);
    expect(listed.body).toEqual({
      subscriptions: [
        { url: 'http://127.0.0.1:9/a', version: '3' },
        { url: 'http://127.0.0.1:9/b', version: '3' },
      ],
    });
    const un = await call(s, tok, 'POST', '/messenger/v1/webhook/unsubscribe', {
      url: 'http://127.0.0.1:9/a',
    });
    expectSpec('POST', '/messenger/v1/webhook/unsubscribe', un);
    expect(s.subscriptions()).toEqual(['http://127.0.0.1:9/b']);
    const bad = await call(s, tok, 'POST', '/messenger/v3/webhook', { url: 'not a url' });
    expect(bad.status).toBe(400);
  });

  it('when the account is asked for, then /core/v1/accounts/self returns our int64 id per spec', async () => {
    const s = await start({ userId: 4_100_000_001 });
    const tok = await token(s);
    const answer = await call(s, tok, 'GET', '/core/v1/accounts/self');
    expectSpec('GET', '/core/v1/accounts/self', answer);
    expect(answer.body).toMatchObject({
      id: 4_100_000_001,
      name: expect.any(String),
      phones: [expect.any(String)],
    });
  });
});
