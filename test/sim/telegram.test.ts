import { Bot } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTelegramSim, type TelegramSim } from '../../sim/telegram/index.js';
import { grammyFailure as failure } from '../support/grammy-failure.js';

let sim: TelegramSim;
let bot: Bot;

beforeEach(async () => {
  sim = await startTelegramSim({ chats: [{ id: 2002, first_name: 'Staff' }] });
  bot = new Bot(sim.token, { client: { apiRoot: sim.url } });
  await bot.init();
});

afterEach(async () => {
  if (bot.isRunning()) await bot.stop();
  await sim.close();
});

const owner = () => sim.user.id;

describe('telegram sim: sending', () => {
  it('when the bot sends a message, then the result and the owner see a realistic message', async () => {
    const before = Math.floor(Date.now() / 1000);
    const sent = await bot.api.sendMessage(owner(), 'Hello');
    expect(sent).toMatchObject({
      message_id: 1,
      from: { id: sim.bot.id, is_bot: true, username: sim.bot.username },
      chat: { id: owner(), type: 'private', first_name: 'Owner' },
      text: 'Hello',
    });
    expect(sent.date).toBeGreaterThanOrEqual(before);
    expect(sent.date).toBeLessThan(before + 5);
    const second = await bot.api.sendMessage(owner(), 'Again');
    expect(second.message_id).toBe(2);
    expect(sim.chat(owner()).messages.map((m) => m.text)).toEqual(['Hello', 'Again']);
    expect(sim.lastBotMessage(owner())?.text).toBe('Again');
    expect(bot.botInfo.username).toBe(sim.bot.username);
  });

  it('when HTML is well formed, then entities come back with UTF-16 offsets', async () => {
    const sent = await bot.api.sendMessage(
      owner(),
      '👍 <b>Цена</b> &lt;5&gt; &amp; <a href="https://avito.ru/x">лот</a>',
      {
        parse_mode: 'HTML',
      },
    );
    expect(sent.text).toBe('👍 Цена <5> & лот');
    expect(sent.entities).toEqual([
      { type: 'bold', offset: 3, length: 4 },
      { type: 'text_link', offset: 14, length: 3, url: 'https://avito.ru/x' },
    ]);
  });

  it('when buyer text with a raw "<" is sent as HTML, then Telegram refuses to parse entities', async () => {
    const error = await failure(bot.api.sendMessage(owner(), 'Price <5000 rub>', { parse_mode: 'HTML' }));
    expect(error.error_code).toBe(400);
    expect(error.description).toBe(
      'Bad Request: can\'t parse entities: Unsupported start tag "5000" at byte offset 6',
    );
    const unclosed = await failure(bot.api.sendMessage(owner(), '<b>bold', { parse_mode: 'HTML' }));
    expect(unclosed.description).toBe(
      'Bad Request: can\'t parse entities: Can\'t find end tag corresponding to start tag "b"',
    );
    const crossed = await failure(bot.api.sendMessage(owner(), '<b><i>x</b></i>', { parse_mode: 'HTML' }));
    expect(crossed.description).toContain(
      'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"',
    );
    const span = await failure(bot.api.sendMessage(owner(), '<span>x</span>', { parse_mode: 'HTML' }));
    expect(span.description).toContain('Tag "span" must have class "tg-spoiler"');
    expect(sim.chat(owner()).messages).toHaveLength(0);
  });

  it('when an ampersand does not start an entity, then it stays literal (strict mode refuses it)', async () => {
    const sent = await bot.api.sendMessage(owner(), 'AT&T &copy; &#x41;', { parse_mode: 'HTML' });
    expect(sent.text).toBe('AT&T &copy; A');
    const strict = await startTelegramSim({ html: { strictAmpersand: true } });
    try {
      const strictBot = new Bot(strict.token, { client: { apiRoot: strict.url } });
      const error = await failure(strictBot.api.sendMessage(strict.user.id, 'AT&T', { parse_mode: 'HTML' }));
      expect(error.description).toMatch(/^Bad Request: can't parse entities: /);
    } finally {
      await strict.close();
    }
  });

  it('when the text is empty or over 4096 code points, then the real errors come back', async () => {
    expect((await failure(bot.api.sendMessage(owner(), '   '))).description).toBe(
      'Bad Request: message text is empty',
    );
    expect((await failure(bot.api.sendMessage(owner(), '<b></b>', { parse_mode: 'HTML' }))).description).toBe(
      'Bad Request: message text is empty',
    );
    expect((await failure(bot.api.sendMessage(owner(), 'я'.repeat(4097)))).description).toBe(
      'Bad Request: message is too long',
    );
    // 4096 emoji are 8192 UTF-16 units but 4096 characters: allowed.
    const emoji = await bot.api.sendMessage(owner(), '😀'.repeat(4096));
    expect([...(emoji.text ?? '')]).toHaveLength(4096);
    // Tags do not count: the limit applies after entity parsing.
    await bot.api.sendMessage(owner(), `<b>${'a'.repeat(4096)}</b>`, { parse_mode: 'HTML' });
  });

  it('when callback_data is over 64 bytes, then BUTTON_DATA_INVALID; 64 bytes pass', async () => {
    const tooLong = 'д'.repeat(33); // 66 bytes, 33 characters
    const error = await failure(
      bot.api.sendMessage(owner(), 'card', {
        reply_markup: { inline_keyboard: [[{ text: 'Send', callback_data: tooLong }]] },
      }),
    );
    expect(error.description).toBe('Bad Request: BUTTON_DATA_INVALID');
    const ok = await bot.api.sendMessage(owner(), 'card', {
      reply_markup: { inline_keyboard: [[{ text: 'Send', callback_data: 'д'.repeat(32) }]] },
    });
    expect(ok.reply_markup?.inline_keyboard[0]?.[0]).toEqual({ text: 'Send', callback_data: 'д'.repeat(32) });
    const textOnly = await failure(
      bot.api.raw.sendMessage({
        chat_id: owner(),
        text: 'x',
        reply_markup: { inline_keyboard: [[{ text: 'plain' } as never]] },
      }),
    );
    expect(textOnly.description).toContain('Text buttons are unallowed in the inline keyboard');
  });

  it('when replying to a message that does not exist, then it fails unless sending without reply is allowed', async () => {
    const question = sim.userSends(owner(), 'Where is my order?').message;
    const reply = await bot.api.sendMessage(owner(), 'On its way', {
      reply_parameters: { message_id: question.message_id },
    });
    expect(reply.reply_to_message).toMatchObject({
      message_id: question.message_id,
      text: 'Where is my order?',
    });
    const error = await failure(bot.api.sendMessage(owner(), 'x', { reply_parameters: { message_id: 999 } }));
    expect(error.description).toBe('Bad Request: message to be replied not found');
    const loose = await bot.api.sendMessage(owner(), 'x', {
      reply_parameters: { message_id: 999, allow_sending_without_reply: true },
    });
    expect(loose.reply_to_message).toBeUndefined();
  });

  it('when the chat is unknown or the user blocked the bot, then 400 chat not found / 403 Forbidden', async () => {
    const missing = await failure(bot.api.sendMessage(424242, 'hi'));
    expect([missing.error_code, missing.description]).toEqual([400, 'Bad Request: chat not found']);
    sim.blockBot(2002);
    const blocked = await failure(bot.api.sendMessage(2002, 'hi'));
    expect([blocked.error_code, blocked.description]).toEqual([
      403,
      'Forbidden: bot was blocked by the user',
    ]);
    expect(sim.pendingUpdates().at(-1)?.my_chat_member?.new_chat_member.status).toBe('kicked');
    sim.unblockBot(2002);
    await bot.api.sendMessage(2002, 'hi again');
  });
});

describe('telegram sim: editing and deleting', () => {
  const keyboard = { inline_keyboard: [[{ text: '✅ Send', callback_data: 'd:send:1' }]] };

  it('when an edit changes nothing, then "message is not modified"; a changed keyboard is an edit', async () => {
    const card = await bot.api.sendMessage(owner(), '<b>Draft</b>', {
      parse_mode: 'HTML',
      reply_markup: keyboard,
    });
    const same = await failure(
      bot.api.editMessageText(owner(), card.message_id, '<b>Draft</b>', {
        parse_mode: 'HTML',
        reply_markup: keyboard,
      }),
    );
    expect(same.description).toBe(
      'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
    );
    // Same text but without the bold entity is a different content.
    await bot.api.editMessageText(owner(), card.message_id, 'Draft', { reply_markup: keyboard });
    const markupSame = await failure(
      bot.api.editMessageReplyMarkup(owner(), card.message_id, { reply_markup: keyboard }),
    );
    expect(markupSame.description).toMatch(/^Bad Request: message is not modified/);
    const edited = await bot.api.editMessageReplyMarkup(owner(), card.message_id, {
      reply_markup: { inline_keyboard: [[{ text: 'Sent ✓', callback_data: 'noop' }]] },
    });
    expect(edited).not.toBe(true);
    expect(sim.findButton(owner(), 'Sent ✓')?.messageId).toBe(card.message_id);
    expect(sim.findButton(owner(), '✅ Send')).toBeUndefined();
  });

  it('when editMessageText omits reply_markup, then the keyboard disappears as on Telegram', async () => {
    const card = await bot.api.sendMessage(owner(), 'Draft', { reply_markup: keyboard });
    const edited = await bot.api.editMessageText(owner(), card.message_id, 'Sent');
    expect(edited).toMatchObject({ text: 'Sent', edit_date: expect.any(Number) });
    const seen = sim.chat(owner()).messages[0];
    expect(seen?.text).toBe('Sent');
    expect(seen?.reply_markup).toBeUndefined();
  });

  it('when the owner deleted the card, then edits get "message to edit not found"', async () => {
    const card = await bot.api.sendMessage(owner(), 'Draft', { reply_markup: keyboard });
    sim.userDeletes(owner(), card.message_id);
    const error = await failure(bot.api.editMessageText(owner(), card.message_id, 'New'));
    expect(error.description).toBe('Bad Request: message to edit not found');
    const markup = await failure(bot.api.editMessageReplyMarkup(owner(), card.message_id));
    expect(markup.description).toBe('Bad Request: message to edit not found');
    const other = await bot.api.sendMessage(owner(), 'Other');
    expect(await bot.api.deleteMessage(owner(), other.message_id)).toBe(true);
    const again = await failure(bot.api.deleteMessage(owner(), other.message_id));
    expect(again.description).toBe('Bad Request: message to delete not found');
    expect(sim.chat(owner()).messages).toEqual([]);
  });

  it("when the bot edits the user's message, then Telegram says it can't be edited", async () => {
    const mine = sim.userSends(owner(), 'hello').message;
    const error = await failure(bot.api.editMessageText(owner(), mine.message_id, 'changed'));
    expect(error.description).toBe("Bad Request: message can't be edited");
  });
});

describe('telegram sim: wire format', () => {
  it('when the token is wrong, then 401 Unauthorized', async () => {
    const stranger = new Bot('123:wrong', { client: { apiRoot: sim.url } });
    const error = await failure(stranger.api.getMe());
    expect([error.error_code, error.description]).toEqual([401, 'Unauthorized']);
  });

  it('when the method does not exist, then 404 Not Found; method names are case-insensitive', async () => {
    const res = await fetch(`${sim.url}/bot${sim.token}/sendTelepathy`, { method: 'POST' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ ok: false, error_code: 404, description: 'Not Found' });
    const lower = await fetch(`${sim.url}/bot${sim.token}/getme`);
    expect(await lower.json()).toMatchObject({ ok: true, result: { id: sim.bot.id } });
  });

  it('when parameters come as a GET query or a urlencoded form, then they work like JSON', async () => {
    const markup = JSON.stringify({ inline_keyboard: [[{ text: 'Go', callback_data: 'go' }]] });
    const viaGet = await fetch(
      `${sim.url}/bot${sim.token}/sendMessage?chat_id=${owner()}&text=${encodeURIComponent('<i>hi</i>')}&parse_mode=HTML&reply_markup=${encodeURIComponent(markup)}`,
    );
    expect(await viaGet.json()).toMatchObject({
      ok: true,
      result: {
        text: 'hi',
        entities: [{ type: 'italic' }],
        reply_markup: { inline_keyboard: [[{ text: 'Go' }]] },
      },
    });
    const viaForm = await fetch(`${sim.url}/bot${sim.token}/sendMessage`, {
      method: 'POST',
      body: new URLSearchParams({ chat_id: String(owner()), text: 'form' }),
    });
    expect(await viaForm.json()).toMatchObject({ ok: true, result: { message_id: 2, text: 'form' } });
  });

  it('when commands are set, then getMyCommands returns them per scope and invalid ones are refused', async () => {
    await bot.api.setMyCommands([{ command: 'mode', description: 'auto or review' }]);
    await bot.api.setMyCommands([{ command: 'status', description: 'Статус' }], { language_code: 'ru' });
    expect(await bot.api.getMyCommands()).toEqual([{ command: 'mode', description: 'auto or review' }]);
    expect(sim.commands(undefined, 'ru')).toEqual([{ command: 'status', description: 'Статус' }]);
    const bad = await failure(bot.api.setMyCommands([{ command: 'Bad-Command', description: 'x' }]));
    expect(bad.description).toBe('Bad Request: BOT_COMMAND_INVALID');
  });

  it('when calls are made, then each is logged with method, path, body and status', async () => {
    sim.calls.clear();
    await bot.api.sendMessage(owner(), 'logged');
    await failure(bot.api.sendMessage(31337, 'nobody'));
    const sends = sim.calls.find('/sendMessage', 'POST');
    expect(sends).toHaveLength(2);
    expect(sends[0]).toMatchObject({ body: { chat_id: owner(), text: 'logged' }, status: 200 });
    expect(sends[1]?.status).toBe(400);
    expect(typeof sends[0]?.time).toBe('number');
  });
});
