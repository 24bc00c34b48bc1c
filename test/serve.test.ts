import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type AvitoSim, startAvitoSim } from '../sim/avito/index.js';
import { pollUntil } from '../sim/common/wait.js';
import { startTelegramSim, type TelegramSim } from '../sim/telegram/index.js';
import { AVITO_SECRET, freePort, ServiceProcess, StoreView } from './faults/harness.js';

const TOKEN = '7000000042:AAAh-9Rnub_dfIZPJfEZxSMCblzSNqiwMud';
const OWNER = 4242;

interface TelegramCheck {
  status: string;
  detail?: string;
}

describe('the service process when Telegram cannot be reached at start-up', () => {
  let avito: AvitoSim | undefined;
  let telegram: TelegramSim | undefined;
  let service: ServiceProcess | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await service?.kill('SIGKILL');
    await Promise.all([avito?.close(), telegram?.close()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const telegramCheck = async (url: string): Promise<TelegramCheck> => {
    const body = (await (await fetch(`${url}/ready`)).json()) as { checks: { telegram: TelegramCheck } };
    return body.checks.telegram;
  };

  it('when Telegram is down, then Avito webhooks are served, retries are logged, /ready says so, it connects once Telegram is back and SIGTERM stops it gracefully', async () => {
    avito = await startAvitoSim();
    dir = mkdtempSync(join(tmpdir(), 'serve-'));
    const [port, telegramPort] = [await freePort(), await freePort()];
    const url = `http://127.0.0.1:${port}`;
    service = await ServiceProcess.start(
      {
        NODE_ENV: 'production',
        LOG_LEVEL: 'info',
        PORT: String(port),
        HOST: '127.0.0.1',
        PUBLIC_URL: url,
        DATA_DIR: join(dir, 'data'),
        DOCS_DIR: join(dir, 'knowledge'),
        ...avito.env,
        AVITO_WEBHOOK_SECRET: AVITO_SECRET,
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_OWNER_IDS: String(OWNER),
        // Nothing listens here yet: every call is refused.
        TELEGRAM_API_ROOT: `http://127.0.0.1:${telegramPort}`,
      },
      port,
    );

    // Avito: subscribed and a buyer's message is taken and stored, Telegram or not.
    const hook = `${url}/avito/webhook/${AVITO_SECRET}`;
    await pollUntil(() => avito!.subscriptions().includes(hook), { timeoutMs: 20_000, what: 'subscription' });
    const listing = avito.seedListing({ title: 'Диван', price: 10_000 });
    const written = await avito.buyerWrites({
      itemId: listing.id,
      buyer: { name: 'Анна' },
      text: 'Есть доставка?',
    });
    expect(written.delivery?.attempts.at(-1)?.status).toBe(200);
    const store = new StoreView(join(dir, 'data', 'avito-responder.sqlite'));
    await pollUntil(() => store.buyerMessageIds().includes(written.messageId), {
      timeoutMs: 10_000,
      what: 'the buyer message stored',
    });

    // Telegram: each failed attempt is logged, and /ready reports it rather than "configured".
    await pollUntil(() => service!.logs.some((l) => l.msg === 'telegram unreachable; retrying'), {
      timeoutMs: 10_000,
      what: 'a logged retry',
    });
    const retry = service.logs.find((l) => l.msg === 'telegram unreachable; retrying')!;
    expect(retry).toMatchObject({ level: 40, attempt: 1, problem: expect.stringContaining('ECONNREFUSED') });
    expect(JSON.stringify(service.logs)).not.toContain(TOKEN.split(':')[1]);
    expect(await telegramCheck(url)).toMatchObject({
      status: 'degraded',
      detail: expect.stringContaining('connecting'),
    });

    // Telegram comes back: the bot connects on a later attempt, and /ready says ok.
    telegram = await startTelegramSim({ port: telegramPort, token: TOKEN, user: { id: OWNER } });
    await pollUntil(() => service!.logs.some((l) => l.msg === 'telegram webhook set'), {
      timeoutMs: 20_000,
      what: 'the bot to connect',
    });
    expect(telegram.webhookInfo().url).toBe(`${url}/telegram/webhook`);
    expect((await telegramCheck(url)).status).toBe('ok');

    const exit = await service.kill('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(service.logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['shutting down', 'stopped']));
  });

  it('when SIGTERM arrives while the bot is still connecting to Telegram, then it stops gracefully with code 0', async () => {
    dir = mkdtempSync(join(tmpdir(), 'serve-'));
    const port = await freePort();
    const telegramPort = await freePort();
    service = await ServiceProcess.start(
      {
        NODE_ENV: 'production',
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: join(dir, 'data'),
        DOCS_DIR: join(dir, 'knowledge'),
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_OWNER_IDS: String(OWNER),
        TELEGRAM_API_ROOT: `http://127.0.0.1:${telegramPort}`,
      },
      port,
    );
    expect(await service.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(service.logs.map((l) => l.msg)).toContain('stopped');
  });
});
