import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AvitoSim, startAvitoSim } from '../../sim/avito/index.js';
import { serviceEnvFor } from '../../sim/env.js';
import { type GeminiSim, startGeminiSim } from '../../sim/gemini/index.js';
import { messageEnvelope } from '../support/avito-envelope.js';
import { RecordingNotifier } from '../support/recording-notifier.js';
import { eventually, startTestService, subscribeAndTeach, type TestService } from '../support/service.js';

const ADMIN_TOKEN = 'metrics-admin-token-0123456789';
const DOC = 'Доставка по Москве курьером стоит 500 рублей и занимает 1-2 дня.';

/** The value of one sample in Prometheus text, 0 when the series does not exist yet. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(match[3]);
  }
  return 0;
}

describe('domain metrics on /metrics (the real service with the Avito and Gemini simulators)', () => {
  let avito: AvitoSim;
  let gemini: GeminiSim;
  let svc: TestService;
  let webhookUrl: string;

  beforeEach(async () => {
    avito = await startAvitoSim();
    gemini = await startGeminiSim();
    svc = await startTestService({ ...serviceEnvFor({ avito, gemini }), ADMIN_TOKEN }, undefined, {
      notifier: new RecordingNotifier(),
    });
    webhookUrl = await subscribeAndTeach(svc, { fileName: 'Доставка.txt', text: DOC });
  });
  afterEach(async () => {
    await svc.dispose();
    await Promise.all([avito.close(), gemini.close()]);
  });

  async function scrape(): Promise<string> {
    const res = await fetch(`${svc.http.url}/metrics`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(res.status).toBe(200);
    return res.text();
  }

  /** Runs `act` and returns how much each named sample moved. */
  async function moved(
    act: () => Promise<unknown>,
    samples: Record<string, [string, Record<string, string>]>,
  ): Promise<Record<string, number>> {
    const before = await scrape();
    await act();
    const after = await scrape();
    return Object.fromEntries(
      Object.entries(samples).map(([key, [name, labels]]) => [
        key,
        sample(after, name, labels) - sample(before, name, labels),
      ]),
    );
  }

  const post = (body: string, url = webhookUrl) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('when webhook deliveries arrive, then each outcome is counted', async () => {
    const delivery = JSON.stringify(
      messageEnvelope('metrics-1', { id: 'metrics-msg-1', chat_id: 'u2i-metrics' }),
    );
    const name = 'avito_responder_webhook_deliveries_total';
    const counts = await moved(
      async () => {
        expect((await post(delivery)).status).toBe(200);
        expect((await post(delivery)).status).toBe(200);
        expect((await post('{')).status).toBe(400);
        expect((await post('{}')).status).toBe(200);
        expect((await post(delivery, `${svc.http.url}/avito/webhook/not-our-secret`)).status).toBe(404);
      },
      {
        accepted: [name, { outcome: 'accepted' }],
        duplicate: [name, { outcome: 'duplicate' }],
        rejected: [name, { outcome: 'rejected' }],
        probe: [name, { outcome: 'probe' }],
        wrongSecret: [name, { outcome: 'wrong_secret' }],
      },
    );
    expect(counts).toEqual({ accepted: 1, duplicate: 1, rejected: 1, probe: 1, wrongSecret: 1 });
  });

  it('when a buyer asks and the owner approves, then the draft, the model call and the queue gauges move', async () => {
    const model = svc.config.gemini.model;
    const listing = avito.seedListing({ title: 'Диван', price: 54900 });
    let chatId = '';
    const drafted = await moved(
      async () => {
        ({ chatId } = await avito.buyerWrites({
          itemId: listing.id,
          buyer: { name: 'Анна' },
          text: 'Сколько стоит доставка по Москве?',
        }));
        await eventually(async () => (await svc.store.drafts.listForChat(chatId, ['pending']))[0]);
      },
      {
        created: ['avito_responder_drafts_created_total', { decision: 'answer', grounded: 'yes' }],
        modelCalls: ['avito_responder_model_call_duration_seconds_count', { model, outcome: 'ok' }],
      },
    );
    expect(drafted.created).toBe(1);
    expect(drafted.modelCalls).toBeGreaterThanOrEqual(1);
    const waiting = await scrape();
    expect(sample(waiting, 'avito_responder_queue_depth', { queue: 'drafts' })).toBe(1);
    expect(sample(waiting, 'avito_responder_queue_oldest_age_seconds', { queue: 'drafts' })).toBeGreaterThan(
      0,
    );

    const draft = (await svc.store.drafts.listForChat(chatId, ['pending']))[0]!;
    const approved = await moved(
      async () => {
        await svc.responder.actions.approve(draft.id, 'tg:1');
        await eventually(async () => (await svc.store.drafts.get(draft.id))?.status === 'sent');
      },
      {
        byOwner: ['avito_responder_drafts_approved_total', { by: 'owner' }],
        sent: ['avito_responder_drafts_finished_total', { state: 'sent' }],
      },
    );
    expect(approved).toEqual({ byOwner: 1, sent: 1 });
    expect(sample(await scrape(), 'avito_responder_queue_depth', { queue: 'drafts' })).toBe(0);
  });

  it('when a buyer asks for a person, then the escalation is counted by its reason', async () => {
    const listing = avito.seedListing({ title: 'Кресло', price: 8000 });
    const counts = await moved(
      async () => {
        const { chatId } = await avito.buyerWrites({
          itemId: listing.id,
          buyer: { name: 'Марина' },
          text: 'Позовите менеджера, пожалуйста',
        });
        await eventually(async () => (await svc.store.drafts.listForChat(chatId))[0]);
      },
      {
        escalations: ['avito_responder_escalations_total', { reason: 'human_request' }],
        created: ['avito_responder_drafts_created_total', { decision: 'escalation' }],
      },
    );
    expect(counts).toEqual({ escalations: 1, created: 1 });
  });

  it('when Avito refuses a send, then the failed send and the failed draft are counted', async () => {
    const listing = avito.seedListing({ title: 'Стол', price: 5000 });
    const { chatId } = await avito.buyerWrites({
      itemId: listing.id,
      buyer: { name: 'Ира' },
      text: 'Сколько стоит доставка по Москве?',
    });
    const draft = await eventually(async () => (await svc.store.drafts.listForChat(chatId, ['pending']))[0]);
    avito.faults.add({
      match: (req, path) => req.method === 'POST' && /\/chats\/[^/]+\/messages$/.test(path),
      fault: { kind: 'status', status: 400 },
      times: 1,
    });
    const counts = await moved(
      async () => {
        await svc.responder.actions.approve(draft.id, 'tg:1');
        await eventually(async () => (await svc.store.drafts.get(draft.id))?.status === 'failed');
      },
      {
        sendsFailed: ['avito_responder_sends_failed_total', { kind: 'invalid_request' }],
        failed: ['avito_responder_drafts_finished_total', { state: 'failed' }],
      },
    );
    expect(counts).toEqual({ sendsFailed: 1, failed: 1 });
  });

  it('when the Avito token is requested, then the request is counted by its outcome', async () => {
    const name = 'avito_responder_token_refreshes_total';
    const ok = await moved(() => svc.avito!.tokens.refresh(), { ok: [name, { outcome: 'ok' }] });
    expect(ok).toEqual({ ok: 1 });
    avito.faults.add({ match: '/token', fault: { kind: 'status', status: 503 }, times: 1 });
    const failed = await moved(() => svc.avito!.tokens.refresh().catch(() => 'refused'), {
      failed: [name, { outcome: 'failed' }],
    });
    expect(failed).toEqual({ failed: 1 });
  });
});
