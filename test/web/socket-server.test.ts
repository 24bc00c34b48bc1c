import { afterEach, describe, expect, it } from 'vitest';
import { chatIdOf } from '../../src/responder/channel.js';
import { SESSION_SECRET_KEY } from '../../src/web/sessions.js';
import { type Visitor, visitorKey } from '../../src/web/visitors.js';
import {
  standInResponder,
  type StandInResponder,
  startWidgetHarness,
  WidgetClient,
  type WidgetHarness,
  type WidgetHarnessOptions,
} from '../support/widget.js';

const SITE = 'https://shop.example.com';
const BRIEF = { t: 'brief', name: 'Анна', contact: '8 (912) 345-67-89', consent: true } as const;

describe('widget socket server (component: real HTTP server, WebSocket and embedded store)', () => {
  let harness: WidgetHarness;
  let responder: StandInResponder;
  let clock = new Date('2026-12-01T10:00:00Z');
  const open: WidgetClient[] = [];

  async function start(options: Partial<WidgetHarnessOptions> & { autoAnswer?: boolean } = {}) {
    clock = new Date('2026-12-01T10:00:00Z');
    harness = await startWidgetHarness({
      origins: [SITE],
      now: () => clock,
      ...options,
      inbound: (web, store) =>
        (responder = standInResponder(store, web.channel, { autoAnswer: options.autoAnswer })),
    });
  }

  async function visitor(headers: Record<string, string> = {}): Promise<WidgetClient> {
    const client = await WidgetClient.connect(harness.wsUrl, SITE, headers);
    open.push(client);
    return client;
  }

  /** A visitor who said hello and did the brief; returns their socket, chat id and token. */
  async function briefedVisitor() {
    const client = await visitor();
    const welcome = await client.hello();
    client.send(BRIEF);
    await client.next('brief-ok');
    return { client, token: welcome.token, chatId: chatIdOf('web', sessionOf(welcome.token)) };
  }

  /** The session id a token names (its `sub`), read without checking: the server checks. */
  function sessionOf(token: string): string {
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string };
    return payload.sub;
  }

  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
    await harness?.close();
  });

  it('when a page from an origin not in WIDGET_ORIGINS opens the socket, then the upgrade is refused with 403', async () => {
    await start();
    await expect(WidgetClient.connect(harness.wsUrl, 'https://evil.example.net')).rejects.toThrow('HTTP 403');
    // A look-alike of an allowed origin (another scheme, a suffix) is another origin.
    await expect(WidgetClient.connect(harness.wsUrl, 'http://shop.example.com')).rejects.toThrow('HTTP 403');
    await expect(WidgetClient.connect(harness.wsUrl, `${SITE}.evil.net`)).rejects.toThrow('HTTP 403');
    const allowed = await visitor();
    expect((await allowed.hello()).fresh).toBe(true);
  });

  it('when a visitor says hello without a token, then a new session starts with a signed token and the brief is asked', async () => {
    await start();
    const client = await visitor();
    const welcome = await client.hello();
    expect(welcome).toMatchObject({ fresh: true, briefed: false, name: null, messages: [] });
    expect(welcome.token.split('.')).toHaveLength(3);
    expect(await harness.store.kv.get(SESSION_SECRET_KEY)).toEqual(expect.any(String));
  });

  it('when the brief is incomplete, then every field to fix is named and nothing is stored', async () => {
    await start();
    const client = await visitor();
    const welcome = await client.hello();
    client.send({ t: 'brief', name: '  ', contact: '12345', consent: false });
    expect((await client.next('brief-invalid')).fields).toEqual(['name', 'contact', 'consent']);
    client.send({ ...BRIEF, contact: 'anna@', consent: true });
    expect((await client.next('brief-invalid')).fields).toEqual(['contact']);
    const chatId = chatIdOf('web', sessionOf(welcome.token));
    expect(await harness.store.kv.get(visitorKey(chatId))).toBeNull();
  });

  it('when the brief is complete, then the phone is kept in E.164 with the consent text, and messages carry the contact', async () => {
    await start({
      consentText: 'Согласен на обработку данных ИП Иванова.',
      privacyPolicyUrl: `${SITE}/privacy`,
    });
    const { client, chatId } = await briefedVisitor();
    const stored = await harness.store.kv.get<Visitor>(visitorKey(chatId));
    expect(stored).toMatchObject({
      name: 'Анна',
      contact: { phone: '+79123456789' },
      consent: { text: 'Согласен на обработку данных ИП Иванова.', privacyPolicyUrl: `${SITE}/privacy` },
    });
    expect(await harness.store.audit.query({ chatId, action: 'web.consent' })).toHaveLength(1);

    client.send({ t: 'msg', id: 'msg-0000001', text: 'Есть доставка?' });
    await client.next('ack');
    expect(responder.received[0]).toMatchObject({
      channel: 'web',
      chatId,
      messageId: `${chatId}:msg-0000001`,
      direction: 'in',
      type: 'text',
      text: 'Есть доставка?',
      at: clock,
      context: { buyer: { name: 'Анна', contact: { phone: '+79123456789' } } },
    });
  });

  it('when a visitor writes before the brief, then the message is refused as brief_required and not handed in', async () => {
    await start();
    const client = await visitor();
    await client.hello();
    client.send({ t: 'msg', id: 'msg-0000001', text: 'Здравствуйте' });
    expect(await client.next('nack')).toMatchObject({ id: 'msg-0000001', reason: 'brief_required' });
    expect(responder.received).toHaveLength(0);
  });

  it('when a message is acknowledged, then it was stored before, and the answer comes live through Channel.send', async () => {
    await start();
    const { client, chatId } = await briefedVisitor();
    client.send({ t: 'msg', id: 'msg-0000001', text: 'Сколько стоит?' });
    const ack = await client.next('ack');
    expect(ack.message).toMatchObject({
      id: `${chatId}:msg-0000001`,
      from: 'visitor',
      text: 'Сколько стоит?',
    });
    expect(await harness.store.messages.get(ack.message.id)).not.toBeNull();
    expect(ack.token).toEqual(expect.any(String));
    expect(await client.next('typing')).toEqual({ t: 'typing', on: true });
    const answer = await client.next('msg');
    expect(answer.message).toMatchObject({ from: 'seller', text: 'Ответ: Сколько стоит?' });
    expect(answer.message.id).toMatch(/^web:[0-9a-f-]{36}$/);
  });

  it('when storing a message fails, then the visitor gets a nack, and the retry with the same id is stored once', async () => {
    await start({ autoAnswer: false });
    const { client, chatId } = await briefedVisitor();
    responder.failing = true;
    client.send({ t: 'msg', id: 'msg-retry-01', text: 'Привет' });
    expect(await client.next('nack')).toMatchObject({ id: 'msg-retry-01', reason: 'failed' });
    expect(client.frames.some((f) => f.t === 'ack')).toBe(false);

    responder.failing = false;
    client.send({ t: 'msg', id: 'msg-retry-01', text: 'Привет' });
    const first = await client.next('ack');
    // The ack was lost (the connection broke): the widget sends the same id again.
    client.send({ t: 'msg', id: 'msg-retry-01', text: 'Привет' });
    const again = await client.next('ack');
    expect(again.message).toEqual(first.message);
    const messages = await harness.store.messages.lastN(chatId, 10);
    expect(messages.map((m) => m.text)).toEqual(['Привет']);
  });

  it('when a frame is not valid, then it is refused: too long with its id, the rest as a bad frame; nothing is handed in', async () => {
    await start();
    const { client } = await briefedVisitor();
    client.send({ t: 'msg', id: 'msg-long-001', text: 'я'.repeat(2001) });
    expect(await client.next('nack')).toMatchObject({ id: 'msg-long-001', reason: 'too_long' });
    client.send({ t: 'msg', id: 'msg-num-0001', text: 42 });
    client.send({ t: 'msg', id: 'bad id!', text: 'x' });
    client.send({ t: 'msg', id: 'msg-empty-01', text: '   ' });
    client.send({ t: 'subscribe', to: 'everything' });
    client.ws.send('not json');
    for (let i = 0; i < 5; i++)
      expect(await client.next('error')).toEqual({ t: 'error', reason: 'bad_frame' });
    client.send({ t: 'msg', id: 'msg-max-0001', text: 'я'.repeat(2000) });
    await client.next('ack');
    expect(responder.received.map((e) => e.text?.length)).toEqual([2000]);
  });

  it('when a socket sends a message before its hello, then it is told to say hello first', async () => {
    await start();
    const client = await visitor();
    client.send({ t: 'msg', id: 'msg-0000001', text: 'Привет' });
    expect(await client.next('error')).toEqual({ t: 'error', reason: 'hello_required' });
  });

  it('when a returning visitor connects with their token, then they get their history and a renewed token', async () => {
    await start();
    const { client, token, chatId } = await briefedVisitor();
    client.send({ t: 'msg', id: 'msg-0000001', text: 'Первый вопрос' });
    await client.next('msg', (f) => f.message.from === 'seller');
    await client.close();

    clock = new Date(clock.getTime() + 29 * 86_400_000);
    const back = await visitor();
    const welcome = await back.hello({ token });
    expect(welcome).toMatchObject({ fresh: false, briefed: true, name: 'Анна' });
    expect(welcome.messages.map((m) => [m.from, m.text])).toEqual([
      ['visitor', 'Первый вопрос'],
      ['seller', 'Ответ: Первый вопрос'],
    ]);
    expect(welcome.token).not.toBe(token);
    expect(sessionOf(welcome.token)).toBe(chatId.slice('web:'.length));

    // The renewed token is valid for the whole TTL again: 29 more days later it still opens the session.
    clock = new Date(clock.getTime() + 29 * 86_400_000);
    const later = await visitor();
    expect((await later.hello({ token: welcome.token })).fresh).toBe(false);
  });

  it('when the token is expired, tampered with or garbage, then a new session starts instead of an error', async () => {
    await start();
    const { token, client } = await briefedVisitor();
    client.send({ t: 'msg', id: 'msg-0000001', text: 'Вопрос' });
    await client.next('ack');

    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else-000000' })).toString('base64url')}.${signature}`;
    for (const bad of [forged, 'garbage', `${header}.${payload}.`]) {
      const other = await visitor();
      const welcome = await other.hello({ token: bad });
      expect(welcome).toMatchObject({ fresh: true, briefed: false, messages: [] });
    }

    clock = new Date(clock.getTime() + 31 * 86_400_000);
    const late = await visitor();
    expect(await late.hello({ token })).toMatchObject({ fresh: true, briefed: false, messages: [] });
  });

  it('when a visitor reconnects with the last id they saw, then only what came after it is sent', async () => {
    await start({ autoAnswer: false });
    const { client, token, chatId } = await briefedVisitor();
    client.send({ t: 'msg', id: 'msg-0000001', text: 'Один' });
    const seen = (await client.next('ack')).message.id;
    await client.close();

    // While the visitor is away: the owner answers (stored), and one more answer is sent but not yet stored.
    await responder.reply(chatId, 'Ответ владельца');
    await harness.web.channel.send(chatId, 'Ещё не сохранено');

    const back = await visitor();
    const welcome = await back.hello({ token, lastSeenId: seen });
    expect(welcome.messages.map((m) => m.text)).toEqual(['Ответ владельца', 'Ещё не сохранено']);

    // An id the server does not know (or of another chat) gets the whole history: the widget drops repeats.
    const other = await visitor();
    const all = await other.hello({ token, lastSeenId: 'web:unknown' });
    expect(all.messages.map((m) => m.text)).toEqual(['Один', 'Ответ владельца', 'Ещё не сохранено']);
  });

  it('when the responder sends into a chat, then every tab of that visitor gets it live and no other visitor does', async () => {
    await start({ autoAnswer: false });
    const anna = await briefedVisitor();
    const secondTab = await visitor();
    await secondTab.hello({ token: anna.token });
    const boris = await briefedVisitor();

    await harness.web.channel.typing!(anna.chatId, true);
    const outcome = await harness.web.channel.send(anna.chatId, 'Владелец отвечает');
    expect(outcome.kind).toBe('sent');
    const ids = outcome.kind === 'sent' ? outcome.messageIds : [];
    for (const tab of [anna.client, secondTab]) {
      expect(await tab.next('typing')).toEqual({ t: 'typing', on: true });
      expect((await tab.next('msg')).message).toMatchObject({
        id: ids[0],
        from: 'seller',
        text: 'Владелец отвечает',
      });
    }
    await harness.web.channel.send(boris.chatId, 'Борису');
    expect((await boris.client.next('msg')).message.text).toBe('Борису');
    expect(anna.client.frames.some((f) => f.t === 'msg' && f.message.text === 'Борису')).toBe(false);

    // A message the visitor writes in one tab shows in the other.
    anna.client.send({ t: 'msg', id: 'msg-tab-0001', text: 'Из первой вкладки' });
    expect((await secondTab.next('msg')).message).toMatchObject({
      from: 'visitor',
      text: 'Из первой вкладки',
    });
  });

  it('when Channel.send is called twice, then each message has its own id; a long text is split to the limit', async () => {
    await start({ autoAnswer: false });
    const { chatId } = await briefedVisitor();
    const a = await harness.web.channel.send(chatId, 'a');
    const b = await harness.web.channel.send(chatId, `${'слово '.repeat(1000)}конец`);
    const ids = [a, b].flatMap((o) => (o.kind === 'sent' ? o.messageIds : []));
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
    expect(harness.web.channel.capabilities).toMatchObject({
      maxTextLength: 4000,
      typing: true,
      echoesOwnMessages: false,
      sellerWritesOutside: false,
    });
    expect((await harness.web.channel.send('u2i-avito-chat', 'x')).kind).toBe('failed');
  });

  it('when a session sends more messages a minute than allowed, then the rest are refused with a wait, until the minute passes', async () => {
    await start({ autoAnswer: false, limits: { messagesPerSessionPerMinute: 3 } });
    const { client } = await briefedVisitor();
    for (let i = 1; i <= 3; i++) {
      client.send({ t: 'msg', id: `msg-rate-00${i}`, text: `№${i}` });
      await client.next('ack');
    }
    client.send({ t: 'msg', id: 'msg-rate-004', text: '№4' });
    const refused = await client.next('nack');
    expect(refused).toMatchObject({ id: 'msg-rate-004', reason: 'rate_limited' });
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(responder.received).toHaveLength(3);

    clock = new Date(clock.getTime() + 61_000);
    client.send({ t: 'msg', id: 'msg-rate-004', text: '№4' });
    await client.next('ack');
  });

  it('when one address sends more than its share across sessions, then it is limited even with fresh sessions', async () => {
    await start({ autoAnswer: false, limits: { messagesPerAddressPerMinute: 2 } });
    const first = await briefedVisitor();
    const second = await briefedVisitor();
    first.client.send({ t: 'msg', id: 'msg-addr-001', text: '1' });
    await first.client.next('ack');
    second.client.send({ t: 'msg', id: 'msg-addr-002', text: '2' });
    await second.client.next('ack');
    first.client.send({ t: 'msg', id: 'msg-addr-003', text: '3' });
    expect(await first.client.next('nack')).toMatchObject({ reason: 'rate_limited' });
  });

  it('when an address opens too many connections a minute, then it is told to wait and closed; others are not', async () => {
    await start({ limits: { connectionsPerAddressPerMinute: 2 } });
    await visitor({ 'x-forwarded-for': '203.0.113.7' });
    await visitor({ 'x-forwarded-for': '203.0.113.7' });
    const third = await visitor({ 'x-forwarded-for': '203.0.113.7' });
    expect(await third.next('error')).toMatchObject({
      reason: 'rate_limited',
      retryAfterMs: expect.any(Number),
    });
    await expect.poll(() => third.closed?.code).toBe(4429);
    // Another client behind the same proxy is counted on its own.
    const other = await visitor({ 'x-forwarded-for': '198.51.100.9' });
    expect((await other.hello()).fresh).toBe(true);
  });

  it('when the store fails while a visitor says hello, then the widget is told and the socket closes, to come back later', async () => {
    await start();
    const kv = harness.store.kv;
    const get = kv.get.bind(kv);
    kv.get = async () => {
      throw new Error('disk I/O error');
    };
    const client = await visitor();
    client.send({ t: 'hello' });
    expect(await client.next('error')).toEqual({ t: 'error', reason: 'unavailable' });
    await expect.poll(() => client.closed?.code).toBe(1011);

    kv.get = get;
    const again = await visitor();
    expect((await again.hello()).fresh).toBe(true);
  });

  it('when the service stops, then open widget connections are closed as going away', async () => {
    await start();
    const client = await visitor();
    await client.hello();
    await harness.web.stop();
    await expect.poll(() => client.closed?.code).toBe(1001);
  });
});
