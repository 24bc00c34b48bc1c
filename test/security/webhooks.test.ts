import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramSim, type TelegramSim } from '../../sim/telegram/index.js';
import { secretEquals } from '../../src/lib/secrets.js';
import { startTestService, type TestService } from '../support/service.js';

const SECRET = 'tg_webhook_secret_0123456789';

describe('secretEquals', () => {
  it('when secrets differ in content or length or are missing, then only the exact value matches', () => {
    expect(secretEquals(SECRET, SECRET)).toBe(true);
    expect(secretEquals(`${SECRET}x`, SECRET)).toBe(false);
    expect(secretEquals(SECRET.slice(0, -1), SECRET)).toBe(false);
    expect(secretEquals('', SECRET)).toBe(false);
    expect(secretEquals(undefined, SECRET)).toBe(false);
    // Same length, one character off; and the same byte length from other characters (UTF-8).
    expect(secretEquals(`${SECRET.slice(0, -1)}8`, SECRET)).toBe(false);
    expect(secretEquals('é', 'ab')).toBe(false);
    expect(secretEquals('ключ', 'ключ')).toBe(true);
  });
});

describe('Telegram webhook route limits', () => {
  let telegram: TelegramSim;
  let svc: TestService;
  beforeAll(async () => {
    telegram = await startTelegramSim();
    svc = await startTestService({
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_OWNER_IDS: String(telegram.user.id),
      TELEGRAM_API_ROOT: telegram.url,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
    });
    // Connected: the route takes updates (before that it answers 503 and Telegram comes again).
    await svc.bot!.start();
  });
  afterAll(async () => {
    await svc.dispose();
    await telegram.close();
  });

  const post = (secret: string, body: string) =>
    fetch(`${svc.http.url}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
      body,
    });
  const big = JSON.stringify({ update_id: 1, pad: 'x'.repeat(2 * 1024 * 1024) });

  it('when the body is over 1 MB with the right secret, then 413 body_too_large', async () => {
    const res = await post(SECRET, big);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: 'body_too_large' });
  });

  it('when the secret is wrong, then 401 before the body is read, whatever its size', async () => {
    const res = await post(`${SECRET}x`, big);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'unauthorized' });
  });
});
