import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AvitoSim, startAvitoSim } from '../../sim/avito/index.js';
import { type GeminiSim, startGeminiSim } from '../../sim/gemini/index.js';
import { serviceEnvFor } from '../../sim/env.js';
import { startTelegramSim, type TelegramSim } from '../../sim/telegram/index.js';
import { eventually, startTestService, type TestService } from '../support/service.js';

const DOC = 'Доставка по Москве курьером стоит 500 рублей и занимает 1-2 дня. Самовывоз бесплатно.';

describe('the whole loop: Avito buyer → draft card in Telegram → owner taps → buyer receives', () => {
  let avito: AvitoSim;
  let gemini: GeminiSim;
  let telegram: TelegramSim;
  let svc: TestService;

  beforeEach(async () => {
    avito = await startAvitoSim();
    gemini = await startGeminiSim();
    telegram = await startTelegramSim();
    svc = await startTestService(serviceEnvFor({ avito, gemini, telegram }));
    const secret = await svc.store.kv.get<string>('avito:webhook-secret');
    await svc.avito!.client.subscribe(`${svc.http.url}/avito/webhook/${secret}`);
    await svc.knowledge.ingest({
      origin: 'upload',
      fileName: 'Доставка.txt',
      bytes: new TextEncoder().encode(DOC),
    });
  });
  afterEach(async () => {
    await svc.dispose();
    await Promise.all([avito.close(), gemini.close(), telegram.close()]);
  });

  it('when the owner taps ✅ twice on a card, then the buyer gets the answer once and the card says sent', async () => {
    const listing = avito.seedListing({ title: 'Диван угловой', price: 54900 });
    const { chatId } = await avito.buyerWrites({
      itemId: listing.id,
      buyer: { name: 'Анна' },
      text: 'Сколько стоит доставка по Москве?',
    });
    const card = await eventually(() => {
      const m = telegram.lastBotMessage(telegram.user.id);
      return m?.text?.includes('Сколько стоит доставка') &&
        telegram.findButton(telegram.user.id, '✅ Отправить')
        ? m
        : null;
    });
    expect(card.text).toContain('Диван угловой');
    expect(card.text).toContain('Анна');
    expect(card.text).toMatch(/500/);

    const first = telegram.tap(telegram.user.id, card.message_id, '✅ Отправить');
    const second = telegram.tap(telegram.user.id, card.message_id, '✅ Отправить');
    await eventually(() => avito.sentByApi().filter((s) => s.chatId === chatId).length === 1);
    await eventually(() => first.answered && second.answered);
    const edited = await eventually(() => {
      const m = telegram.chat(telegram.user.id).messages.find((x) => x.message_id === card.message_id);
      return m?.text?.includes('✅ отправлено') ? m : null;
    });
    expect(edited.reply_markup).toBeUndefined();
    await new Promise((r) => setTimeout(r, 300));
    expect(avito.sentByApi().filter((s) => s.chatId === chatId)).toHaveLength(1);
  });

  it('when a stranger writes to the bot, then they are refused once and nothing else happens', async () => {
    const stranger = { id: 999_001, is_bot: false, first_name: 'Чужой' };
    telegram.userSends(
      { user: stranger, chat: { id: stranger.id, type: 'private', first_name: 'Чужой' } },
      '/mode auto',
    );
    telegram.userSends(
      { user: stranger, chat: { id: stranger.id, type: 'private', first_name: 'Чужой' } },
      '/pause',
    );
    await eventually(() => telegram.chat(stranger.id).messages.filter((m) => m.from?.is_bot).length === 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(telegram.chat(stranger.id).messages.filter((m) => m.from?.is_bot)).toHaveLength(1);
    expect((await svc.store.settings.get()).mode).toBeUndefined();
  });
});
