import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AvitoSim, startAvitoSim } from '../../sim/avito/index.js';
import { serviceEnvFor } from '../../sim/env.js';
import { type GeminiSim, startGeminiSim } from '../../sim/gemini/index.js';
import { buttonsOf } from '../../sim/telegram/actors.js';
import { startTelegramSim, type TelegramSim } from '../../sim/telegram/index.js';
import { eventually, startTestService, subscribeAndTeach, type TestService } from '../support/service.js';

const DOC = 'Доставка по Москве курьером стоит 500 рублей и занимает 1-2 дня. Самовывоз бесплатно.';

/** The owner's cards as the owner sees them: the real service, bot and Telegram simulator. */
describe('owner cards in Telegram (the real service with the simulators)', () => {
  let avito: AvitoSim;
  let gemini: GeminiSim;
  let telegram: TelegramSim;
  let svc: TestService;

  beforeEach(async () => {
    avito = await startAvitoSim();
    gemini = await startGeminiSim();
    telegram = await startTelegramSim();
    svc = await startTestService(serviceEnvFor({ avito, gemini, telegram }));
    await subscribeAndTeach(svc, { fileName: 'Доставка.txt', text: DOC });
  });
  afterEach(async () => {
    await svc.dispose();
    await Promise.all([avito.close(), gemini.close(), telegram.close()]);
  });

  const owner = () => telegram.user.id;
  const message = (id: number) => telegram.chat(owner()).messages.find((m) => m.message_id === id);
  const labels = (id: number) => buttonsOf(message(id)?.reply_markup).map((b) => b.text);

  async function pendingCard(buyer: string) {
    const listing = avito.seedListing({ title: 'Диван угловой', price: 54900 });
    const { chatId } = await avito.buyerWrites({
      itemId: listing.id,
      buyer: { name: buyer },
      text: 'Сколько стоит доставка по Москве?',
    });
    const card = await eventually(() =>
      telegram
        .chat(owner())
        .messages.find((m) => m.text?.includes(buyer) && buttonsOf(m.reply_markup).length > 0),
    );
    return { chatId, card };
  }

  it('when the owner takes a chat over from its card and hands it back, then the card says who took it and loses the button once handed back', async () => {
    const { chatId, card } = await pendingCard('Анна');
    await telegram.tap(owner(), card.message_id, '🙋 Беру на себя').waitForAnswer();
    await eventually(async () => (await svc.store.chats.get(chatId))?.state === 'human');
    const name = telegram.user.first_name;
    const taken = await eventually(() => {
      const m = message(card.message_id);
      return m?.text?.includes(`🙋 Чат взял на себя: ${name}`) ? m : null;
    });
    expect(taken.text).not.toContain('отклонено');
    expect(labels(card.message_id)).toEqual(['🤖 Вернуть ИИ']);

    await telegram.tap(owner(), card.message_id, '🤖 Вернуть ИИ').waitForAnswer();
    await eventually(async () => (await svc.store.chats.get(chatId))?.state === 'ai');
    const back = await eventually(() => {
      const m = message(card.message_id);
      return m?.text?.includes('🤖 Чат снова ведёт ИИ') ? m : null;
    });
    expect(back.text).toContain(`🙋 Чат взял на себя: ${name}`);
    expect(back.reply_markup).toBeUndefined();
  });

  it('when the owner replies to a card while Telegram is slow, then the reply gets exactly one card, labelled as the owner’s, that ends sent', async () => {
    const { chatId, card } = await pendingCard('Олег');
    // The reply's card takes a while to send: its delivery must not send a second card meanwhile.
    telegram.faults.add({ match: '/sendMessage', fault: { kind: 'latency', ms: 600 }, times: 1 });
    telegram.userReplies({ chatId: owner(), messageId: card.message_id }, 'Привезу завтра сам, бесплатно.');
    await eventually(() => avito.sentByApi().some((s) => s.chatId === chatId));
    const replyCards = () =>
      telegram
        .chat(owner())
        .messages.filter((m) => m.from?.is_bot && m.text?.includes('Привезу завтра сам, бесплатно.'));
    const sent = await eventually(() => {
      const cards = replyCards();
      return cards.length === 1 && cards[0]!.text!.includes('✅ отправлено') ? cards[0]! : null;
    });
    await new Promise((r) => setTimeout(r, 700));
    expect(replyCards()).toHaveLength(1);
    expect(sent.text).toContain(`✍️ Ваш ответ (${telegram.user.first_name})`);
    expect(sent.text).not.toContain('Черновик');
    expect(sent.text).not.toContain('Источников нет');
    // The card replied to says it was replaced, and offers nothing any more.
    expect(message(card.message_id)?.reply_markup).toBeUndefined();
    expect(avito.sentByApi().filter((s) => s.chatId === chatId)).toHaveLength(1);
  });
});
