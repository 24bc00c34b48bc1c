import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Api, GrammyError, HttpError } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pollUntil } from '../../../sim/common/wait.js';
import { startTelegramSim, type TelegramBotSim, type TelegramSim } from '../../../sim/telegram/index.js';
import { channelErrorOf, telegramBuyerChannel } from '../../../src/bot/buyer/channel.js';
import { createLogger } from '../../../src/logger.js';
import type { Channel } from '../../../src/responder/channel.js';
import type { Store } from '../../../src/store/port.js';
import { openSqliteStore } from '../../../src/store/sqlite/index.js';
import { BUYER, BUYER_BOT, startBuyerBotHarness, StandInInbound } from '../../support/telegram-buyer.js';

const chatId = `tg:${BUYER.id}`;
let sim: TelegramSim;
let botSim: TelegramBotSim;
let store: Store;
let dir: string;
let channel: Channel & { forget(chatId: string): Promise<void> };

beforeEach(async () => {
  sim = await startTelegramSim({ bots: [{ bot: BUYER_BOT, user: BUYER }] });
  botSim = sim.botNamed(BUYER_BOT.username)!;
  botSim.userStarts(BUYER.id);
  dir = mkdtempSync(join(tmpdir(), 'buyer-channel-'));
  store = openSqliteStore({ path: join(dir, 'store.sqlite') });
  // The bare Api (no auto-retry): each failure reaches the channel as Telegram gave it.
  const api = new Api(botSim.token, { apiRoot: sim.url });
  channel = telegramBuyerChannel({
    api,
    kv: store.kv,
    logger: createLogger({ level: 'silent' }),
    ttlMs: 60_000,
  });
});

