import { afterEach, describe, expect, it } from 'vitest';
import { pollUntil } from '../../../sim/common/wait.js';
import type { BuyerProfile } from '../../../src/bot/buyer/index.js';
import {
  BUYER,
  type BuyerBotHarness,
  type BuyerBotHarnessOptions,
  runBuyerJourney,
  StandInInbound,
  startBuyerBotHarness,
  TelegramBuyer,
} from '../../support/telegram-buyer.js';

let h: BuyerBotHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function start(
  options: BuyerBotHarnessOptions = {},
): Promise<BuyerBotHarness & { stand: StandInInbound }> {
  let stand: StandInInbound | undefined;
  h = await startBuyerBotHarness({
    ...options,
    inbound: ({ store, channel }) => (stand = new StandInInbound(store, channel)),
  });
  return Object.assign(h, { stand: stand! });
}

const profileOf = (harness: BuyerBotHarness, chat = BUYER.id) =>
  harness.store.kv.get<BuyerProfile>(`tgbuyer:profile:tg:${chat}`);

describe('telegram buyer bot: the buyer journey', () => {
  it('when a buyer starts, agrees, leaves name and phone and asks, then the question reaches the responder and its answer reaches the chat', async () => {
    const at = new Date('2026-12-06T10:00:00Z');
    const { buyer, stand, botSim, store } = await start({ now: () => at });
    const event = await runBuyerJourney(
      h!,
      'Есть доставка в Казань?',
      'Ответ продавца: Есть доставка в Казань?',
    );

    const question = buyer.messages().find((m) => m.text === 'Есть доставка в Казань?')!;
    expect(event).toMatchObject({
      channel: 'telegram',
      chatId: `tg:${BUYER.id}`,
      messageId: `tgb:${BUYER.id}:${question.message_id}`,
      direction: 'in',
      type: 'text',
      text: 'Есть доставка в Казань?',
      content: null,
      at: new Date(question.date * 1000),
      context: { buyer: { id: String(BUYER.id), name: 'Анна', contact: { phone: `+7999${'0005001'}` } } },
    });
    // Only the question went to the responder: the name and the contact are the step's, not the conversation's.
    expect(stand.events.map((e) => e.text)).toEqual(['Есть доставка в Казань?']);

    // The answer went out through the channel and is known by the message id the buyer's chat shows.
    const answer = buyer.messages().at(-1)!;
    expect(answer).toMatchObject({
      from: { id: botSim.bot.id },
      text: 'Ответ продавца: Есть доставка в Казань?',
    });
    // The buyer can see the answer a moment before the send has finished on our side.
    const send = await pollUntil(() => stand.sends[0], { timeoutMs: 5000 });
    expect(send.outcome).toEqual({
      kind: 'sent',
      messageIds: [`tgb:${BUYER.id}:${answer.message_id}`],
    });
    expect(await h!.buyerBot.channel.recentOutgoing(`tg:${BUYER.id}`, 5)).toEqual([
      { id: `tgb:${BUYER.id}:${answer.message_id}`, text: answer.text, at: new Date(answer.date * 1000) },
    ]);

    // The consent was recorded before the contact, with what was agreed to; the keyboard is gone.
    const profile = await profileOf(h!);
    expect(profile).toMatchObject({ step: 'done', name: 'Анна', phone: '+79990005001', locale: 'ru' });
    expect(profile?.consent).toMatchObject({ at: at.toISOString(), policyUrl: null });
    expect(profile?.consent?.textSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(buyer.keyboard()).toEqual([]);
    expect(await store.chats.get(`tg:${BUYER.id}`)).toMatchObject({ buyerName: 'Анна' });
  });

  it('when CONSENT_TEXT and PRIVACY_POLICY_URL are set, then the offer shows them instead of the default text', async () => {
    const { buyer } = await start({
      env: {
        CONSENT_TEXT: 'Согласен на обработку данных ИП Петров.',
        PRIVACY_POLICY_URL: 'https://shop.example/privacy',
      },
    });
    buyer.start();
    const offer = await buyer.waitForBot('ИП Петров');
    expect(offer.text).toContain('Политика обработки персональных данных: https://shop.example/privacy');
    expect(offer.text).not.toContain('152-ФЗ');
    await buyer.taps('✅ Согласен');
    await buyer.waitForBot('Как к вам обращаться?');
    expect((await profileOf(h!))?.consent?.policyUrl).toBe('https://shop.example/privacy');
  });

  it('when a buyer sends a phone before agreeing, then nothing of it is kept and the consent is asked for', async () => {
    const { buyer, botSim, stand } = await start();
    buyer.start();
    await buyer.waitForBot('152-ФЗ');
    await buyer.taps('Не сейчас');
    await buyer.waitForBot('без контактов');
    // No phone button without consent; the attachment menu still lets anyone send a contact card.
    botSim.userSendsContact(BUYER.id, {
      phone_number: '+79161234567',
      first_name: 'Анна',
      user_id: BUYER.id,
    });
    await buyer.waitForBot('нужно согласие на обработку персональных данных');
    const offer = await buyer.waitForBot('152-ФЗ');
    expect(offer.reply_markup).toBeDefined();
    expect(await profileOf(h!)).toMatchObject({ step: 'consent', phone: null, consent: null });
    buyer.says('Сколько стоит?');
    await pollUntil(() => stand.events.length === 1, { timeoutMs: 5000 });
    expect(stand.events[0]?.context?.buyer?.contact).toBeUndefined();
    // Agreeing now, the same card is kept.
    await buyer.taps('✅ Согласен');
    await buyer.waitForBot('Как к вам обращаться?');
    botSim.userSendsContact(BUYER.id, { phone_number: '79161234567', first_name: 'Анна', user_id: BUYER.id });
    await buyer.waitForBot('контакт сохранён');
    expect(await profileOf(h!)).toMatchObject({ step: 'done', phone: '+79161234567', name: 'Анна' });
  });

  it('when the buyer types an e-mail or a phone, skips, or asks a question mid-step, then each is handled for what it is', async () => {
    const { buyer, stand } = await start();
    buyer.start();
    await buyer.taps('✅ Согласен');
    await buyer.waitForBot('Как к вам обращаться?');
    // A question in the middle of the step goes to the responder; the step waits.
    buyer.says('А самовывоз есть?');
    await pollUntil(() => stand.events.length === 1, { timeoutMs: 5000 });
    buyer.says('Мария');
    await buyer.waitForBot('Мария, оставьте телефон');
    buyer.says('не скажу');
    await buyer.waitForBot('Не похоже на телефон или e-mail');
    buyer.says('maria@example.ru');
    await buyer.waitForBot('контакт сохранён');
    expect(await profileOf(h!)).toMatchObject({ name: 'Мария', email: 'maria@example.ru', phone: null });

    // /contact again: the consent stands, so the name comes first; a typed phone is normalised.
    buyer.says('/contact');
    await buyer.waitForBot('Как к вам обращаться?');
    buyer.presses('Пропустить');
    await buyer.waitForBot('Хорошо. Задайте ваш вопрос');
    buyer.says('/contact');
    await pollUntil(async () => (await profileOf(h!))?.step === 'name', { timeoutMs: 5000 });
    buyer.says('Маша');
    await buyer.waitForBot('Маша, оставьте');
    buyer.says('8 (916) 123-45-67');
    await pollUntil(async () => (await profileOf(h!))?.phone === '+79161234567', { timeoutMs: 5000 });
    buyer.says('Когда привезёте?');
    const question = await pollUntil(() => stand.events.find((e) => e.text === 'Когда привезёте?'), {
      timeoutMs: 5000,
    });
    expect(question.context?.buyer).toEqual({
      id: String(BUYER.id),
      name: 'Маша',
      contact: { phone: '+79161234567' },
    });
  });

  it('when a buyer writes in English, then the bot answers in English', async () => {
    const { botSim, stand } = await start();
    const english = new TelegramBuyer(botSim, {
      id: 5002,
      is_bot: false,
      first_name: 'John',
      language_code: 'en-GB',
    });
    english.start();
    await english.waitForBot("I'm the seller's assistant");
    await english.taps('✅ I agree');
    await english.waitForBot('What is your name?');
    english.says('Is it in stock?');
    await pollUntil(() => stand.events.some((e) => e.chatId === 'tg:5002'), { timeoutMs: 5000 });
  });

  it('when a buyer sends a file with a caption, then it reaches the responder as a file with the caption as its text', async () => {
    const { buyer, botSim, stand } = await start();
    buyer.start();
    await buyer.waitForBot('152-ФЗ');
    botSim.userSendsDocument({
      to: BUYER.id,
      fileName: 'размер.pdf',
      bytes: 'pdf',
      caption: 'Такой размер подойдёт?',
    });
    const event = await pollUntil(() => stand.events[0], { timeoutMs: 5000 });
    expect(event).toMatchObject({
      type: 'file',
      text: 'Такой размер подойдёт?',
      content: { telegram: 'document' },
    });
  });
});

describe('telegram buyer bot: retention', () => {
  it('when the retention job forgets a conversation, then the contact step and sent log go and the buyer starts afresh', async () => {
    const { buyer, buyerBot, stand } = await start();
    await runBuyerJourney(h!, 'Есть белый?', 'Ответ продавца: Есть белый?');
    await pollUntil(() => stand.sends.length === 1, { timeoutMs: 5000 });
    expect(await profileOf(h!)).not.toBeNull();
    await buyerBot.forget(`tg:${BUYER.id}`);
    expect(await profileOf(h!)).toBeNull();
    expect(await buyerBot.channel.recentOutgoing(`tg:${BUYER.id}`, 10)).toEqual([]);
    // A buyer coming back later is a new buyer: their question goes through, and the consent is asked again.
    buyer.says('А чёрный есть?');
    await buyer.waitForBot('152-ФЗ');
    const event = await pollUntil(() => stand.events.find((e) => e.text === 'А чёрный есть?'), {
      timeoutMs: 5000,
    });
    expect(event.context?.buyer).toEqual({ id: String(BUYER.id), name: 'Анна' });
  });
});

describe('telegram buyer bot: deep links', () => {
  it('when a buyer opens a link to a known listing, then the greeting names it and every question carries it', async () => {
    const { buyer, store, stand } = await start();
    await store.listings.upsert({
      id: '4341979279',
      title: 'Кресло Comfort',
      price: 54900,
      url: 'https://avito.ru/4341979279',
      status: 'active',
      category: null,
      address: null,
      syncedAt: new Date(),
    });
    buyer.start('4341979279');
    await buyer.waitForBot('Вы пишете по объявлению «Кресло Comfort» (54 900 ₽)');
    buyer.says('Какой цвет?');
    const event = await pollUntil(() => stand.events[0], { timeoutMs: 5000 });
    expect(event.context?.listing).toEqual({
      itemId: '4341979279',
      title: 'Кресло Comfort',
      price: '54 900 ₽',
      url: 'https://avito.ru/4341979279',
    });
  });

  it('when the link names a listing the store does not know, then it is a general conversation', async () => {
    const { buyer, stand } = await start();
    buyer.start('999');
    const greeting = await buyer.waitForBot('Я помощник продавца');
    expect(greeting.text).not.toContain('объявлению');
    buyer.says('Здравствуйте, что есть?');
    const event = await pollUntil(() => stand.events[0], { timeoutMs: 5000 });
    expect(event.context?.listing).toBeUndefined();
  });
});

describe('telegram buyer bot: never the owner bot', () => {
  it('when anyone sends an owner command to the buyer bot, then it is refused and nothing reaches the responder', async () => {
    const { buyer, botSim, sim, stand } = await start();
    buyer.start();
    await buyer.waitForBot('152-ФЗ');
    for (const command of ['/mode auto', '/status', '/pause', '/chats']) {
      buyer.says(command);
      await pollUntil(
        () => buyer.botTexts().filter((t) => t.includes('Эта команда здесь не работает')).length,
        {
          timeoutMs: 5000,
        },
      );
    }
    await pollUntil(
      () => buyer.botTexts().filter((t) => t.includes('Эта команда здесь не работает')).length === 4,
      { timeoutMs: 5000 },
    );
    // The seller, writing to the buyer bot, is a buyer like any other: no owner powers here.
    const owner = new TelegramBuyer(botSim, sim.user);
    owner.says('/mode review');
    await owner.waitForBot('Эта команда здесь не работает');
    owner.says('Проверка связи');
    const event = await pollUntil(() => stand.events.find((e) => e.chatId === `tg:${sim.user.id}`), {
      timeoutMs: 5000,
    });
    expect(event.direction).toBe('in');
    expect(stand.events.map((e) => e.text)).toEqual(['Проверка связи']);
    // The owner's own bot saw none of it.
    expect(sim.pendingUpdates()).toEqual([]);
  });

  it('when a buyer floods the bot, then it asks them once to slow down and does not pass the excess on', async () => {
    const { buyer, stand } = await start();
    buyer.start();
    for (let i = 1; i <= 22; i++) buyer.says(`вопрос ${i}`);
    await buyer.waitForBot('Вы пишете быстрее, чем я успеваю читать');
    await pollUntil(() => stand.events.length >= 19, { timeoutMs: 10_000 });
    // /start counted as the first of 20 in the minute.
    expect(stand.events.map((e) => e.text)).toEqual(Array.from({ length: 19 }, (_, i) => `вопрос ${i + 1}`));
    expect(buyer.botTexts().filter((t) => t.includes('быстрее')).length).toBe(1);
    expect(h!.logs.some((l) => l.includes('buyer flooding'))).toBe(true);
  });
});
