import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AnthropicSim, startAnthropicSim } from '../../sim/anthropic/index.js';
import { type AvitoSim, startAvitoSim } from '../../sim/avito/index.js';
import { serviceEnvFor } from '../../sim/env.js';
import { type OpenAISim, startOpenAISim } from '../../sim/openai/index.js';
import { providerEnvFor } from '../../sim/providers-env.js';
import { renderCard } from '../../src/bot/cards/render.js';
import { textsFor } from '../../src/texts/index.js';
import { RecordingNotifier } from '../support/recording-notifier.js';
import { eventually, startTestService, type TestService } from '../support/service.js';

describe('which model wrote a draft (the real service with the Avito, OpenAI and Anthropic simulators)', () => {
  let avito: AvitoSim;
  let openai: OpenAISim;
  let anthropic: AnthropicSim;
  let svc: TestService;
  let owner: RecordingNotifier;

  beforeEach(async () => {
    avito = await startAvitoSim();
    openai = await startOpenAISim();
    anthropic = await startAnthropicSim();
    owner = new RecordingNotifier();
    svc = await startTestService(
      { ...serviceEnvFor({ avito }), ...providerEnvFor({ openai, anthropic }, ['openai', 'anthropic']) },
      undefined,
      { notifier: owner },
    );
    const secret = await svc.store.kv.get<string>('avito:webhook-secret');
    await svc.avito!.client.subscribe(`${svc.http.url}/avito/webhook/${secret}`);
    await svc.knowledge.ingest({
      origin: 'upload',
      fileName: 'Доставка.md',
      bytes: new TextEncoder().encode('# Доставка\n\nДоставка по Москве курьером стоит 500 рублей.'),
    });
  });
  afterEach(async () => {
    await svc?.dispose();
    await avito.close();
    await openai.close();
    await anthropic.close();
  });

  const ask = async (text: string) => {
    const listing = avito.seedListing({ id: 4341979279, title: 'Диван угловой', price: 54900 });
    const { chatId } = await avito.buyerWrites({ itemId: listing.id, buyer: { name: 'Анна' }, text });
    return eventually(async () => (await svc.store.drafts.listForChat(chatId, ['pending']))[0]);
  };

  it('when OpenAI writes the draft, then the draft, its audit entry and the owner’s card name it', async () => {
    const draft = await ask('Сколько стоит доставка по Москве?');
    expect(draft).toMatchObject({ kind: 'answer', provider: 'openai', model: 'gpt-4o-mini', grounded: true });
    const created = await eventually(
      async () => (await svc.store.audit.query({ draftId: draft.id, action: 'draft.created.answer' }))[0],
    );
    expect(created.details).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini' });
    const view = await eventually(() => owner.views.find((v) => v.draft.id === draft.id));
    expect(renderCard(view, textsFor('ru')).text).toContain('🧠 Модель: OpenAI API · gpt-4o-mini');
  });

  it('when OpenAI is rate limited, then Anthropic writes the draft and the owner sees that', async () => {
    openai.rateLimit({ retryAfter: 120, times: 5 });
    const draft = await ask('Сколько стоит доставка по Москве?');
    expect(draft).toMatchObject({ provider: 'anthropic', model: 'claude-haiku-4-5' });
    const view = await eventually(() => owner.views.find((v) => v.draft.id === draft.id));
    expect(renderCard(view, textsFor('en')).text).toContain('🧠 Model: Anthropic · claude-haiku-4-5');
  });

  it('when every provider is out of quota, then the fallback draft names no model and the owner is alerted per provider', async () => {
    openai.exhaustQuota();
    anthropic.exhaustCredits();
    const draft = await ask('Сколько стоит доставка по Москве?');
    expect(draft).toMatchObject({ kind: 'fallback', provider: null, model: null });
    expect(draft.findings[0]).toBe('unavailable');
    expect(owner.alerts.map((a) => a.key)).toEqual(['model:openai:quota', 'model:anthropic:quota']);
  });
});
