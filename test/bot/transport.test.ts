import { type Server } from 'node:http';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, seedDraft, startHarness } from './harness.js';

let h: Harness;
let server: Server | undefined;
afterEach(async () => {
  if (server) {
    server.closeAllConnections();
    await new Promise((r) => server!.close(r));
    server = undefined;
  }
  await h.dispose();
});

describe('flood control', () => {
  it('when sendMessage gets 429 with retry_after 1, then auto-retry waits and the card is still sent once', async () => {
    h = await startHarness({ start: false });
    await h.handle.bot.init();
    h.sim.faults.add({
      match: '/sendMessage',
      fault: { kind: 'status', status: 429, retryAfter: 1 },
      times: 1,
    });
    const started = Date.now();
    const ref = await h.handle.notifier.syncCard(await seedDraft(h.store));
    expect(ref).not.toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const sends = h.sim.calls.records.filter((c) => c.path.endsWith('/sendMessage'));
    expect(sends.map((c) => c.status)).toEqual([429, 200]);
    expect(h.sim.chat(h.owner).messages).toHaveLength(1);
  });
});

const TOKEN_ALERT = { kind: 'avito-token', cause: 'auth', reason: '401' } as const;

describe('owner alerts under flood limits', () => {
  it('when sendMessage keeps getting 429 past auto-retry, then the alert is still delivered once, a few seconds later', async () => {
    h = await startHarness({ start: false });
    await h.handle.bot.init();
    // auto-retry gives one call 1 + 3 tries; the alert's next round gets through.
    h.sim.faults.add({
      match: '/sendMessage',
      fault: { kind: 'status', status: 429, retryAfter: 0 },
      times: 5,
    });
    await h.handle.notifier.alert('avito:token', { kind: 'avito-token', cause: 'other', reason: 'HTTP 503' });
    const sends = h.sim.calls.records.filter((c) => c.path.endsWith('/sendMessage'));
    expect(sends.map((c) => c.status)).toEqual([429, 429, 429, 429, 429, 200]);
    expect(h.sim.chat(h.owner).messages.map((m) => m.text)).toEqual([
      '⚠️ Avito: не удаётся получить токен. HTTP 503',
    ]);
  }, 20_000);

  it('when Telegram refuses the alert outright (400), then it is not retried and the next alert may try again', async () => {
    h = await startHarness({ start: false });
    await h.handle.bot.init();
    h.sim.faults.add({ match: '/sendMessage', fault: { kind: 'status', status: 400 }, times: 1 });
    await expect(h.handle.notifier.alert('avito:token', TOKEN_ALERT)).rejects.toThrow();
    expect(h.sim.calls.records.filter((c) => c.path.endsWith('/sendMessage'))).toHaveLength(1);
    await h.handle.notifier.alert('avito:token', TOKEN_ALERT);
    expect(h.sim.chat(h.owner).messages).toHaveLength(1);
  });
});

describe('webhook mode', () => {
  async function startWebhook(): Promise<string> {
    const app = express();
    h.handle.mountWebhook(app);
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    return `http://127.0.0.1:${address.port}`;
  }

  it('when PUBLIC_URL is set, then the webhook is registered with a stored secret and updates with it are handled', async () => {
    // The public URL must be known before the bot starts: reserve the port with the app first.
    h = await startHarness({ start: false, env: { PUBLIC_URL: 'http://127.0.0.1:1' } });
    const base = await startWebhook();
    (h.config.http as { publicUrl: string }).publicUrl = base;
    await h.handle.start();
    const info = h.sim.webhookInfo();
    expect(info.url).toBe(`${base}/telegram/webhook`);
    const secret = await h.store.kv.get<string>('telegram:webhook-secret');
    expect(secret).toMatch(/^[A-Za-z0-9_-]{40,}$/);

    h.sim.userSends(h.owner, '/pause');
    await h.sim.waitFor(() => h.sim.lastBotMessage(h.owner)?.text?.includes('Пауза'), 5000);
    expect((await h.store.settings.get()).paused).toBe(true);
    await h.sim.waitFor(() => h.sim.webhookDeliveries.at(-1)?.ok);
    expect(h.sim.webhookDeliveries.at(-1)).toMatchObject({ ok: true, status: 200 });
    expect(h.sim.webhookDeliveries.at(-1)?.headers['x-telegram-bot-api-secret-token']).toBe(secret);
  });

  it('when an update arrives with a wrong or missing secret, then it is refused with 401 and not processed', async () => {
    h = await startHarness({
      start: false,
      env: { PUBLIC_URL: 'http://127.0.0.1:1', TELEGRAM_WEBHOOK_SECRET: 'right-secret-0123456789' },
    });
    await h.handle.bot.init();
    const base = await startWebhook();
    const update = {
      update_id: 1,
      message: {
        message_id: 1,
        date: 0,
        chat: { id: h.owner, type: 'private', first_name: 'Owner' },
        from: { id: h.owner, is_bot: false, first_name: 'Owner' },
        text: '/pause',
        entities: [{ type: 'bot_command', offset: 0, length: 6 }],
      },
    };
    const post = (secret?: string) =>
      fetch(`${base}/telegram/webhook`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}),
        },
        body: JSON.stringify(update),
      });
    expect((await post('wrong-secret-0123456789')).status).toBe(401);
    expect((await post()).status).toBe(401);
    expect((await h.store.settings.get()).paused).toBeUndefined();
    expect(h.sim.chat(h.owner).messages).toHaveLength(0);
  });
});
