import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AvitoSim, startAvitoSim } from '../../sim/avito/index.js';
import { serviceEnvFor } from '../../sim/env.js';
import { type OpenAISim, startOpenAISim } from '../../sim/openai/index.js';
import { providerEnvFor } from '../../sim/providers-env.js';
import { eventually, startTestService, type TestService } from '../support/service.js';

/**
 * The lead's brief on the real service with an OpenAI-compatible provider alone: the buyer's words reach the
 * brief through the same provider the answers use, and what the model invents stays out.
 */
describe('the brief from an OpenAI-compatible provider', () => {
  let avito: AvitoSim;
  let openai: OpenAISim;
  let svc: TestService;

  beforeEach(async () => {
    avito = await startAvitoSim();
    openai = await startOpenAISim();
    svc = await startTestService({ ...serviceEnvFor({ avito }), ...providerEnvFor({ openai }) });
    const secret = await svc.store.kv.get<string>('avito:webhook-secret');
    await svc.avito!.client.subscribe(`${svc.http.url}/avito/webhook/${secret}`);
  });
  afterEach(async () => {
    await svc.dispose();
    await Promise.all([avito.close(), openai.close()]);
  });

  it('when a buyer writes, then the provider fills what the rules cannot, and its invention is dropped', async () => {
    const listing = avito.seedListing({ id: 777001, title: 'Стул «Венский»', price: 4500 });
    const text = 'Здравствуйте! Нужен стул «Венский», 6 шт, цвет орех';
    // Slow model calls: the brief's answer below is queued (with the message's id) before the model reads it.
    openai.faults.add({ match: '/v1/chat/completions', times: 4, fault: { kind: 'latency', ms: 800 } });
    const { chatId, messageId } = await avito.buyerWrites({
      itemId: listing.id,
      buyer: { name: 'Анна' },
      text,
    });
    // The brief's answer (JSON mode): a comment only a model reads, and an address the buyer never gave.
    openai.scriptNextAnswer(
      JSON.stringify({
        values: [
          { field: 'comments', value: 'цвет орех', message_id: messageId, quote: 'цвет орех' },
          { field: 'address', value: 'Москва, Тверская, 1', message_id: messageId, quote: 'Тверская, 1' },
        ],
      }),
      { for: 'json' },
    );

    const lead = await eventually(() => svc.store.leads.findOpenByConversation('avito', chatId), 10_000);
    const briefCall = await eventually(
      () =>
        openai.calls
          .find('/v1/chat/completions', 'POST')
          .find(
            (c) => (c.body as { response_format?: { type: string } }).response_format?.type === 'json_object',
          ),
      10_000,
    );
    expect(JSON.stringify(briefCall.body)).toContain('цвет орех');
    const brief = await eventually(async () => {
      const b = (await svc.leads.get(lead.id))?.brief;
      return b?.['comments'] ? b : undefined;
    }, 10_000);
    expect(brief['comments']?.value).toBe('цвет орех');
    // The model filled what only a model reads; what it left open the rules still read («6 шт»); its invention
    // is dropped.
    expect(brief['quantity']?.value).toBe(6);
    expect(brief['address']?.value ?? null).toBeNull();
  });
});
