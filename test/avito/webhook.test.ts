import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AvitoSim, startAvitoSim } from '../../sim/avito/index.js';
import { INBOUND_JOB, inboundEventIds } from '../../src/avito/jobs/inbound.js';
import { mountAvitoWebhook } from '../../src/avito/webhook.js';
import { createHttpApp } from '../../src/http/app.js';
import { createMetrics } from '../../src/http/metrics.js';
import { Readiness } from '../../src/http/readiness.js';
import { startHttpServer } from '../../src/http/server.js';
import { createLogger } from '../../src/logger.js';
import type { Store } from '../../src/store/port.js';
import { type Json, messageEnvelope } from '../support/avito-envelope.js';
import { pollUntil } from '../../sim/common/wait.js';
import { eventually, startTestService, type TestService } from '../support/service.js';

const webhookEnvelope = (id: string, value: Parameters<typeof messageEnvelope>[1]) =>
  messageEnvelope(`delivery-${id}`, { id, ...value });

describe('Avito webhook route (the real service, the Avito simulator as Avito)', () => {
  let sim: AvitoSim;
  let svc: TestService;
  let hookUrl: string;

  const post = (
    body: string | object,
    headers: Record<string, string> = { 'content-type': 'application/json' },
    url = hookUrl,
  ) => fetch(url, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

  beforeEach(async () => {
    sim = await startAvitoSim();
    svc = await startTestService(sim.env);
    const secret = await svc.store.kv.get<string>('avito:webhook-secret');
    hookUrl = `${svc.http.url}/avito/webhook/${secret}`;
    await svc.avito!.client.subscribe(hookUrl);
  });
  afterEach(async () => {
    await svc.dispose();
    await sim.close();
  });

  it('when Avito subscribes, then its bare {} check gets 200 and nothing is stored', async () => {
    expect(sim.subscriptionChecks.map((c) => c.status)).toEqual([200]);
    expect(await svc.store.events.listByStatus('pending')).toEqual([]);
    const res = await post({});
    expect(res.status).toBe(200);
  });

  it('when the secret is wrong, then the answer is the same 404 as an unknown route and nothing is stored', async () => {
    const wrong = await post(
      webhookEnvelope('m-1', {}),
      undefined,
      `${svc.http.url}/avito/webhook/not-the-secret`,
    );
    const unknown = await post(webhookEnvelope('m-1', {}), undefined, `${svc.http.url}/no/such/route`);
    expect(wrong.status).toBe(404);
    expect(await wrong.json()).toEqual(await unknown.json());
    expect(await svc.store.events.get('delivery-m-1')).toBeNull();
  });

  it('when a buyer writes on Avito, then the event is stored, processed and an answer is scheduled', async () => {
    const listing = sim.seedListing({ id: 4341979279, title: 'Диван угловой', price: 54900 });
    const { chatId, messageId, delivery } = await sim.buyerWrites({
      itemId: listing.id,
      buyer: { name: 'Анна' },
      text: 'Здравствуйте! Доставка есть?',
    });
    expect(delivery?.attempts.at(-1)?.status).toBe(200);
    const message = await eventually(() => svc.store.messages.get(messageId));
    expect(message).toMatchObject({
      chatId,
      direction: 'in',
      author: 'buyer',
      text: 'Здравствуйте! Доставка есть?',
    });
    const chat = await eventually(
      async () => (await svc.store.chats.get(chatId))?.listing && svc.store.chats.get(chatId),
    );
    expect(chat).toMatchObject({
      itemId: '4341979279',
      buyerName: 'Анна',
      listing: { title: 'Диван угловой', price: '54 900 ₽' },
    });
    const jobs = await eventually(async () => {
      const { jobs } = await svc.agenda.queryJobs({ name: 'respond' });
      return jobs.length ? jobs : null;
    });
    expect(jobs.map((j) => j.data)).toEqual([{ chatId }]);
    await eventually(async () => (await svc.store.events.listByStatus('processed')).length === 1);
  });

  it('when the same delivery comes three times and the same message under a new envelope, then it is processed once', async () => {
    const listing = sim.seedListing({ title: 'Ноутбук', price: 30000 });
    sim.duplicateNext(1);
    const { messageId, deliveries } = await sim.buyerWrites({
      itemId: listing.id,
      buyer: { name: 'Олег' },
      text: 'Есть?',
    });
    expect(deliveries).toHaveLength(2);
    await sim.redeliver(deliveries[0]!.id);
    const manual = webhookEnvelope(messageId, { chat_id: deliveries[0]!.envelope.payload.value.chat_id });
    const res = await post({ ...manual, id: 'another-envelope' });
    expect(await res.json()).toEqual({ ok: true, duplicate: true });
    const message = await eventually(() => svc.store.messages.get(messageId));
    await eventually(async () => (await svc.store.events.listByStatus('processed')).length === 1);
    // Answered once: every respond run (a repeat of the message may queue one more) has finished, one draft.
    await eventually(async () => {
      const { jobs } = await svc.agenda.queryJobs({ name: 'respond' });
      return jobs.length > 0 && jobs.every((j) => j.state === 'completed');
    });
    expect(await svc.store.drafts.listForChat(message.chatId)).toHaveLength(1);
  });

  it('when deliveries arrive out of order, then the history is in arrival order and each message keeps its Avito time', async () => {
    const listing = sim.seedListing({ title: 'Шкаф', price: 12000 });
    sim.holdDeliveries();
    const texts = ['первое', 'второе', 'третье'];
    const written: Array<{ text: string; created: number }> = [];
    let chatId = '';
    for (const text of texts) {
      const r = await sim.buyerWrites({ itemId: listing.id, buyer: { name: 'Ира' }, text });
      chatId = r.chatId;
      written.push({ text, created: r.message.created });
      sim.advanceTime(1000);
    }
    await sim.releaseDeliveries({ order: 'reverse' });
    const history = await eventually(async () => {
      const messages = await svc.store.messages.lastN(chatId, 10);
      return messages.length === 3 ? messages : null;
    });
    // What is answered is decided by arrival (responder/context.ts), so the history reads as it arrived.
    expect(history.map((m) => m.text).sort()).toEqual([...texts].sort());
    expect(history.map((m) => m.seq)).toEqual([...history.map((m) => m.seq)].sort((a, b) => a - b));
    for (const m of history)
      expect(m.createdAt.getTime()).toBe(written.find((w) => w.text === m.text)!.created * 1000);
  });

  it('when every message type arrives, then each is stored and acknowledged, including unknown types', async () => {
    const listing = sim.seedListing({ title: 'Велосипед', price: 20000 });
    const types = ['image', 'voice', 'location', 'link', 'item', 'call', 'file', 'video', 'appCall'] as const;
    for (const type of types) {
      const r = await sim.buyerWrites({ itemId: listing.id, buyer: { name: `B-${type}` }, type });
      expect(r.delivery?.attempts.at(-1)?.status).toBe(200);
      const m = await eventually(() => svc.store.messages.get(r.messageId));
      expect(m.type).toBe(type);
      expect(m.author).toBe('buyer');
    }
    const unknown = await post(webhookEnvelope('m-hologram', { type: 'hologram', content: {} }));
    expect(unknown.status).toBe(200);
    const otherPayload = await post({
      id: 'x-1',
      payload: { type: 'chat_archived', value: { chat_id: 'u2i-1' } },
    });
    expect(otherPayload.status).toBe(200);
    await eventually(async () => (await svc.store.events.get('x-1'))?.status === 'ignored');
  });

  it('when the body is malformed, then a 4xx names the reason and nothing is stored', async () => {
    const before = (await svc.store.events.listByStatus('pending')).length;
    const cases: Array<[string | object, Record<string, string> | undefined, number, string]> = [
      ['{"id":', undefined, 400, 'invalid_json'],
      [webhookEnvelope('m-bad', { chat_id: 42 }), undefined, 400, 'invalid_payload'],
      [{ payload: { value: {} } }, undefined, 400, 'invalid_payload'],
      [webhookEnvelope('m-ct', {}), { 'content-type': 'text/plain' }, 415, 'unsupported_media_type'],
      [
        { payload: { type: 'message', value: { id: 'x', text: 'a'.repeat(1_000_000) } } },
        undefined,
        413,
        'body_too_large',
      ],
    ];
    for (const [body, headers, status, error] of cases) {
      const res = await post(body, headers);
      expect(res.status, JSON.stringify(error)).toBe(status);
      expect(await res.json()).toMatchObject({ error });
    }
    const bad = await post(webhookEnvelope('m-bad2', { chat_id: 42 }));
    expect(((await bad.json()) as { reason: string }).reason).toMatch(/payload\.value\.chat_id/);
    expect((await svc.store.events.listByStatus('pending')).length).toBe(before);
    expect(await svc.store.events.get('delivery-m-bad')).toBeNull();
  });

  it('when invalid UTF-8 arrives, then it is a 400, not a crash', async () => {
    const res = await fetch(hookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    });
    expect(res.status).toBe(400);
    expect((await fetch(`${svc.http.url}/ready`)).status).toBe(200);
  });

  it('when a valid message carries an unknown field nested 5000 deep, then it is a 400 with the reason (a permanent error, not "retry later") and nothing is stored', async () => {
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const body = JSON.stringify(webhookEnvelope('m-deep', { extra: 'DEEP' })).replace('"DEEP"', deep);
    expect(body.length).toBeGreaterThan(10_000);
    expect(body.length).toBeLessThan(64 * 1024);
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: 'invalid_payload',
      reason: expect.stringMatching(/nested/),
    });
    expect(await svc.store.events.get('delivery-m-deep')).toBeNull();

    // A delivery as deep as Avito's own, with brackets and quotes inside its strings, is still accepted.
    const shallow = await post(
      webhookEnvelope('m-shallow', {
        text: '{{[["\\"}}',
        content: { text: '[[{{', meta: { a: { b: [1] } } },
      }),
    );
    expect(shallow.status).toBe(200);
  });
});

