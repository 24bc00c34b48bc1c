import { Bot } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTelegramSim, type TelegramBotSim, type TelegramSim } from '../../sim/telegram/index.js';
import { grammyFailure as failure } from '../support/grammy-failure.js';

const BUYER_BOT = { id: 7_000_000_002, username: 'shop_buyers_bot', first_name: 'Магазин' };
const BUYER = { id: 5001, first_name: 'Анна', language_code: 'ru' };

let sim: TelegramSim;
let buyerSim: TelegramBotSim;
let owner: Bot;
let buyer: Bot;

beforeEach(async () => {
  sim = await startTelegramSim({ bots: [{ bot: BUYER_BOT, user: BUYER }] });
  buyerSim = sim.botNamed(BUYER_BOT.username)!;
  owner = new Bot(sim.token, { client: { apiRoot: sim.url } });
  buyer = new Bot(buyerSim.token, { client: { apiRoot: buyerSim.url } });
  await owner.init();
  await buyer.init();
});

afterEach(async () => {
  await sim.close();
});

describe('telegram sim: several bots', () => {
  it('when two bots are served, then each answers getMe for itself on one apiRoot and an unknown token gets 401', async () => {
    expect(buyerSim.url).toBe(sim.url);
    expect(buyerSim.token).not.toBe(sim.token);
    expect(owner.botInfo.username).toBe('avito_responder_bot');
    expect(buyer.botInfo).toMatchObject({ id: BUYER_BOT.id, username: BUYER_BOT.username, is_bot: true });
    const stranger = new Bot(`${BUYER_BOT.id}:AAunknownunknownunknownunknownunk`, {
      client: { apiRoot: sim.url },
    });
    expect((await failure(stranger.api.getMe())).error_code).toBe(401);
    expect(() => sim.addBot({ bot: BUYER_BOT })).toThrow(/exists/);
  });

  it('when a buyer writes to the buyer bot and the owner to the owner bot, then each bot gets only its own updates', async () => {
    sim.userSends(sim.user.id, '/status');
    buyerSim.userSends(BUYER.id, 'Здравствуйте');
    const ownerUpdates = await owner.api.getUpdates({ timeout: 0 });
    const buyerUpdates = await buyer.api.getUpdates({ timeout: 0 });
    expect(ownerUpdates.map((u) => [u.message?.from?.id, u.message?.text])).toEqual([
      [sim.user.id, '/status'],
    ]);
    expect(buyerUpdates.map((u) => [u.message?.from?.id, u.message?.text])).toEqual([
      [BUYER.id, 'Здравствуйте'],
    ]);
    expect(buyerUpdates[0]?.message?.from).toMatchObject({ first_name: 'Анна', language_code: 'ru' });
    // Webhook on one bot, long polling on the other: the queues do not share a mode either.
    await buyer.api.setWebhook('http://127.0.0.1:9/telegram/buyer/x');
    expect((await failure(buyer.api.getUpdates({ timeout: 0 }))).error_code).toBe(409);
    expect(await owner.api.getUpdates({ offset: (ownerUpdates[0]?.update_id ?? 0) + 1, timeout: 0 })).toEqual(
      [],
    );
  });

  it('when one person talks to both bots, then they are the same user with a private chat per bot', async () => {
    buyerSim.userSends(sim.user.id, 'я тоже покупатель');
    await owner.api.sendMessage(sim.user.id, 'карточка');
    const inBuyerBot = buyerSim.chat(sim.user.id);
    const inOwnerBot = sim.chat(sim.user.id);
    expect(inBuyerBot.messages.map((m) => [m.message_id, m.text])).toEqual([[1, 'я тоже покупатель']]);
    expect(inOwnerBot.messages.map((m) => [m.message_id, m.text])).toEqual([[1, 'карточка']]);
    expect(inBuyerBot.messages[0]?.from?.first_name).toBe(sim.user.first_name);
    // A bot cannot write first: the buyer bot has no chat with someone who never wrote to it.
    expect((await failure(buyer.api.sendMessage(4242, 'hi'))).description).toBe(
      'Bad Request: chat not found',
    );
    expect((await failure(owner.api.sendMessage(BUYER.id, 'hi'))).description).toBe(
      'Bad Request: chat not found',
    );
  });

  it('when a buyer opens a deep link, then the bot gets /start with the payload after the command', async () => {
    const { update } = buyerSim.userStarts(BUYER.id, 'item_4341979279');
    expect(update?.message?.text).toBe('/start item_4341979279');
    expect(update?.message?.entities).toEqual([{ type: 'bot_command', offset: 0, length: 6 }]);
    expect(buyerSim.userStarts(BUYER.id).update?.message?.text).toBe('/start');
    expect(() => buyerSim.userStarts(BUYER.id, 'has space')).toThrow(/start parameter/);
    expect(() => buyerSim.userStarts(BUYER.id, 'x'.repeat(65))).toThrow(/start parameter/);
  });

  it('when the bot shows a request_contact keyboard, then pressing it sends the account phone as a contact message', async () => {
    buyerSim.userSends(BUYER.id, 'привет');
    expect(() => buyerSim.userSharesContact(BUYER.id)).toThrow(/no button that shares/);
    buyerSim.setPhone(BUYER.id, '+79161234567');
    await buyer.api.sendMessage(BUYER.id, 'Оставьте телефон', {
      reply_markup: {
        keyboard: [[{ text: '📱 Отправить номер', request_contact: true }], [{ text: 'Пропустить' }]],
        resize_keyboard: true,
        one_time_keyboard: true,
      },
    });
    expect(buyerSim.replyKeyboard(BUYER.id)).toEqual([['📱 Отправить номер'], ['Пропустить']]);
    // An inline keyboard or a plain message leaves the reply keyboard where it is.
    await buyer.api.sendMessage(BUYER.id, 'ещё', {
      reply_markup: { inline_keyboard: [[{ text: 'OK', callback_data: 'ok' }]] },
    });
    expect(buyerSim.replyKeyboard(BUYER.id)).toHaveLength(2);
    const shared = buyerSim.userSharesContact(BUYER.id);
    expect(shared.update?.message?.contact).toEqual({
      phone_number: '+79161234567',
      first_name: 'Анна',
      user_id: BUYER.id,
    });
    expect(shared.update?.message?.text).toBeUndefined();
    expect(buyerSim.pressKeyboardButton(BUYER.id, 'Пропустить').update?.message?.text).toBe('Пропустить');
    // A contact card from the attachment menu needs no keyboard and may be anyone's.
    const card = buyerSim.userSendsContact(BUYER.id, { phone_number: '+79035550000', first_name: 'Курьер' });
    expect(card.update?.message?.contact).toEqual({ phone_number: '+79035550000', first_name: 'Курьер' });
    expect(() => buyerSim.pressKeyboardButton(BUYER.id, 'Нет такой')).toThrow(/no keyboard button/);
    await buyer.api.sendMessage(BUYER.id, 'Спасибо', { reply_markup: { remove_keyboard: true } });
    expect(buyerSim.replyKeyboard(BUYER.id)).toEqual([]);
    const updates = await buyer.api.getUpdates({ timeout: 0 });
    expect(updates.find((u) => u.message?.contact)?.message?.contact?.phone_number).toBe('+79161234567');
  });

  it('when a reply keyboard is malformed, then the send is refused with 400', async () => {
    buyerSim.userSends(BUYER.id, 'привет');
    const send = (markup: unknown) =>
      buyer.api.sendMessage(BUYER.id, 'x', { reply_markup: markup as { remove_keyboard: true } });
    expect((await failure(send({ keyboard: [{ text: 'a' }] }))).description).toMatch(/Array of Arrays/);
    expect((await failure(send({ keyboard: [[{ text: '' }]] }))).error_code).toBe(400);
    expect((await failure(send({ keyboard: [[{ text: 'a', request_contact: 'yes' }]] }))).error_code).toBe(
      400,
    );
    expect((await failure(send({ remove_keyboard: false }))).error_code).toBe(400);
    expect(buyerSim.chat(BUYER.id).messages).toHaveLength(1);
  });

  it('when the control routes name a bot, then the person acts in that bot and reads its chat', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${sim.url}${path}`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json());
    await post('/_sim/start', { bot: BUYER_BOT.username, chat: BUYER.id, payload: 'item_1' });
    await buyer.api.sendMessage(BUYER.id, 'Номер?', {
      reply_markup: { keyboard: [[{ text: 'Дать номер', request_contact: true }]] },
    });
    const pressed = (await post('/_sim/keyboard', {
      bot: BUYER_BOT.username,
      chat: BUYER.id,
      button: 'Дать номер',
    })) as { message: { contact?: { user_id?: number } } };
    expect(pressed.message.contact?.user_id).toBe(BUYER.id);
    const view = (await fetch(`${sim.url}/_sim/chats/${BUYER.id}?bot=${BUYER_BOT.username}`).then((r) =>
      r.json(),
    )) as { messages: Array<{ text?: string }> };
    expect(view.messages.map((m) => m.text)).toEqual(['/start item_1', 'Номер?', undefined]);
    const unknown = await fetch(`${sim.url}/_sim/send`, {
      method: 'POST',
      body: JSON.stringify({ bot: 'nobody_bot', chat: 1, text: 'x' }),
    });
    expect(unknown.status).toBe(400);
  });
});
