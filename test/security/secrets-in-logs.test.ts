import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AvitoSim, startAvitoSim } from '../../sim/avito/index.js';
import { type GeminiSim, startGeminiSim } from '../../sim/gemini/index.js';
import { startTelegramSim, type TelegramSim } from '../../sim/telegram/index.js';
import { secretsOf } from '../../src/config.js';
import { eventually, startTestService, type TestService } from '../support/service.js';
import { base64Key, hexKey } from './helpers.js';

const AVITO_WEBHOOK_SECRET = 'avito_webhook_secret_0123456789abcdef';
const TELEGRAM_WEBHOOK_SECRET = 'tg_webhook_secret_0123456789';
const ADMIN_TOKEN = 'admin_token_0123456789abcdef';
const DATA_ENCRYPTION_KEY = base64Key();
const DATA_ENCRYPTION_KEY_PREVIOUS = hexKey();

describe('secrets never reach the log (every secret configured, simulators, debug level)', () => {
  let avito: AvitoSim;
  let gemini: GeminiSim;
  let telegram: TelegramSim;
  let svc: TestService;
  let secrets: Record<string, string>;

  beforeAll(async () => {
    avito = await startAvitoSim();
    gemini = await startGeminiSim();
    telegram = await startTelegramSim();
    secrets = {
      AVITO_CLIENT_SECRET: avito.env.AVITO_CLIENT_SECRET!,
      AVITO_WEBHOOK_SECRET,
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_WEBHOOK_SECRET,
      GEMINI_API_KEY: gemini.apiKey,
      ADMIN_TOKEN,
      DATA_ENCRYPTION_KEY,
      DATA_ENCRYPTION_KEY_PREVIOUS,
    };
    svc = await startTestService({
      ...avito.env,
      ...secrets,
      GEMINI_BASE_URL: gemini.url,
      TELEGRAM_OWNER_IDS: String(telegram.user.id),
      TELEGRAM_API_ROOT: telegram.url,
      LOG_LEVEL: 'trace',
    });
    await svc.avito!.client.subscribe(`${svc.http.url}/avito/webhook/${AVITO_WEBHOOK_SECRET}`);
  });
  afterAll(async () => {
    await svc?.dispose();
    await Promise.all([avito?.close(), gemini?.close(), telegram?.close()]);
  });

  it('when the service is driven through its secret-bearing paths, then no log line contains any secret value', async () => {
    // Every configured secret is on the logger's scrub list (a new secret must be added to secretsOf).
    expect(secretsOf(svc.config)).toEqual(expect.arrayContaining(Object.values(secrets)));

    // Wrong webhook secrets: Avito gets the plain 404 (no hint the route exists), Telegram a 401.
    const wrongAvito = await fetch(`${svc.http.url}/avito/webhook/${AVITO_WEBHOOK_SECRET}x`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(wrongAvito.status).toBe(404);
    expect(await wrongAvito.json()).toEqual({ error: 'not_found' });
    const wrongTelegram = await fetch(`${svc.http.url}/telegram/webhook`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-telegram-bot-api-secret-token': 'nope-nope-nope-nope',
      },
      body: '{}',
    });
    expect(wrongTelegram.status).toBe(401);

    // Admin: a wrong Bearer, and the ?token= login whose URL carries the token itself.
    expect(
      (await fetch(`${svc.http.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}-x` } }))
        .status,
    ).toBe(401);
    const login = await fetch(`${svc.http.url}/admin/jobs/?token=${ADMIN_TOKEN}`, { redirect: 'manual' });
    expect(login.status).toBe(303);

    // A Telegram file download (the file URL carries the bot token), ingested into the knowledge base.
    telegram.userSends(telegram.user.id, '/upload');
    await telegram.waitFor(() => telegram.lastBotMessage(telegram.user.id)?.text?.includes('Пришлите'));
    telegram.userSendsDocument({
      to: telegram.user.id,
      fileName: 'Доставка.txt',
      mimeType: 'text/plain',
      bytes: 'Доставка по Москве курьером стоит 500 рублей.',
    });
    const ask = await telegram.waitFor(() => {
      const m = telegram.lastBotMessage(telegram.user.id);
      return m?.text?.includes('Доставка.txt') && telegram.findButton(telegram.user.id, '📚 Общий')
        ? m
        : null;
    });
    await telegram.tap(telegram.user.id, ask.message_id, '📚 Общий').waitForAnswer();
    await telegram.waitFor(
      () =>
        telegram
          .chat(telegram.user.id)
          .messages.find((m) => m.message_id === ask.message_id)
          ?.text?.includes('готово'),
      10_000,
    );
    expect(telegram.calls.find(/\/file\/bot/).length).toBeGreaterThan(0);

    // A failing Gemini call whose error text echoes the API key, as a misbehaving upstream might.
    gemini.faults.add({
      match: /generateContent$/i,
      fault: { kind: 'status', status: 400, message: `API key not valid: ${gemini.apiKey}` },
    });
    const listing = avito.seedListing({ title: 'Диван угловой', price: 54900 });
    await avito.buyerWrites({
      itemId: listing.id,
      buyer: { name: 'Анна' },
      text: 'Сколько стоит доставка по Москве?',
    });
    await eventually(
      () => telegram.lastBotMessage(telegram.user.id)?.text?.includes('Сколько стоит доставка'),
      10_000,
    );
    expect(gemini.calls.find(/generateContent$/i).some((c) => c.status === 400)).toBe(true);
    // The refused key is alerted to the owner, without the key the upstream echoed.
    const alert = await eventually(
      () => telegram.chat(telegram.user.id).messages.find((m) => m.text?.includes('GEMINI_API_KEY')),
      10_000,
    );
    expect(alert.text).toContain('[redacted]');
    expect(telegram.chat(telegram.user.id).messages.some((m) => m.text?.includes(gemini.apiKey))).toBe(false);

    await svc.stop();
    const logs = svc.logs.join('');
    // The paths above really were logged (so the scan below has something to look at).
    expect(logs).toContain('telegram webhook: wrong secret');
    expect(logs).toContain('model call failed');
    expect(logs).toContain('upload indexed');
    const leaked = Object.entries(secrets)
      .filter(([, value]) => logs.includes(value))
      .map(([name]) => name);
    expect(leaked).toEqual([]);
  });
});
