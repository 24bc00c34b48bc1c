import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AvitoSim, startAvitoSim } from '../../sim/avito/index.js';
import { type GeminiSim, startGeminiSim } from '../../sim/gemini/index.js';
import { serviceEnvFor } from '../../sim/env.js';
import { startTelegramSim, type TelegramSim } from '../../sim/telegram/index.js';
import { makeTextPdf } from '../fixtures/docs/pdf.js';
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

  const waitForBotText = (fragment: string) =>
    eventually(() =>
      telegram
        .chat(telegram.user.id)
        .messages.filter((m) => m.from?.is_bot)
        .find((m) => m.text?.includes(fragment)),
    );

  it('when the owner taps ✖️ on a card, then nothing is sent and the card says dismissed', async () => {
    const listing = avito.seedListing({ title: 'Кресло', price: 8000 });
    const { chatId } = await avito.buyerWrites({
      itemId: listing.id,
      buyer: { name: 'Олег' },
      text: 'Сколько стоит доставка по Москве?',
    });
    const card = await waitForBotText('Олег');
    telegram.tap(telegram.user.id, card.message_id, '✖️ Отклонить');
    await eventually(async () => (await svc.store.drafts.listForChat(chatId))[0]?.status === 'dismissed');
    await eventually(() =>
      telegram
        .chat(telegram.user.id)
        .messages.find(
          (m) => m.message_id === card.message_id && !m.reply_markup && /✖️ отклонено/.test(m.text ?? ''),
        ),
    );
    expect(avito.sentByApi().filter((s) => s.chatId === chatId)).toEqual([]);
  });

  it('when the owner switches to /mode auto and the service restarts, then the mode holds and answers go out directly', async () => {
    telegram.userSends(telegram.user.id, '/mode auto');
    await eventually(async () => (await svc.store.settings.get()).mode === 'auto');
    // Restart on the same data directory.
    const dataDir = svc.dataDir;
    await svc.stop();
    svc = await startTestService(serviceEnvFor({ avito, gemini, telegram }), dataDir);
    const secret = await svc.store.kv.get<string>('avito:webhook-secret');
    await svc.avito!.client.subscribe(`${svc.http.url}/avito/webhook/${secret}`);
    const listing = avito.seedListing({ title: 'Стол', price: 5000 });
    const { chatId } = await avito.buyerWrites({
      itemId: listing.id,
      buyer: { name: 'Ира' },
      text: 'Сколько стоит доставка по Москве?',
    });
    await eventually(() => avito.sentByApi().filter((s) => s.chatId === chatId).length === 1);
    expect((await svc.store.drafts.listForChat(chatId))[0]?.approvedBy).toBe('auto');
  });

  it('when the owner uploads a PDF for a listing, then the progress message reaches «готово» and buyers get answers from it', async () => {
    const listing = avito.seedListing({ id: 5_100_000_001, title: 'Велосипед горный', price: 42000 });
    await svc.store.listings.upsert({
      id: String(listing.id),
      title: 'Велосипед горный',
      price: 42000,
      url: null,
      status: 'active',
      category: null,
      address: null,
      syncedAt: new Date(),
    });
    telegram.userSendsDocument({
      to: telegram.user.id,
      fileName: 'Велосипед.pdf',
      mimeType: 'application/pdf',
      bytes: makeTextPdf(['Рама велосипеда алюминиевая, размер рамы 19 дюймов.', 'Гарантия на раму 3 года.']),
    });
    const ask = await waitForBotText('К чему относится документ');
    // The picker labels a listing with its title and price.
    type Button = { text: string; callback_data: string };
    const keyboard = (ask.reply_markup as { inline_keyboard: Button[][] }).inline_keyboard;
    const button = keyboard.flat().find((b) => b.text.startsWith('Велосипед горный'));
    expect(button).toBeDefined();
    await telegram.tap(telegram.user.id, ask.message_id, button!.callback_data).waitForAnswer();
    await eventually(
      () =>
        telegram
          .chat(telegram.user.id)
          .messages.find((m) => m.message_id === ask.message_id)
          ?.text?.includes('✅ готово'),
      15_000,
    );
    const doc = (await svc.store.documents.list({ scope: 'item', itemId: String(listing.id) })).find(
      (d) => d.origin === 'upload',
    );
    expect(doc).toMatchObject({ state: 'ready', mimeType: 'application/pdf' });
    const { chatId } = await avito.buyerWrites({
      itemId: listing.id,
      buyer: { name: 'Петр' },
      text: 'Какой размер рамы у велосипеда?',
    });
    const draft = await eventually(async () => (await svc.store.drafts.listForChat(chatId, ['pending']))[0]);
    expect(draft.text).toMatch(/19/);
    expect(draft.strategy).toBe('item');
  });
});