describe('Avito webhook route with a failing store', () => {
  it('when the store cannot write, then the answer is 503 so Avito delivers again', async () => {
    const failing = {
      events: {
        insertOnce: async () => {
          throw new Error('SQLITE_READONLY: attempt to write a readonly database');
        },
      },
    } as unknown as Store;
    const logger = createLogger({ level: 'silent' });
    const app = createHttpApp({
      logger,
      readiness: new Readiness(),
      metrics: createMetrics(),
      mount: [
        (a) =>
          mountAvitoWebhook(a, {
            store: failing,
            secret: 's'.repeat(32),
            logger,
            enqueueInbound: async () => {},
          }),
      ],
    });
    const http = await startHttpServer(app, 0, '127.0.0.1');
    try {
      const res = await fetch(`${http.url}/avito/webhook/${'s'.repeat(32)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(webhookEnvelope('m-1', {})),
      });
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ error: 'unavailable' });
    } finally {
      await http.close();
    }
  });
});

describe('Avito webhook and the per-IP rate limit', () => {
  it('when Avito delivers past the per-IP budget from one address, then every delivery is stored, while guesses at the secret from that address are limited', async () => {
    const sim = await startAvitoSim();
    const svc = await startTestService({ ...sim.env, RATE_LIMIT_PER_MINUTE: '3' });
    try {
      const secret = await svc.store.kv.get<string>('avito:webhook-secret');
      // Through a reverse proxy on this host: the forwarded address is the one that counts.
      const fromOneAddress = (path: string, body: object) =>
        fetch(`${svc.http.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' },
          body: JSON.stringify(body),
        });
      const statuses: number[] = [];
      for (let i = 0; i < 6; i += 1) {
        statuses.push(
          (await fromOneAddress(`/avito/webhook/${secret}`, webhookEnvelope(`rl-${i}`, {}))).status,
        );
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
      for (let i = 0; i < 6; i += 1) expect(await svc.store.events.get(`delivery-rl-${i}`)).not.toBeNull();
      const guesses: number[] = [];
      for (let i = 0; i < 4; i += 1) guesses.push((await fromOneAddress('/avito/webhook/guess', {})).status);
      expect(guesses).toEqual([404, 404, 404, 429]);
    } finally {
      await svc.dispose();
      await sim.close();
    }
  });
});

describe('Avito webhook: answered before processing, as a property (the real service)', () => {
  /** What processing of a delivery does: finish, fail, take its time, or never finish. */
  type Processing = 'resolve' | 'reject' | 'slow' | 'never';
  const processing = fc.constantFrom<Processing>('resolve', 'reject', 'slow', 'never');
  /** A valid message delivery: any text, type, author (a buyer or our own account), item, read mark. */
  const delivery = fc.record({
    text: fc.string({ maxLength: 300, unit: 'grapheme' }),
    type: fc.constantFrom(
      'text',
      'image',
      'voice',
      'link',
      'item',
      'location',
      'system',
      'deleted',
      'a_new_type',
    ),
    own: fc.boolean(),
    chat: fc.integer({ min: 1, max: 5 }),
    itemId: fc.option(fc.integer({ min: 1, max: 2 ** 40 }), { nil: null }),
    read: fc.option(fc.integer({ min: 1_600_000_000, max: 1_800_000_000 }), { nil: null }),
    extra: fc.dictionary(
      fc.string({ minLength: 1, maxLength: 8 }),
      fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>,
      {
        maxKeys: 3,
      },
    ),
    processing,
    again: fc.boolean(),
  });

  it('when any valid delivery arrives, whatever its processing then does, then the 200 is on the wire before processing starts', async () => {
    const sim = await startAvitoSim();
    const svc = await startTestService(sim.env);
    try {
      const secret = await svc.store.kv.get<string>('avito:webhook-secret');
      const url = `${svc.http.url}/avito/webhook/${secret}`;
      // When the server finished each response (handed to the socket), by the request id we send.
      const answered = new Map<string, number>();
      svc.http.server.on('request', (req, res) => {
        const id = String(req.headers['x-request-id'] ?? '');
        res.on('finish', () => answered.set(id, performance.now()));
      });
      // Processing, as each delivery of the run asks: it records, before doing anything, whether its answer was out.
      const behaviour = new Map<string, Processing>();
      const startedBeforeAnswer: string[] = [];
      const hanging: Array<() => void> = [];
      const started = new Set<string>();
      svc.agenda.define(
        INBOUND_JOB.name,
        async (job) => {
          const ids = inboundEventIds(job.attrs.data);
          for (const id of ids) {
            started.add(id);
            if (!answered.has(id)) startedBeforeAnswer.push(id);
          }
          const kinds = ids.map((id) => behaviour.get(id) ?? 'resolve');
          if (kinds.includes('never')) await new Promise<void>((resolve) => hanging.push(resolve));
          if (kinds.includes('slow')) await new Promise((resolve) => setTimeout(resolve, 300));
          if (kinds.includes('reject')) throw new Error('processing failed');
        },
        { concurrency: 50 },
      );
      let n = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(delivery, { minLength: 1, maxLength: 6 }), async (batch) => {
          const posts = batch.flatMap((d) => {
            n += 1;
            const id = `prop-${n}`;
            behaviour.set(id, d.processing);
            const body = messageEnvelope(id, {
              id: `m-${n}`,
              chat_id: `u2i-prop-${d.chat}`,
              author_id: d.own ? 3098765432 : 777,
              type: d.type,
              item_id: d.itemId,
              read: d.read,
              content: { text: d.text },
              // Unknown fields pass through; prefixed so that none replaces a known one.
              ...Object.fromEntries(Object.entries(d.extra).map(([k, v]) => [`x_${k}`, v])),
            });
            const post = () =>
              fetch(url, {
                method: 'POST',
                headers: { 'content-type': 'application/json', 'x-request-id': id },
                body: JSON.stringify(body),
              }).then(async (res) => ({ id, status: res.status, body: await res.text() }));
            return d.again ? [post(), post()] : [post()];
          });
          const results = await Promise.all(posts);
          for (const r of results) expect(r.status, r.body).toBe(200);
          const ids = [...new Set(results.map((r) => r.id))];
          await pollUntil(() => ids.every((id) => started.has(id)), {
            timeoutMs: 10_000,
            intervalMs: 10,
            what: 'processing of every delivery to start',
          });
          expect(startedBeforeAnswer).toEqual([]);
        }),
        { numRuns: 30 },
      );
      for (const release of hanging) release();
    } finally {
      await svc.dispose();
      await sim.close();
    }
  }, 120_000);
});
