import { run } from '@grammyjs/runner';
import { Bot, GrammyError, webhookCallback } from 'grammy';
import { afterEach, describe, expect, it } from 'vitest';
import { listen, type RunningServer } from '../../sim/common/server.js';
import { startTelegramSim, type TelegramSim, type TelegramSimOptions } from '../../sim/telegram/index.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(opts: TelegramSimOptions = {}): Promise<{ sim: TelegramSim; bot: Bot }> {
  const sim = await startTelegramSim(opts);
  cleanups.push(() => sim.close());
  const bot = new Bot(sim.token, { client: { apiRoot: sim.url } });
  cleanups.push(async () => {
    if (bot.isRunning()) await bot.stop();
  });
  await bot.init();
  return { sim, bot };
}

async function serve(handler: Parameters<typeof listen>[0]): Promise<RunningServer> {
  const server = await listen(handler);
  cleanups.push(() => server.close());
  return server;
}

describe('telegram sim: long polling', () => {
  it('when the owner writes /start while bot.start() polls, then the handler runs and the offset is confirmed', async () => {
    const { sim, bot } = await setup();
    bot.command('start', (ctx) =>
      ctx.reply(`Hi ${ctx.from?.first_name}, entity ${ctx.entities('bot_command')[0]?.text}`),
    );
    void bot.start({ drop_pending_updates: true });
    await sim.waitFor(() => sim.calls.find('/getUpdates').length > 0);
    const { update } = sim.userSends(sim.user.id, '/start');
    const reply = await sim.waitFor(() => sim.lastBotMessage(sim.user.id));
    expect(reply.text).toBe('Hi Owner, entity /start');
    await bot.stop();
    // bot.stop() confirms the last offset with one more getUpdates.
    expect(sim.pendingUpdates()).toEqual([]);
    const last = sim.calls.find('/getUpdates').at(-1);
    expect(last?.body).toMatchObject({ offset: (update?.update_id ?? 0) + 1 });
  });

  it('when a poll is waiting and an update arrives, then getUpdates returns at once, not after the timeout', async () => {
    const { sim, bot } = await setup();
    const started = Date.now();
    const poll = bot.api.getUpdates({ timeout: 20 });
    await sim.waitFor(() => sim.calls.find('/getUpdates').length > 0);
    setTimeout(() => sim.userSends(sim.user.id, 'hello'), 50);
    const updates = await poll;
    expect(Date.now() - started).toBeLessThan(3000);
    expect(updates.map((u) => u.message?.text)).toEqual(['hello']);
    // Not confirmed yet: the same update comes again until an offset above it is sent.
    expect((await bot.api.getUpdates({ timeout: 0 })).map((u) => u.update_id)).toEqual([
      updates[0]?.update_id,
    ]);
    expect(await bot.api.getUpdates({ offset: (updates[0]?.update_id ?? 0) + 1, timeout: 0 })).toEqual([]);
    expect(sim.pendingUpdates()).toEqual([]);
  });

  it('when a second getUpdates starts while one waits, then the waiting one gets 409 terminated', async () => {
    const { sim, bot } = await setup();
    const first = bot.api.getUpdates({ timeout: 20 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    await sim.waitFor(() => sim.calls.find('/getUpdates').length === 1);
    const second = bot.api.getUpdates({ timeout: 1 });
    const error = await first;
    expect(error).toBeInstanceOf(GrammyError);
    expect((error as GrammyError).error_code).toBe(409);
    expect((error as GrammyError).description).toBe(
      'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
    );
    expect(await second).toEqual([]);
  });

  it('when another instance polls while bot.start() runs, then the bot stops with a 409 GrammyError', async () => {
    const { sim, bot } = await setup();
    const running = bot.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    await sim.waitFor(() => sim.calls.find('/getUpdates').length > 0);
    const other = new Bot(sim.token, { client: { apiRoot: sim.url } });
    const otherPoll = other.api.getUpdates({ timeout: 1 });
    const error = await running;
    expect((error as GrammyError).error_code).toBe(409);
    await otherPoll;
  });

  it('when @grammyjs/runner drives the bot, then updates are handled and stop() is clean', async () => {
    const { sim, bot } = await setup();
    bot.on('message:text', (ctx) => ctx.reply(`echo: ${ctx.message.text}`));
    const runner = run(bot);
    cleanups.push(() => (runner.isRunning() ? runner.stop() : undefined));
    sim.userSends(sim.user.id, 'one');
    sim.userSends(sim.user.id, 'two');
    await sim.waitFor(
      () => sim.chat(sim.user.id).messages.filter((m) => m.text?.startsWith('echo')).length === 2,
    );
    await runner.stop();
    expect(sim.chat(sim.user.id).messages.map((m) => m.text)).toEqual([
      'one',
      'two',
      'echo: one',
      'echo: two',
    ]);
  });

  it('when allowed_updates excludes callback queries, then taps are not delivered', async () => {
    const { sim, bot } = await setup();
    const card = await bot.api.sendMessage(sim.user.id, 'card', {
      reply_markup: { inline_keyboard: [[{ text: 'Go', callback_data: 'go' }]] },
    });
    await bot.api.getUpdates({ allowed_updates: ['message'], timeout: 0 });
    const tap = sim.tap(sim.user.id, card.message_id, 'Go');
    expect(tap.update).toBeUndefined();
    sim.userSends(sim.user.id, 'text');
    expect((await bot.api.getUpdates({ timeout: 0 })).map((u) => Object.keys(u)[1])).toEqual(['message']);
  });
});

describe('telegram sim: callback queries', () => {
  it('when the owner taps a button, then the bot gets callback_query data and the answer is seen', async () => {
    const { sim, bot } = await setup();
    bot.callbackQuery(/^d:send:(\d+)$/, async (ctx) => {
      await ctx.answerCallbackQuery({ text: `sending ${ctx.match[1]}` });
      await ctx.editMessageText('Sent ✓');
    });
    const card = await bot.api.sendMessage(sim.user.id, 'Draft', {
      reply_markup: { inline_keyboard: [[{ text: '✅ Send', callback_data: 'd:send:42' }]] },
    });
    void bot.start();
    const tap = sim.tap(sim.user.id, card.message_id, '✅ Send');
    expect(tap.update?.callback_query).toMatchObject({
      id: tap.id,
      from: { id: sim.user.id },
      data: 'd:send:42',
      message: { message_id: card.message_id, text: 'Draft' },
    });
    const answer = await tap.waitForAnswer();
    expect(answer.text).toBe('sending 42');
    await sim.waitFor(() => sim.chat(sim.user.id).messages[0]?.text === 'Sent ✓');
    expect(sim.chat(sim.user.id).messages[0]?.reply_markup).toBeUndefined();
  });

  it('when a query is answered twice or too late, then "query is too old"', async () => {
    const { sim, bot } = await setup({ callbackAnswerWindowMs: 100 });
    const card = await bot.api.sendMessage(sim.user.id, 'Draft', {
      reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] },
    });
    const tooOld = 'Bad Request: query is too old and response timeout expired or query ID is invalid';
    const first = sim.tap(sim.user.id, card.message_id, 'a');
    expect(first.answered).toBe(false);
    await bot.api.answerCallbackQuery(first.id);
    expect(first.answered).toBe(true);
    await expect(bot.api.answerCallbackQuery(first.id)).rejects.toMatchObject({ description: tooOld });
    const late = sim.tap(sim.user.id, card.message_id, 'A');
    await new Promise((r) => setTimeout(r, 150));
    await expect(bot.api.answerCallbackQuery(late.id)).rejects.toMatchObject({
      error_code: 400,
      description: tooOld,
    });
    expect(late.answered).toBe(false);
    await expect(bot.api.answerCallbackQuery('123')).rejects.toMatchObject({ description: tooOld });
    const tooLong = sim.tap(sim.user.id, card.message_id, 'A');
    await expect(bot.api.answerCallbackQuery(tooLong.id, { text: 'x'.repeat(201) })).rejects.toBeInstanceOf(
      GrammyError,
    );
  });
});

