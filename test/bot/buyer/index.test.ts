import type { Server } from 'node:http';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../../sim/common/server.js';
import { pollUntil } from '../../../sim/common/wait.js';
import { startTelegramSim } from '../../../sim/telegram/index.js';
import { createTelegramBuyerChannel } from '../../../src/bot/buyer/index.js';
import { loadConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/logger.js';
import { openSqliteStore } from '../../../src/store/sqlite/index.js';
import { startTestService } from '../../support/service.js';
import {
  BUYER,
  BUYER_BOT,
  type BuyerBotHarness,
  startBuyerBotHarness,
} from '../../support/telegram-buyer.js';

let h: BuyerBotHarness | undefined;
let server: Server | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** The buyer bot in webhook mode behind a real Express app on loopback. */
async function startWebhook(): Promise<{ base: string; secret: string }> {
  h = await startBuyerBotHarness({ start: false, env: { PUBLIC_URL: 'http://127.0.0.1:1' } });
  const app = express();
  h.buyerBot.mountWebhook(app);
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  const base = `http://127.0.0.1:${address.port}`;
  (h.config.http as { publicUrl: string }).publicUrl = base;
  await h.buyerBot.start(h.inbound);
  const secret = await h.store.kv.get<string>('telegram:buyer-webhook-secret');
  if (!secret) throw new Error('no secret stored');
  return { base, secret };
}

const update = (updateId: number, text: string) => ({
  update_id: updateId,
  message: {
    message_id: updateId,
    date: 1_800_000_000,
    chat: { id: BUYER.id, type: 'private', first_name: 'Анна' },
    from: { id: BUYER.id, is_bot: false, first_name: 'Анна' },
    text,
  },
});

describe('telegram buyer bot: connecting', () => {
  it('when PUBLIC_URL is set, then the webhook is its own secret path with the secret header, and buyers are served through it', async () => {
    const { base, secret } = await startWebhook();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(h!.botSim.webhookInfo().url).toBe(`${base}/telegram/buyer/${secret}`);
    // The owner's bot is not touched by the buyer bot's connection.
    expect(h!.sim.webhookInfo().url).toBe('');
    h!.buyer.start();
    await h!.buyer.waitForBot('Я помощник продавца');
    await pollUntil(() => h!.botSim.webhookDeliveries.at(-1)?.ok, { timeoutMs: 5000 });
    expect(h!.botSim.webhookDeliveries.at(-1)?.headers['x-telegram-bot-api-secret-token']).toBe(secret);
    // The secret never reaches the logs.
    expect(h!.logs.join('\n')).not.toContain(secret);
  });

  it('when an update comes with a wrong path or header secret, then it is refused with 401 and not handled', async () => {
    const { base, secret } = await startWebhook();
    const stand = { events: h!.received };
    const post = (path: string, header: string | undefined, body: unknown) =>
      fetch(`${base}/telegram/buyer/${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(header ? { 'x-telegram-bot-api-secret-token': header } : {}),
        },
        body: JSON.stringify(body),
      });
    expect((await post(`${secret}x`, secret, update(1, 'вопрос'))).status).toBe(401);
    expect((await post(secret, 'wrong', update(2, 'вопрос'))).status).toBe(401);
    expect((await post(secret, undefined, update(3, 'вопрос'))).status).toBe(401);
    expect((await post('wrong', 'wrong', update(4, 'вопрос'))).status).toBe(401);
    expect(stand.events).toEqual([]);
    // With both secrets the same update is taken, once however often it is delivered.
    expect((await post(secret, secret, update(5, 'вопрос'))).status).toBe(200);
    expect((await post(secret, secret, update(5, 'вопрос'))).status).toBe(200);
    expect(stand.events.map((e) => e.messageId)).toEqual([`tgb:${BUYER.id}:5`]);
    expect((await post(secret, secret, [1, 2])).status).toBe(400);
    await h!.buyerBot.stop();
    expect((await post(secret, secret, update(6, 'ещё'))).status).toBe(503);
  });

  it('when the bot starts, then buyers see their own commands in Russian and English, and the owner bot keeps its own', async () => {
    h = await startBuyerBotHarness();
    expect(h.botSim.commands().map((c) => c.command)).toEqual(['start', 'contact', 'help']);
    expect(h.botSim.commands(undefined, 'en').map((c) => c.description)).toEqual([
      'Start',
      'Leave your name and phone',
      'What the bot does',
    ]);
    expect(h.sim.commands()).toEqual([]);
  });

  it('when the token is missing, then building the buyer bot says to build it only when enabled', () => {
    const store = openSqliteStore({ path: ':memory:' });
    expect(() =>
      createTelegramBuyerChannel({
        config: loadConfig({}),
        store,
        logger: createLogger({ level: 'silent' }),
      }),
    ).toThrow(/TELEGRAM_BUYER_BOT_TOKEN is not set/);
    void store.close();
  });
});

describe('telegram buyer bot in the service', () => {
  it('when TELEGRAM_BUYER_BOT_TOKEN is set, then the service builds the buyer bot beside the owner bot and stops cleanly', async () => {
    const sim = await startTelegramSim({ bots: [{ bot: BUYER_BOT, user: BUYER }] });
    const service = await startTestService({
      TELEGRAM_BOT_TOKEN: sim.token,
      TELEGRAM_OWNER_IDS: String(sim.user.id),
      TELEGRAM_BUYER_BOT_TOKEN: sim.botNamed(BUYER_BOT.username)!.token,
      TELEGRAM_API_ROOT: sim.url,
    });
    try {
      expect(service.logs.some((l) => l.includes('"module":"buyer-bot"') || l.includes('buyer bot'))).toBe(
        true,
      );
    } finally {
      await service.dispose();
      await sim.close();
    }
  });

  it('when Telegram cannot be reached at start-up, then the service starts anyway, /ready says the buyer bot is connecting, and it connects once Telegram is back', async () => {
    const port = await freePort();
    const token = `${BUYER_BOT.id}:${'B'.repeat(35)}`;
    const service = await startTestService({
      TELEGRAM_BUYER_BOT_TOKEN: token,
      TELEGRAM_API_ROOT: `http://127.0.0.1:${port}`,
    });
    let sim: Awaited<ReturnType<typeof startTelegramSim>> | undefined;
    try {
      const readiness = async () => (await service.readiness.report()).checks['telegram-buyer'];
      expect(await readiness()).toMatchObject({
        status: 'degraded',
        detail: expect.stringMatching(/^connecting/),
      });
      expect(service.logs.some((l) => l.includes('telegram unreachable; retrying'))).toBe(true);

      sim = await startTelegramSim({ port, bots: [{ bot: BUYER_BOT, user: BUYER, token }] });
      await pollUntil(async () => (await readiness())?.status === 'ok', {
        timeoutMs: 10_000,
        what: 'the buyer bot connected',
      });
      // Connected means taking updates: a buyer's /start is answered.
      const botSim = sim.botNamed(BUYER_BOT.username)!;
      botSim.userStarts({ user: BUYER, chat: { id: BUYER.id } });
      await pollUntil(() => botSim.chat(BUYER.id).messages.some((m) => m.from?.id === BUYER_BOT.id), {
        timeoutMs: 10_000,
        what: 'the greeting',
      });
    } finally {
      await service.dispose();
      await sim?.close();
    }
  });
});
