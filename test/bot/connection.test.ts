import { Writable } from 'node:stream';
import { GrammyError, HttpError } from 'grammy';
import { describe, expect, it } from 'vitest';
import { TelegramConnection, telegramProblem } from '../../src/bot/connection.js';
import { createLogger } from '../../src/logger.js';

function capture() {
  const lines: Array<{ level: number; msg: string; [k: string]: unknown }> = [];
  const logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk, _enc, cb) {
        lines.push(JSON.parse(String(chunk)));
        cb();
      },
    }),
  });
  return { lines, logger };
}

const networkError = () =>
  new HttpError(
    "Network request for 'getMe' failed!",
    Object.assign(new Error('x'), { code: 'ECONNREFUSED' }),
  );
const refused = () =>
  new GrammyError(
    "Call to 'getMe' failed!",
    { ok: false, error_code: 401, description: 'Unauthorized' },
    'getMe',
    {},
  );

describe('TelegramConnection', () => {
  it('when connecting fails twice, then each failure is logged with its attempt and the third try connects', async () => {
    const { lines, logger } = capture();
    let calls = 0;
    const connection = new TelegramConnection({
      logger,
      baseDelayMs: 1,
      maxDelayMs: 2,
      connect: async () => {
        calls += 1;
        if (calls <= 2) throw networkError();
      },
      probe: async () => {},
    });
    expect(connection.check()).toMatchObject({ status: 'degraded', detail: 'connecting' });
    await connection.start();
    expect(calls).toBe(3);
    const retries = lines.filter((l) => l.msg === 'telegram unreachable; retrying');
    expect(retries.map((l) => [l.level, l.attempt, l.problem])).toEqual([
      [40, 1, "Network request for 'getMe' failed! (ECONNREFUSED)"],
      [40, 2, "Network request for 'getMe' failed! (ECONNREFUSED)"],
    ]);
    expect(lines.some((l) => l.msg === 'telegram connected' && l.attempts === 3)).toBe(true);
    expect(connection.check().status).toBe('ok');
    connection.stop();
  });

  it('when Telegram refuses the token, then it is logged as an error, /ready fails, and stop ends the retries', async () => {
    const { lines, logger } = capture();
    const connection = new TelegramConnection({
      logger,
      baseDelayMs: 1,
      maxDelayMs: 2,
      connect: async () => {
        throw refused();
      },
      probe: async () => {},
    });
    const started = connection.start();
    await expect.poll(() => lines.filter((l) => l.level === 50).length).toBeGreaterThan(1);
    expect(lines.find((l) => l.level === 50)?.msg).toContain('TELEGRAM_BOT_TOKEN');
    expect(connection.check()).toMatchObject({ status: 'fail', detail: 'connecting: 401: Unauthorized' });
    connection.stop();
    await started;
  });

  it('when a connected bot cannot reach Telegram on a refresh, then /ready is degraded until a later one works', async () => {
    const { lines, logger } = capture();
    let up = true;
    const connection = new TelegramConnection({
      logger,
      connect: async () => {},
      probe: async () => {
        if (!up) throw networkError();
      },
    });
    await connection.start();
    up = false;
    await connection.refresh();
    expect(connection.check()).toMatchObject({
      status: 'degraded',
      detail: "Network request for 'getMe' failed! (ECONNREFUSED)",
    });
    expect(lines.some((l) => l.msg === 'telegram unreachable' && l.level === 40)).toBe(true);
    up = true;
    await connection.refresh();
    expect(connection.check().status).toBe('ok');
    expect(lines.some((l) => l.msg === 'telegram reachable again')).toBe(true);
    connection.stop();
  });

  it('when an error is described, then the request URL (with the token) is left out', () => {
    const withUrl = new HttpError(
      "Network request for 'getMe' failed!",
      new Error('request to http://x/bot123:SECRET/getMe failed'),
    );
    expect(telegramProblem(withUrl)).toBe("Network request for 'getMe' failed!");
    expect(telegramProblem(refused())).toBe('401: Unauthorized');
  });
});