describe('telegram sim: webhook', () => {
  it('when a webhook is set with a secret, then updates are POSTed with the header and getUpdates is refused', async () => {
    const { sim, bot } = await setup();
    const seen: string[] = [];
    bot.on('message:text', async (ctx) => {
      seen.push(ctx.message.text);
      await ctx.reply('got it');
    });
    const handle = webhookCallback(bot, 'http', { secretToken: 'hook_secret-1' });
    const server = await serve((req, res) => void handle(req, res));
    await bot.api.setWebhook(`${server.url}/tg`, { secret_token: 'hook_secret-1' });
    expect(await bot.api.getWebhookInfo()).toMatchObject({
      url: `${server.url}/tg`,
      pending_update_count: 0,
    });
    await expect(bot.api.getUpdates()).rejects.toMatchObject({
      error_code: 409,
      description:
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    });
    sim.userSends(sim.user.id, 'via webhook');
    await sim.waitFor(() => sim.lastBotMessage(sim.user.id)?.text === 'got it');
    expect(seen).toEqual(['via webhook']);
    // The reply can land before the webhook's own 200 is recorded: wait for the delivery to finish.
    await sim.waitFor(() => sim.webhookDeliveries[0]?.ok);
    expect(sim.webhookDeliveries[0]).toMatchObject({
      ok: true,
      status: 200,
      headers: { 'x-telegram-bot-api-secret-token': 'hook_secret-1' },
    });
    await bot.api.deleteWebhook();
    expect(await bot.api.getUpdates({ timeout: 0 })).toEqual([]);
  });

  it('when the webhook answers 500, then Telegram reports the error and redelivers the same update', async () => {
    const { sim, bot } = await setup({ webhook: { baseDelayMs: 200, maxDelayMs: 200 } });
    const received: number[] = [];
    bot.on('message', (ctx) => {
      received.push(ctx.update.update_id);
    });
    const handle = webhookCallback(bot, 'http');
    let failuresLeft = 1;
    const server = await serve((req, res) => {
      if (failuresLeft-- > 0) {
        res.writeHead(500).end();
        return;
      }
      void handle(req, res);
    });
    await bot.api.setWebhook(server.url);
    const { update } = sim.userSends(sim.user.id, 'retry me');
    await sim.waitFor(() => sim.webhookDeliveries.length === 1 && sim.webhookDeliveries[0]?.status === 500);
    const info = await bot.api.getWebhookInfo();
    expect(info.pending_update_count).toBe(1);
    expect(info.last_error_message).toBe('Wrong response from the webhook: 500 Internal Server Error');
    expect(info.last_error_date).toBeGreaterThan(0);
    await sim.waitFor(() => sim.webhookDeliveries[1]?.ok);
    expect(received).toEqual([update?.update_id]);
    expect(sim.webhookDeliveries.map((d) => [d.update_id, d.attempt, d.ok])).toEqual([
      [update?.update_id, 1, false],
      [update?.update_id, 2, true],
    ]);
    expect((await bot.api.getWebhookInfo()).pending_update_count).toBe(0);
  });

  it('when the bot answers in the webhook response body, then Telegram executes that method', async () => {
    const { sim } = await setup();
    const replying = new Bot(sim.token, {
      botInfo: await new Bot(sim.token, { client: { apiRoot: sim.url } }).api.getMe(),
      client: { apiRoot: sim.url, canUseWebhookReply: (method) => method === 'sendMessage' },
    });
    replying.on('message:text', (ctx) => ctx.reply(`webhook reply to ${ctx.message.text}`));
    const handle = webhookCallback(replying, 'http');
    const server = await serve((req, res) => void handle(req, res));
    await replying.api.setWebhook(server.url);
    sim.calls.clear();
    sim.userSends(sim.user.id, 'ping');
    await sim.waitFor(() => sim.lastBotMessage(sim.user.id)?.text === 'webhook reply to ping');
    expect(sim.calls.find('/sendMessage')).toEqual([]);
  });

  it('when the webhook does not answer in time, then the delivery counts as failed and is retried', async () => {
    const { sim, bot } = await setup({ webhook: { timeoutMs: 100, baseDelayMs: 50, maxAttempts: 2 } });
    const server = await serve(() => {
      // never answers
    });
    await bot.api.setWebhook(server.url);
    sim.userSends(sim.user.id, 'slow');
    await sim.waitFor(() => sim.webhookDeliveries.filter((d) => d.error).length === 2, 3000);
    expect(sim.webhookDeliveries[0]?.error).toBe('Read timeout expired');
    // Gave up after maxAttempts: the update is dropped.
    await sim.waitFor(() => sim.webhookInfo().pending_update_count === 0);
  });
});
