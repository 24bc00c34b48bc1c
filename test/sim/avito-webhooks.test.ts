import type { IncomingHttpHeaders } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AvitoSim,
  type AvitoSimOptions,
  type MessageType,
  rfc3339,
  startAvitoSim,
  type WebhookEnvelope,
} from '../../sim/avito/index.js';
import { listen, type RunningServer } from '../../sim/common/server.js';
import { validateAvitoWebhook } from '../support/avito-openapi.js';

interface Received {
  body: unknown;
  headers: IncomingHttpHeaders;
}

/** Our side of the webhook: records every POST and answers what `answer` says (default 200). */
interface Receiver {
  url: string;
  received: Received[];
  envelopes(): WebhookEnvelope[];
  server: RunningServer;
}

let sim: AvitoSim | undefined;
const servers: RunningServer[] = [];

afterEach(async () => {
  await sim?.close();
  sim = undefined;
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function receiver(
  answer: (n: number, body: unknown) => number | Promise<number> = () => 200,
): Promise<Receiver> {
  const received: Received[] = [];
  const server = await listen(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    received.push({ body, headers: req.headers });
    const status = await answer(received.length, body);
    res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
  });
  servers.push(server);
  return {
    url: `${server.url}/avito/webhook/s3cr3t`,
    received,
    // Avito's own check posts `{}`: only real envelopes here.
    envelopes: () => received.map((r) => r.body as WebhookEnvelope).filter((b) => 'payload' in b),
    server,
  };
}

async function start(opts: AvitoSimOptions = {}): Promise<AvitoSim> {
  sim = await startAvitoSim({ webhookRetry: { retries: 3, backoffMs: 20 }, ...opts });
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

async function post(s: AvitoSim, tok: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${s.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function subscribed(
  opts: AvitoSimOptions = {},
  answer?: (n: number, body: unknown) => number | Promise<number>,
) {
  const s = await start(opts);
  const hook = await receiver(answer);
  const tok = await token(s);
  const res = await post(s, tok, '/messenger/v3/webhook', { url: hook.url });
  expect(res.status).toBe(200);
  const listing = s.seedListing({ title: 'Монитор Dell 27"', price: 18_500 });
  return { s, hook, tok, listing };
}

function sendPath(s: AvitoSim, chatId: string): string {
  return `/messenger/v1/accounts/${s.userId}/chats/${chatId}/messages`;
}

describe('Avito simulator: webhooks', () => {
  it('when a buyer writes, then the subscribed URL receives the exact v3 envelope, valid against the spec', async () => {
    const { s, hook, listing } = await subscribed();
    const written = await s.buyerWrites({
      itemId: listing.id,
      buyer: { name: 'Иван' },
      text: 'Доставка есть?',
    });
    expect(written.delivery?.state).toBe('delivered');
    const [envelope] = hook.envelopes();
    expect(envelope).toEqual({
      id: expect.any(String),
      version: 'v3.0.0',
      timestamp: expect.any(Number),
      payload: {
        type: 'message',
        value: {
          id: written.messageId,
          chat_id: written.chatId,
          user_id: s.userId,
          author_id: written.message.authorId,
          created: written.message.created,
          published_at: rfc3339(written.message.created),
          type: 'text',
          chat_type: 'u2i',
          item_id: listing.id,
          read: null,
          content: { text: 'Доставка есть?' },
        },
      },
    });
    expect(envelope?.payload.value.published_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(envelope?.payload.value.author_id).not.toBe(s.userId);
    expect(validateAvitoWebhook(envelope).errors).toEqual([]);
    expect(hook.received.at(-1)?.headers['content-type']).toMatch(/^application\/json/);
  });

  it('when a URL subscribes, then Avito first POSTs {} to it; a failing check refuses the subscription', async () => {
    const s = await start();
    const tok = await token(s);
    const good = await receiver();
    expect((await post(s, tok, '/messenger/v3/webhook', { url: good.url })).status).toBe(200);
    expect(good.received.map((r) => r.body)).toEqual([{}]);
    const bad = await receiver(() => 500);
    const refused = await post(s, tok, '/messenger/v3/webhook', { url: bad.url });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: { code: 400 } });
    expect(s.subscriptions()).toEqual([good.url]);
    expect(s.subscriptionChecks.map((c) => c.status)).toEqual([200, 500]);
  });

  it('when subscriptionCheck is off, then subscribing sends nothing to the URL', async () => {
    const s = await start({ subscriptionCheck: false });
    const hook = await receiver();
    await post(s, await token(s), '/messenger/v3/webhook', { url: hook.url });
    expect(hook.received).toEqual([]);
    expect(s.subscriptions()).toEqual([hook.url]);
  });

  it('when we send through the API, then Avito echoes our own message with author_id == user_id', async () => {
    const { s, hook, tok, listing } = await subscribed();
    const { chatId } = await s.buyerWrites({ itemId: listing.id, buyer: { name: 'Иван' }, text: 'Торг?' });
    const res = await post(s, tok, sendPath(s, chatId), {
      message: { text: 'Небольшой торг возможен' },
      type: 'text',
    });
    const sent = (await res.json()) as { id: string };
    await s.settled();
    const echo = hook.envelopes().at(-1);
    expect(echo?.payload.value).toMatchObject({
      id: sent.id,
      chat_id: chatId,
      author_id: s.userId,
      user_id: s.userId,
      content: { text: 'Небольшой торг возможен' },
    });
    expect(validateAvitoWebhook(echo).errors).toEqual([]);
  });

  it('when echoTiming is before-response, then the echo has arrived by the time the send answers', async () => {
    const { s, hook, tok, listing } = await subscribed({ echoTiming: 'before-response' });
    const { chatId } = await s.buyerWrites({ itemId: listing.id, buyer: { name: 'Иван' }, text: '?' });
    const res = await post(s, tok, sendPath(s, chatId), { message: { text: 'Да' }, type: 'text' });
    const arrivedBeforeAnswer = hook.envelopes().length;
    const sent = (await res.json()) as { id: string };
    expect(arrivedBeforeAnswer).toBe(2);
    expect(hook.envelopes()[1]?.payload.value.id).toBe(sent.id);
  });

  it('when the seller writes in the Avito app, then the echo has author_id == user_id and nothing counts as sent by API', async () => {
    const { s, hook, listing } = await subscribed();
    const { chatId } = await s.buyerWrites({
      itemId: listing.id,
      buyer: { name: 'Иван' },
      text: 'Здравствуйте',
    });
    const { messageId } = await s.sellerWritesFromApp(chatId, 'Добрый день, отвечу сам');
    const echo = hook.envelopes().at(-1);
    expect(echo?.payload.value).toMatchObject({ id: messageId, author_id: s.userId, chat_id: chatId });
    expect(s.sentByApi()).toEqual([]);
    expect(s.chatMessages(chatId).map((m) => m.origin)).toEqual(['buyer', 'app']);
  });

  it('when duplicateNext is set, then the next event arrives twice with the same envelope id', async () => {
    const { s, hook, listing } = await subscribed();
    s.duplicateNext();
    await s.buyerWrites({ itemId: listing.id, buyer: { name: 'Иван' }, text: 'раз' });
    await s.buyerWrites({ itemId: listing.id, buyer: { name: 'Иван' }, text: 'два' });
    const envelopes = hook.envelopes();
    expect(envelopes.map((e) => e.payload.value.content.text)).toEqual(['раз', 'раз', 'два']);
    expect(envelopes[0]?.id).toBe(envelopes[1]?.id);
    expect(envelopes[2]?.id).not.toBe(envelopes[0]?.id);
    expect(s.deliveries[1]?.duplicateOf).toBe(s.deliveries[0]?.id);
  });

  it('when a delivery is redelivered, then the same envelope (same id) arrives again', async () => {
    const { s, hook, listing } = await subscribed();
    const { delivery } = await s.buyerWrites({ itemId: listing.id, buyer: { name: 'Иван' }, text: 'ау' });
    const again = await s.redeliver(delivery!.id);
    expect(again).toMatchObject({ state: 'delivered', redeliveryOf: delivery!.id });
    const [first, second] = hook.envelopes();
    expect(second).toEqual(first);
    await expect(s.redeliver('d999')).rejects.toThrow(/No delivery/);
  });

  it('when deliveries are held and released in reverse, then the receiver sees the newest first', async () => {
    const { s, hook, listing } = await subscribed();
    s.holdDeliveries();
    for (const text of ['1', '2', '3']) {
      const { delivery } = await s.buyerWrites({ itemId: listing.id, buyer: { name: 'Иван' }, text });
      expect(delivery?.state).toBe('held');
    }
    expect(hook.envelopes()).toEqual([]);
    const released = await s.releaseDeliveries({ order: 'reverse' });
    expect(released.map((d) => d.state)).toEqual(['delivered', 'delivered', 'delivered']);
    expect(hook.envelopes().map((e) => e.payload.value.content.text)).toEqual(['3', '2', '1']);
  });

  it('when released with shuffle under a seed, then every held delivery arrives once in a repeatable order', async () => {
    const orders: string[][] = [];
    for (let run = 0; run < 2; run += 1) {
      const { s, hook, listing } = await subscribed({ seed: 42 });
      s.holdDeliveries();
      for (const text of ['1', '2', '3', '4', '5'])
        await s.buyerWrites({ itemId: listing.id, buyer: { name: 'И' }, text });
      await s.releaseDeliveries({ order: 'shuffle' });
      orders.push(hook.envelopes().map((e) => e.payload.value.content.text ?? ''));
      await s.close();
    }
    expect([...(orders[0] ?? [])].sort()).toEqual(['1', '2', '3', '4', '5']);
    expect(orders[0]).toEqual(orders[1]);
  });

  it('when the receiver fails twice, then the delivery is retried with backoff and the attempts keep the statuses', async () => {
    // n = 1 is the subscription check's {}; the delivery's attempts are n = 2, 3, 4.
    const { s, listing } = await subscribed({}, (n) => (n === 1 || n > 3 ? 200 : 503));
    const { delivery } = await s.buyerWrites({ itemId: listing.id, buyer: { name: 'Иван' }, text: 'ретрай' });
    expect(delivery?.attempts.map((a) => a.status)).toEqual([503, 503, 200]);
    expect(delivery?.state).toBe('delivered');
    const gaps = delivery!.attempts.slice(1).map((a, i) => a.at - delivery!.attempts[i]!.at);
    expect(gaps[1]).toBeGreaterThanOrEqual(gaps[0]!);
  }, 10_000);

  it('when retries are off and the receiver answers 500, then the delivery fails after one attempt', async () => {
    const { s, listing } = await subscribed({ webhookRetry: { retries: 0 } }, (n) => (n === 1 ? 200 : 500));
    const { delivery } = await s.buyerWrites({ itemId: listing.id, buyer: { name: 'Иван' }, text: 'x' });
    expect(delivery).toMatchObject({ state: 'failed', attempts: [{ status: 500 }] });
  });

  it('when the receiver is slower than the timeout, then the attempt is recorded as a timeout without a status', async () => {
    const { s, listing } = await subscribed(
      { webhookTimeoutMs: 100, webhookRetry: { retries: 0 } },
      async (n) => {
        if (n > 1) await new Promise((resolve) => setTimeout(resolve, 400));
        return 200;
      },
    );
    const { delivery } = await s.buyerWrites({
      itemId: listing.id,
      buyer: { name: 'Иван' },
      text: 'медленно',
    });
    expect(delivery?.state).toBe('failed');
    expect(delivery?.attempts[0]?.status).toBeUndefined();
    expect(delivery?.attempts[0]?.error).toMatch(/timeout after 100 ms/);
  });

  it('when the URL is unsubscribed, then new messages are not delivered', async () => {
    const { s, hook, tok, listing } = await subscribed();
    await post(s, tok, '/messenger/v1/webhook/unsubscribe', { url: hook.url });
    const { deliveries } = await s.buyerWrites({ itemId: listing.id, buyer: { name: 'Иван' }, text: 'x' });
    expect(deliveries).toEqual([]);
    expect(hook.envelopes()).toEqual([]);
  });

  it('when the account has no tariff, then subscribing works but webhooks never arrive', async () => {
    const { s, hook, listing } = await subscribed({ tariff: false });
    const { delivery } = await s.buyerWrites({ itemId: listing.id, buyer: { name: 'Иван' }, text: 'x' });
    expect(delivery?.state).toBe('suppressed');
    expect(hook.envelopes()).toEqual([]);
  });

  it('when buyers send non-text messages, then each webhook carries its type and content key per spec', async () => {
    const { s, hook, listing } = await subscribed();
    const expected: Array<[MessageType, string | undefined]> = [
      ['image', 'image'],
      ['voice', 'voice'],
      ['location', 'location'],
      ['link', 'link'],
      ['item', 'item'],
      ['call', 'call'],
      ['file', undefined],
      ['system', 'flow_id'],
    ];
    for (const [type] of expected) await s.buyerWrites({ itemId: listing.id, buyer: { name: 'Иван' }, type });
    const envelopes = hook.envelopes();
    expect(envelopes.map((e) => e.payload.value.type)).toEqual(expected.map(([t]) => t));
    for (const [i, [, key]] of expected.entries()) {
      const envelope = envelopes[i];
      expect(validateAvitoWebhook(envelope).errors).toEqual([]);
      if (key) expect(envelope?.payload.value.content).toHaveProperty(key);
      else expect(envelope?.payload.value.content).toEqual({});
    }
    expect(envelopes.at(-1)?.payload.value.content).toMatchObject({ flow_id: 'auto_answer' });
    expect(envelopes.at(-1)?.payload.value.author_id).toBe(0);
  });
});