afterEach(async () => {
  await sim.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const sentTexts = () =>
  botSim
    .chat(BUYER.id)
    .messages.filter((m) => m.from?.id === BUYER_BOT.id)
    .map((m) => m.text);

/** Fails the `n`th sendMessage of the buyer bot with `status` (1-based), then lets the others through. */
function failNthSend(n: number, status: number): void {
  let seen = 0;
  sim.faults.add({
    match: (_req, path) => path === `/bot${botSim.token}/sendMessage` && ++seen === n,
    fault: { kind: 'status', status, retryAfter: 5 },
  });
}

describe('telegram buyer channel: sending', () => {
  it('when an answer is longer than 4096 characters, then it goes as several plain messages, each id known', async () => {
    const long = `${'Первое предложение. '.repeat(150)}\n${'<b>второе</b> & ещё '.repeat(150)}`;
    const outcome = await channel.send(chatId, long);
    const messages = botSim.chat(BUYER.id).messages.filter((m) => m.from?.id === BUYER_BOT.id);
    expect(messages.length).toBeGreaterThan(1);
    expect(messages.every((m) => [...(m.text ?? '')].length <= 4096)).toBe(true);
    // No parse mode: markup-looking text arrives as the characters it is.
    expect(messages.at(-1)?.text).toContain('<b>второе</b> & ещё');
    expect(outcome).toEqual({
      kind: 'sent',
      messageIds: messages.map((m) => `tgb:${BUYER.id}:${m.message_id}`),
    });
    expect((await channel.recentOutgoing(chatId, 10)).map((m) => m.id)).toEqual(
      outcome.kind === 'sent' ? outcome.messageIds : [],
    );
  });

  it('when the buyer blocked the bot, then the send fails for good with the reason the owner will read', async () => {
    botSim.blockBot(BUYER.id);
    const outcome = await channel.send(chatId, 'Здравствуйте!');
    expect(outcome).toEqual({
      kind: 'failed',
      error: {
        transient: false,
        kind: 'blocked',
        message: 'Telegram 403: Forbidden: bot was blocked by the user',
      },
    });
    expect(await channel.recentOutgoing(chatId, 10)).toEqual([]);
  });

  it('when Telegram answers 429 or 5xx, or the connection breaks, then the failure is transient', async () => {
    failNthSend(1, 429);
    expect(await channel.send(chatId, 'a')).toMatchObject({
      kind: 'failed',
      error: { transient: true, kind: 'rate_limited' },
    });
    failNthSend(1, 502);
    expect(await channel.send(chatId, 'b')).toMatchObject({
      kind: 'failed',
      error: { transient: true, kind: 'server' },
    });
    sim.faults.add({ match: `/bot${botSim.token}/sendMessage`, fault: { kind: 'drop' }, times: 1 });
    expect(await channel.send(chatId, 'c')).toMatchObject({
      kind: 'failed',
      error: { transient: true, kind: 'network' },
    });
    expect(sentTexts()).toEqual([]);
  });

  it('when a later part of a long answer fails, then the outcome is partial with the parts that went out', async () => {
    failNthSend(2, 500);
    const outcome = await channel.send(chatId, 'Абзац. '.repeat(1200));
    const first = botSim.chat(BUYER.id).messages.find((m) => m.from?.id === BUYER_BOT.id)!;
    expect(outcome).toMatchObject({
      kind: 'partial',
      messageIds: [`tgb:${BUYER.id}:${first.message_id}`],
      totalParts: 3,
      error: { transient: true, kind: 'server' },
    });
    // What went out is remembered, so a later reconciliation finds it instead of sending it again.
    expect((await channel.recentOutgoing(chatId, 10)).map((m) => m.id)).toEqual([
      `tgb:${BUYER.id}:${first.message_id}`,
    ]);
  });

  it('when the chat is not a Telegram buyer chat or the text is empty, then nothing is sent', async () => {
    expect(await channel.send('u2i-abc', 'x')).toMatchObject({
      kind: 'failed',
      error: { transient: false, kind: 'not_found' },
    });
    expect(await channel.send(chatId, '   ')).toMatchObject({
      kind: 'failed',
      error: { transient: false, kind: 'invalid_request' },
    });
    expect(await channel.send('tg:424242', 'x')).toMatchObject({
      kind: 'failed',
      error: { transient: false, kind: 'not_found' },
    });
    expect(sim.calls.find('/sendMessage').length).toBe(1);
  });

  it('when sends to one chat overlap, then the sent log keeps every one of them, in order, up to its size', async () => {
    await Promise.all(Array.from({ length: 60 }, (_, i) => channel.send(chatId, `ответ ${i}`)));
    const recent = await channel.recentOutgoing(chatId, 100);
    expect(recent).toHaveLength(50);
    expect(recent.at(-1)?.text).toBe('ответ 59');
    expect(recent[0]?.text).toBe('ответ 10');
    expect(await channel.recentOutgoing(chatId, 2)).toEqual(recent.slice(-2));
    await channel.forget(chatId);
    expect(await channel.recentOutgoing(chatId, 10)).toEqual([]);
  });
});

describe('telegram buyer channel: the rest of the port', () => {
  it('when typing is switched on, then the buyer sees the indicator; off and markRead do nothing', async () => {
    await channel.typing!(chatId, true);
    await channel.typing!(chatId, false);
    await channel.markRead(chatId);
    const actions = sim.calls.find('/sendChatAction');
    expect(actions.map((c) => c.body)).toEqual([{ chat_id: BUYER.id, action: 'typing' }]);
    // A failure to show it is nobody's problem.
    botSim.blockBot(BUYER.id);
    await expect(channel.typing!(chatId, true)).resolves.toBeUndefined();
  });

  it('when the capabilities are read, then they are Telegram buyer chats: 4096, typing, no echoes, no seller outside', () => {
    expect(channel.id).toBe('telegram');
    expect(channel.capabilities).toEqual({
      maxTextLength: 4096,
      attachments: false,
      typing: true,
      echoesOwnMessages: false,
      sellerWritesOutside: false,
    });
  });

  it('when grammY errors are classified, then only rate limits, server errors and lost connections are transient', () => {
    const grammy = (code: number, description: string) =>
      new GrammyError('x', { ok: false, error_code: code, description }, 'sendMessage', {});
    expect(channelErrorOf(grammy(400, 'Bad Request: chat not found')).kind).toBe('not_found');
    expect(channelErrorOf(grammy(400, 'Bad Request: message is too long'))).toMatchObject({
      transient: false,
      kind: 'invalid_request',
    });
    expect(channelErrorOf(grammy(403, 'Forbidden: user is deactivated'))).toMatchObject({
      transient: false,
      kind: 'forbidden',
    });
    expect(channelErrorOf(grammy(401, 'Unauthorized'))).toMatchObject({ transient: false, kind: 'auth' });
    expect(channelErrorOf(new HttpError('Network request failed', new Error('ECONNRESET')))).toMatchObject({
      transient: true,
      kind: 'network',
    });
  });
});

describe('telegram buyer channel: in the bot', () => {
  it('when the buyer blocked the bot before an answer, then the answer fails permanently and the bot stays up', async () => {
    let stand: StandInInbound | undefined;
    const h = await startBuyerBotHarness({
      inbound: ({ store: s, channel: c }) => (stand = new StandInInbound(s, c)),
    });
    try {
      h.buyer.start();
      await h.buyer.waitForBot('152-ФЗ');
      h.buyer.says('Есть в наличии?');
      await h.buyer.waitForBot('Ответ продавца');
      await pollUntil(() => stand?.sends.length === 1, { timeoutMs: 5000 });
      h.botSim.blockBot(BUYER.id);
      const outcome = await h.buyerBot.channel.send(chatId, 'Да, есть.');
      expect(outcome).toMatchObject({ kind: 'failed', error: { transient: false, kind: 'blocked' } });
      expect(stand?.sends.map((sent) => sent.outcome.kind)).toEqual(['sent']);
    } finally {
      await h.close();
    }
  });
});
