import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AvitoSim, startAvitoSim } from '../../sim/avito/index.js';
import { serviceEnvFor } from '../../sim/env.js';
import { type GeminiSim, startGeminiSim } from '../../sim/gemini/index.js';
import { RecordingNotifier } from '../support/recording-notifier.js';
import { eventually, startTestService, type TestService } from '../support/service.js';

const SHOP_DOC = [
  '# Гарантия и доставка',
  '',
  'Гарантия на диваны 18 месяцев со дня покупки.',
  'Доставка в Казань транспортной компанией, 3-5 дней.',
].join('\n');

describe('respond (the real service with the Avito and Gemini simulators)', () => {
  let avito: AvitoSim;
  let gemini: GeminiSim;
  let svc: TestService;
  let owner: RecordingNotifier;

  beforeEach(async () => {
    avito = await startAvitoSim();
    gemini = await startGeminiSim();
  });
  afterEach(async () => {
    await svc?.dispose();
    await avito.close();
    await gemini.close();
  });

  async function start(env: Record<string, string>) {
    owner = new RecordingNotifier();
    svc = await startTestService({ ...serviceEnvFor({ avito, gemini }), ...env }, undefined, {
      notifier: owner,
    });
    const secret = await svc.store.kv.get<string>('avito:webhook-secret');
    await svc.avito!.client.subscribe(`${svc.http.url}/avito/webhook/${secret}`);
    await svc.knowledge.ingest({
      origin: 'upload',
      fileName: 'Гарантия.md',
      bytes: new TextEncoder().encode(SHOP_DOC),
    });
  }

  it('when a second question arrives while the first is being answered, then it gets its own answer', async () => {
    await start({ MODE: 'auto', DEBOUNCE_SECONDS: '1' });
    gemini.faults.add({ match: /:generateContent$/, fault: { kind: 'latency', ms: 2500 } });
    const listing = avito.seedListing({ id: 4341979279, title: 'Диван угловой', price: 54900 });
    const first = await avito.buyerWrites({
      itemId: listing.id,
      buyer: { name: 'Марат' },
      text: 'Какая гарантия на диван?',
    });
    // The first respond run starts after the 1 s debounce and waits 2.5 s for the model.
    await eventually(() => gemini.calls.find(/:generateContent$/).length > 0, 10_000);
    const second = await avito.buyerWrites({
      itemId: listing.id,
      buyer: { name: 'Марат' },
      text: 'И доставка в Казань есть?',
    });

    await eventually(() => gemini.retrievals.some((r) => r.question.includes('Казань')), 20_000);
    const sentFor = async (messageId: string) =>
      (await svc.store.drafts.listForChat(first.chatId, ['sent'])).filter((d) =>
        d.coversMessageIds.includes(messageId),
      );
    await eventually(async () => (await sentFor(second.messageId)).length === 1, 20_000);
    expect(await sentFor(first.messageId)).toHaveLength(1);
    expect(avito.sentByApi().filter((s) => s.chatId === first.chatId)).toHaveLength(2);
  }, 40_000);

  it('when the owner approves a draft right after the buyer asked something new, then the new question gets its own draft', async () => {
    await start({ DEBOUNCE_SECONDS: '1' });
    const listing = avito.seedListing({ id: 4341979279, title: 'Диван угловой', price: 54900 });
    const first = await avito.buyerWrites({
      itemId: listing.id,
      buyer: { name: 'Лиля' },
      text: 'Какая гарантия на диван?',
    });
    const draft = await eventually(
      async () => (await svc.store.drafts.listForChat(first.chatId, ['pending']))[0],
      10_000,
    );
    const second = await avito.buyerWrites({
      itemId: listing.id,
      buyer: { name: 'Лиля' },
      text: 'И доставка в Казань есть?',
    });
    expect((await svc.responder.actions.approve(draft.id, 'tg:1')).ok).toBe(true);

    const next = await eventually(async () => {
      const pending = await svc.store.drafts.listForChat(first.chatId, ['pending']);
      return pending.find((d) => d.id !== draft.id);
    }, 10_000);
    expect(next.coversMessageIds).toEqual([second.messageId]);
    const sent = await eventually(async () => {
      const d = await svc.store.drafts.get(draft.id);
      return d?.status === 'sent' ? d : null;
    });
    expect(sent.coversMessageIds).toEqual([first.messageId]);
  }, 30_000);
});
