import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebhookDelivery } from '../../sim/avito/index.js';
import { parseCommand } from '../../sim/cli/commands.js';
import { formatDeliveries, formatTelegramMessage, mergeEnvFile } from '../../sim/cli/format.js';
import { loadConfig } from '../../src/config.js';
import { DEFAULT_PORTS, DEFAULT_SERVICE_PORT, parseCliOptions, UsageError } from '../../sim/cli/options.js';
import { buyerName, resolveChat } from '../../sim/cli/session.js';
import type { TgMessage } from '../../sim/telegram/index.js';
import { pollUntil } from '../../sim/common/wait.js';
import { freePort } from '../faults/harness.js';
import { CliProcess } from '../support/cli-process.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const ENV_KEYS = [
  'AVITO_API_BASE',
  'AVITO_CLIENT_ID',
  'AVITO_CLIENT_SECRET',
  'AVITO_USER_ID',
  'TELEGRAM_API_ROOT',
  'TELEGRAM_BOT_TOKEN',
  'TELEGRAM_OWNER_IDS',
  'TELEGRAM_BUYER_BOT_TOKEN',
  'GEMINI_BASE_URL',
  'GEMINI_API_KEY',
  'AMOCRM_BASE_URL',
  'AMOCRM_ACCESS_TOKEN',
  'AMOCRM_PIPELINE_ID',
  'GOOGLE_API_BASE',
  'GOOGLE_CALENDAR_ID',
  'GOOGLE_SERVICE_ACCOUNT_FILE',
  'YOOKASSA_API_BASE',
  'YOOKASSA_SHOP_ID',
  'YOOKASSA_SECRET_KEY',
  'YOOKASSA_NOTIFICATION_ALLOWLIST',
  'SMTP_URL',
  'EMAIL_FROM',
  'OWNER_EMAIL',
  'PORT',
  'PUBLIC_URL',
];

/** `npm run sim` as a child process, driven through stdin like a person at the prompt. */
class SimCli extends CliProcess {
  constructor(args: string[]) {
    super('sim/cli.ts', args);
  }

  /** Waits for start-up and returns the printed `KEY=value` lines. */
  async env(): Promise<Record<string, string>> {
    await this.waitFor(/Type "help" for commands\./, 15_000);
    const env: Record<string, string> = {};
    for (const [, key, value] of this.out.matchAll(/^([A-Z][A-Z0-9_]+)=(.*)$/gm)) env[key!] = value!;
    return env;
  }
}

let cli: SimCli | undefined;
const servers: Server[] = [];
const tempDirs: string[] = [];

afterEach(async () => {
  await cli?.kill();
  cli = undefined;
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function startCli(...args: string[]): Promise<{ cli: SimCli; env: Record<string, string> }> {
  cli = new SimCli(['--random-ports', ...args]);
  return { cli, env: await cli.env() };
}

/** A local HTTP server that records the JSON bodies POSTed to it (the service's webhook, say). */
async function recordingServer(): Promise<{ url: string; bodies: unknown[] }> {
  const bodies: unknown[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null'));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/avito/webhook/s3cret`, bodies };
}

async function avitoToken(env: Record<string, string>): Promise<string> {
  const response = await fetch(`${env.AVITO_API_BASE}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: env.AVITO_CLIENT_ID!,
      client_secret: env.AVITO_CLIENT_SECRET!,
    }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** Calls the Bot API as our bot would. */
async function botApi<T>(env: Record<string, string>, method: string, params: object = {}): Promise<T> {
  const response = await fetch(`${env.TELEGRAM_API_ROOT}/bot${env.TELEGRAM_BOT_TOKEN}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  const body = (await response.json()) as { ok: boolean; result: T; description?: string };
  if (!body.ok) throw new Error(`${method}: ${body.description}`);
  return body.result;
}

interface Update {
  update_id: number;
  message?: { text?: string; reply_to_message?: { message_id: number } };
  callback_query?: { id: string; data?: string };
}

describe('npm run sim: start-up', () => {
  it('when started with --random-ports, then it prints every env line and they reach live simulators', async () => {
    const { env } = await startCli();
    expect(Object.keys(env)).toEqual(expect.arrayContaining(ENV_KEYS));
    expect(env.TELEGRAM_OWNER_IDS).toMatch(/^\d+$/);

    await avitoToken(env);
    const me = await botApi<{ is_bot: boolean; username: string }>(env, 'getMe');
    expect(me.is_bot).toBe(true);
    const models = await fetch(`${env.GEMINI_BASE_URL}/v1beta/models`, {
      headers: { 'x-goog-api-key': env.GEMINI_API_KEY! },
    });
    expect(models.status).toBe(200);

    // The sales pipeline's four: the service takes every one of them as configured, and each answers.
    const config = loadConfig(env);
    expect(config.integrations.amocrm.enabled).toBe(true);
    expect(config.integrations.calendar.enabled).toBe(true);
    expect(config.integrations.yookassa.enabled).toBe(true);
    expect(config.integrations.email.enabled).toBe(true);
    const account = await fetch(`${env.AMOCRM_BASE_URL}/api/v4/account`, {
      headers: { authorization: `Bearer ${env.AMOCRM_ACCESS_TOKEN}` },
    });
    expect(account.status).toBe(200);
    const basic = Buffer.from(`${env.YOOKASSA_SHOP_ID}:${env.YOOKASSA_SECRET_KEY}`).toString('base64');
    const payment = await fetch(`${env.YOOKASSA_API_BASE}/payments/no-such-payment`, {
      headers: { authorization: `Basic ${basic}` },
    });
    expect(payment.status).toBe(404);
    const key = JSON.parse(readFileSync(env.GOOGLE_SERVICE_ACCOUNT_FILE!, 'utf8')) as { token_uri: string };
    expect(key.token_uri.startsWith(env.GOOGLE_API_BASE!)).toBe(true);
  });

  it('when --env-file names an existing file, then the sim lines are merged in and other lines kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-cli-'));
    tempDirs.push(dir);
    const file = join(dir, '.env');
    writeFileSync(file, '# mine\nPORT=3000\nAVITO_API_BASE=https://api.avito.ru\n');
    const { env } = await startCli('--env-file', file);
    const written = readFileSync(file, 'utf8');
    expect(written).toContain('# mine\nPORT=3000\n');
    expect(written).toContain(`AVITO_API_BASE=${env.AVITO_API_BASE}\n`);
    expect(written.match(/^AVITO_API_BASE=/gm)).toHaveLength(1);
    for (const key of ENV_KEYS) expect(written).toContain(`${key}=${env[key]}`);
  });

  it('when --write-env names a file that does not exist yet, then it is created with every line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-cli-'));
    tempDirs.push(dir);
    const file = join(dir, '.env');
    const { env } = await startCli('--write-env', file, '--service-port', '3456');
    const written = readFileSync(file, 'utf8');
    for (const key of ENV_KEYS) expect(written).toContain(`${key}=${env[key]}`);
    expect(env).toMatchObject({ PORT: '3456', PUBLIC_URL: 'http://127.0.0.1:3456' });
  });

  it('when the Avito port is taken, then it exits 1 and says which flag to use', async () => {
    const busy = createServer();
    servers.push(busy);
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const port = (busy.address() as AddressInfo).port;
    cli = new SimCli(['--avito-port', String(port), '--telegram-port', '0', '--gemini-port', '0']);
    expect(await cli.exited).toBe(1);
    expect(cli.err).toContain(`port ${port}`);
    expect(cli.err).toContain('--avito-port');
  });

  it('when a flag is bad, then it exits 2 with the problem and the usage', async () => {
    cli = new SimCli(['--avito-port', 'eighty']);
    expect(await cli.exited).toBe(2);
    expect(cli.err).toContain('--avito-port: expected a port from 0 to 65535');
    expect(cli.err).toContain('Usage: npm run sim');
  });
});

describe('npm run sim: the prompt', () => {
  it('when listings, a new buyer chat, /start, show and quit are typed, then each outcome is printed and it exits 0', async () => {
    const { cli } = await startCli();

    cli.send('listings');
    await cli.waitFor(/Ноутбук[^\n]*54 900 ₽/);
    expect(cli.recent).toMatch(/item:\d+ {2}Диван[^\n]*32 900 ₽/);

    cli.send('buyer new Здравствуйте, доставка есть?');
    const chat = await cli.waitFor(/chat \[1\] (u2i-[A-Za-z0-9~]{22}) /);
    await cli.waitFor(/webhook: not delivered — no webhook subscribed/);
    expect(cli.recent).toContain('(new)');

    cli.send('owner /start');
    await cli.waitFor(/owner → bot, message #1/);

    cli.send('show');
    await cli.waitFor(/Avito — 1 chat/);
    expect(cli.recent).toContain('#1 owner: /start');
    expect(cli.recent).toContain(chat[1]);
    expect(cli.recent).toContain('buyer Иван: Здравствуйте, доставка есть?');

    cli.send('quit');
    expect(await cli.exited).toBe(0);
    expect(cli.out).toContain('Simulators stopped (quit).');
  });

  it('when a line is not a command, then a helpful message is printed and the prompt goes on', async () => {
    const { cli } = await startCli();
    cli.send('lsitings');
    await cli.waitFor(/unknown command "lsitings": did you mean "listings"\?/);
    cli.send('seller 7 Да');
    await cli.waitFor(/no chat "7": there are no Avito chats yet/);
    cli.send('help');
    await cli.waitFor(/tap <button text>/);
  });

  it('when the service has subscribed its webhook, then buyer and seller messages are delivered to it', async () => {
    const { cli, env } = await startCli();
    const hook = await recordingServer();
    const token = await avitoToken(env);
    const subscribed = await fetch(`${env.AVITO_API_BASE}/messenger/v3/webhook`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: hook.url }),
    });
    expect(subscribed.status).toBe(200);

    cli.send('buyer item:4341979280 Ноутбук ещё продаётся?');
    await cli.waitFor(/webhook: delivered to \S+s3cret \(HTTP 200\)/);
    expect(cli.recent).toContain('Ноутбук Lenovo');
    cli.send('seller 1 Да, продаётся');
    await cli.waitFor(/seller \(app\) → chat \[1\][\s\S]*webhook: delivered/);

    const texts = hook.bodies.map(
      (b) => (b as { payload?: { value: { content: { text?: string } } } }).payload,
    );
    expect(texts.map((p) => p?.value.content.text)).toEqual([
      undefined, // Avito's `{}` check on subscribe
      'Ноутбук ещё продаётся?',
      'Да, продаётся',
    ]);
  });

  it('when our service answers a buyer through the Avito API, then it is announced and show lists it', async () => {
    const { cli, env } = await startCli();
    cli.send('buyer new Есть доставка?');
    const chatId = (await cli.waitFor(/(u2i-[A-Za-z0-9~]{22})/))[1]!;
    const token = await avitoToken(env);
    const sent = await fetch(
      `${env.AVITO_API_BASE}/messenger/v1/accounts/${env.AVITO_USER_ID}/chats/${chatId}/messages`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'text', message: { text: 'Да, доставка по Москве 500 ₽' } }),
      },
    );
    expect(sent.status).toBe(200);
    await cli.waitFor(/\[avito\] service → chat \[1\][^\n]*\n {2}Да, доставка по Москве 500 ₽/);

    cli.send('show');
    await cli.waitFor(/service \(API\): Да, доставка по Москве 500 ₽/);
  });

  it('when the bot sends a card, then show lists its buttons, tap reaches the bot and reply quotes the card', async () => {
    const { cli, env } = await startCli();
    const owner = Number(env.TELEGRAM_OWNER_IDS);
    const card = await botApi<{ message_id: number }>(env, 'sendMessage', {
      chat_id: owner,
      text: 'Покупатель Иван: Есть доставка?\nЧерновик: Да, 500 ₽',
      reply_markup: {
        inline_keyboard: [
          [{ text: 'Отправить', callback_data: 'send:1' }],
          [{ text: 'Изменить', callback_data: 'edit:1' }],
        ],
      },
    });
    await cli.waitFor(/\[telegram\]\n {2}#1 bot: Покупатель Иван/);

    cli.send('show');
    await cli.waitFor(
      /#1 bot: Покупатель Иван: Есть доставка\?\n +Черновик: Да, 500 ₽\n +\[Отправить\]\n +\[Изменить\]/,
    );

    // The "service": poll for the tap and answer it, as grammY would.
    const answered = (async () => {
      for (let i = 0; i < 100; i += 1) {
        const updates = await botApi<Update[]>(env, 'getUpdates', { timeout: 0 });
        const query = updates.find((u) => u.callback_query)?.callback_query;
        if (query) {
          await botApi(env, 'getUpdates', { offset: updates.at(-1)!.update_id + 1, timeout: 0 });
          await botApi(env, 'answerCallbackQuery', { callback_query_id: query.id, text: 'Отправлено' });
          return query.data;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      return undefined;
    })();
    cli.send('tap Отправить');
    await cli.waitFor(/owner tapped \[Отправить\] on #1; bot: "Отправлено"/);
    expect(await answered).toBe('send:1');

    await botApi(env, 'editMessageText', {
      chat_id: owner,
      message_id: card.message_id,
      text: 'Отправлено ✅',
    });
    await cli.waitFor(/\[telegram\] edited\n {2}#1 bot \(edited\): Отправлено ✅/);

    cli.send('reply Лучше 400 ₽');
    await cli.waitFor(/owner ↩ #1 → bot, message #2/);
    const updates = await botApi<Update[]>(env, 'getUpdates', { timeout: 0 });
    expect(updates.at(-1)?.message).toMatchObject({
      text: 'Лучше 400 ₽',
      reply_to_message: { message_id: 1 },
    });

    cli.send('tap Нет такой');
    await cli.waitFor(/no button "Нет такой" in the owner's chat; the bot has not sent any buttons yet/);
  });

  it('when stdin ends, then the simulators stop and it exits 0', async () => {
    const { cli } = await startCli();
    cli.child.stdin.end();
    expect(await cli.exited).toBe(0);
    expect(cli.out).toContain('Simulators stopped (end of input).');
  });

  it('when it gets SIGTERM, then the simulators stop and it exits 0', async () => {
    const { cli, env } = await startCli();
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(cli.out).toContain('Simulators stopped (SIGTERM).');
    await expect(fetch(`${env.AVITO_API_BASE}/token`, { method: 'POST' })).rejects.toThrow();
  });
});

describe("npm run sim: the README's piped example", () => {
  /**
   * The README's command as a shell runs it; the ports come from the env so parallel runs do not collide.
   * Its own process group, so a hang (the old bug) is ended whole: sh, npm, tsx and the simulators.
   */
  const piped = (input: string) =>
    new Promise<{ code: number | null; stdout: string }>((done) => {
      const child = spawn('sh', ['-c', `printf '${input}' | npm run sim`], {
        cwd: ROOT,
        env: {
          ...process.env,
          AVITO_SIM_PORT: '0',
          TELEGRAM_SIM_PORT: '0',
          GEMINI_SIM_PORT: '0',
          AMOCRM_SIM_PORT: '0',
          CALENDAR_SIM_PORT: '0',
          YOOKASSA_SIM_PORT: '0',
          SMTP_SIM_PORT: '0',
          NO_COLOR: '1',
        },
        detached: true,
      });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 30_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        done({ code, stdout });
      });
    });

  it("when printf 'listings\\nquit\\n' is piped in, then the listings are printed once more and it exits 0", async () => {
    const { code, stdout } = await piped('listings\\nquit\\n');
    expect(code).toBe(0);
    expect(stdout).toMatch(/sim> listings\n {2}item:\d+ {2}Диван/);
    expect(stdout).toContain('sim> quit');
    expect(stdout).toContain('Simulators stopped (quit).');
  }, 40_000);

  it('when the piped input just ends, then the command before the end runs and it stops (end of input)', async () => {
    const { code, stdout } = await piped('listings\\n');
    expect(code).toBe(0);
    expect(stdout).toMatch(/sim> listings\n {2}item:\d+/);
    expect(stdout).toContain('Simulators stopped (end of input).');
  }, 40_000);
});

describe('npm run sim: the two-terminal tryout', () => {
  let service: ChildProcess | undefined;
  afterEach(async () => {
    if (service && service.exitCode === null && service.signalCode === null) {
      service.kill('SIGTERM');
      await new Promise((r) => service!.once('exit', r));
    }
    service = undefined;
  });

  it('when the service runs with the env the sim wrote, then a buyer message reaches it, a card reaches the owner, and a tap answers the buyer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-tryout-'));
    tempDirs.push(dir);
    const port = await freePort();
    const { cli, env } = await startCli('--write-env', join(dir, '.env'), '--service-port', String(port));

    // Terminal 2: the service in that folder, reading its .env (a shorter debounce only to keep the test quick).
    let log = '';
    service = spawn(
      process.execPath,
      [
        '--disable-warning=ExperimentalWarning',
        '--import',
        import.meta.resolve('tsx'),
        join(ROOT, 'src/main.ts'),
      ],
      { cwd: dir, env: { PATH: process.env.PATH, HOME: process.env.HOME, DEBOUNCE_SECONDS: '1' } },
    );
    service.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    service.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    await pollUntil(
      async () => {
        const state = (await (await fetch(`${env.AVITO_API_BASE}/__sim/state`)).json()) as {
          subscriptions: string[];
        };
        return state.subscriptions.some((url) => url.startsWith(`${env.PUBLIC_URL}/avito/webhook/`));
      },
      { timeoutMs: 30_000, what: `the service to subscribe its webhook; its log:\n${log}` },
    );

    cli.send('buyer new Здравствуйте, доставка есть?');
    await cli.waitFor(/webhook: delivered to \S+ \(HTTP 200\)/, 10_000);
    await cli.waitFor(/\[telegram\]\n {2}#\d+ bot: [\s\S]*Отправить/, 30_000);

    cli.send('tap Отправить');
    await cli.waitFor(/\[avito\] service → chat \[1\]/, 30_000);

    // The sales pipeline is on too: the buyer's lead became a deal in the amoCRM simulator.
    await pollUntil(
      async () => {
        cli.send('deals');
        const [line] = await cli.waitFor(/no amoCRM deals yet|#\d+ .+\[[^\]\n]*\]/, 5_000);
        return line.includes('avito-lead');
      },
      { timeoutMs: 30_000, what: `a deal tagged avito-lead; the service log:\n${log}` },
    );
  }, 90_000);
});

describe('sim cli: command parser', () => {
  it('when buyer names new, an item or a chat, then the target and the whole text are kept', () => {
    expect(parseCommand('buyer new Здравствуйте,  доставка есть? ')).toEqual({
      ok: true,
      command: { kind: 'buyer', target: { kind: 'new' }, text: 'Здравствуйте,  доставка есть?' },
    });
    expect(parseCommand('buyer item:4341979280 Торг?')).toEqual({
      ok: true,
      command: { kind: 'buyer', target: { kind: 'item', itemId: 4341979280 }, text: 'Торг?' },
    });
    expect(parseCommand('BUYER #2 Ещё вопрос')).toEqual({
      ok: true,
      command: { kind: 'buyer', target: { kind: 'chat', ref: '#2' }, text: 'Ещё вопрос' },
    });
  });

  it('when the other commands are well formed, then they parse to their kind', () => {
    expect(parseCommand('seller u2i-abc Да, есть')).toEqual({
      ok: true,
      command: { kind: 'seller', chat: 'u2i-abc', text: 'Да, есть' },
    });
    expect(parseCommand('owner /start')).toEqual({ ok: true, command: { kind: 'owner', text: '/start' } });
    for (const kind of ['pay', 'deals', 'mail'] as const)
      expect(parseCommand(kind)).toEqual({ ok: true, command: { kind } });
    expect(parseCommand('tap Взять на себя')).toEqual({
      ok: true,
      command: { kind: 'tap', button: 'Взять на себя' },
    });
    expect(parseCommand('reply Цена 500 ₽')).toEqual({
      ok: true,
      command: { kind: 'reply', text: 'Цена 500 ₽' },
    });
    expect(parseCommand('tgbuyer /start 4341979280')).toEqual({
      ok: true,
      command: { kind: 'tgbuyer', text: '/start 4341979280' },
    });
    for (const kind of ['show', 'listings', 'help', 'quit'] as const) {
      expect(parseCommand(` ${kind} `)).toEqual({ ok: true, command: { kind } });
    }
    expect(parseCommand('exit')).toEqual({ ok: true, command: { kind: 'quit' } });
    expect(parseCommand('   ')).toEqual({ ok: true, command: { kind: 'empty' } });
  });

  it('when a command lacks its arguments, then the error shows its usage and an example', () => {
    expect(parseCommand('buyer new')).toEqual({
      ok: false,
      error: 'usage: buyer <chat|new|item:<itemId>> <text…>\n  e.g. buyer new Здравствуйте, доставка есть?',
    });
    expect(parseCommand('seller 1')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^usage: seller <chat> <text…>/),
    });
    expect(parseCommand('owner')).toMatchObject({
      ok: false,
      error: expect.stringContaining('e.g. owner /start'),
    });
    expect(parseCommand('tap')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^usage: tap <button text>/),
    });
    expect(parseCommand('reply')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^usage: reply <text…>/),
    });
    expect(parseCommand('tgbuyer')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^usage: tgbuyer <text…>\n {2}e\.g\. tgbuyer /),
    });
  });

  it('when an item id or a command word is wrong, then the error says what is wrong and suggests the fix', () => {
    expect(parseCommand('buyer item:abc Привет')).toMatchObject({
      ok: false,
      error: expect.stringContaining('item id must be a number (see "listings"), got "abc"'),
    });
    expect(parseCommand('shwo')).toMatchObject({
      ok: false,
      error: expect.stringContaining('did you mean "show"?'),
    });
    expect(parseCommand('toString')).toMatchObject({
      ok: false,
      error: expect.stringContaining('unknown command "tostring"'),
    });
    expect(parseCommand('show everything')).toEqual({ ok: false, error: '"show" takes no arguments' });
  });
});

describe('sim cli: options', () => {
  it('when nothing is given, then the fixed default ports are used and watching is on', () => {
    expect(parseCliOptions([])).toEqual({
      ports: { ...DEFAULT_PORTS },
      servicePort: DEFAULT_SERVICE_PORT,
      envFile: undefined,
      watch: true,
      help: false,
    });
  });

  it('when env and flags both set a port, then the flag wins; --random-ports makes every port 0', () => {
    const env = { AVITO_SIM_PORT: '9001', TELEGRAM_SIM_PORT: '9002', GEMINI_SIM_PORT: '' };
    expect(parseCliOptions(['--telegram-port=9102', '--no-watch'], env)).toMatchObject({
      ports: { avito: 9001, telegram: 9102, gemini: DEFAULT_PORTS.gemini },
      watch: false,
    });
    expect(parseCliOptions(['--amocrm-port', '9104'], { SMTP_SIM_PORT: '2626' })).toMatchObject({
      ports: { amocrm: 9104, smtp: 2626, calendar: DEFAULT_PORTS.calendar, yookassa: DEFAULT_PORTS.yookassa },
    });
    expect(parseCliOptions(['--random-ports', '--write-env', '.env'], env)).toMatchObject({
      ports: { avito: 0, telegram: 0, gemini: 0, amocrm: 0, calendar: 0, yookassa: 0, smtp: 0 },
      envFile: '.env',
    });
    expect(parseCliOptions(['--env-file', 'old.env', '--service-port', '4000'])).toMatchObject({
      envFile: 'old.env',
      servicePort: 4000,
    });
  });

  it('when a port is invalid, repeated or a flag unknown, then a UsageError names the problem', () => {
    expect(() => parseCliOptions(['--gemini-port', '70000'])).toThrow(
      '--gemini-port: expected a port from 0 to 65535',
    );
    expect(() => parseCliOptions([], { AVITO_SIM_PORT: '1.5' })).toThrow('--avito-port');
    expect(() => parseCliOptions(['--avito-port', '9000', '--gemini-port', '9000'])).toThrow(
      'the simulators and the service need different ports',
    );
    expect(() => parseCliOptions(['--service-port', '0'])).toThrow('--service-port: expected a port from 1');
    expect(() => parseCliOptions(['--verbose'])).toThrow(UsageError);
  });
});

describe('sim cli: helpers', () => {
  it('when an env file has some of the keys, then they are replaced in place and the rest appended', () => {
    expect(
      mergeEnvFile('# c\nPORT=3000\nexport GEMINI_API_KEY=real\n', { GEMINI_API_KEY: 'sim', NEW: 'x' }),
    ).toBe('# c\nPORT=3000\nGEMINI_API_KEY=sim\nNEW=x\n');
    expect(mergeEnvFile('', { A: '1' })).toBe('A=1\n');
  });

  it('when a chat is named by number, prefix or id, then it is found; otherwise the message says why', () => {
    const chats = [{ id: 'u2i-AAA1' }, { id: 'u2i-AAB2' }, { id: 'u2u-CCC3' }];
    expect(resolveChat('2', chats)).toBe(chats[1]);
    expect(resolveChat('#3', chats)).toBe(chats[2]);
    expect(resolveChat('u2u', chats)).toBe(chats[2]);
    expect(resolveChat('u2i-AAA1', chats)).toBe(chats[0]);
    expect(resolveChat('u2i-AA', chats)).toBe(
      '"u2i-AA" matches 2 chats; use a number from "show" (1…3) or a full chat id',
    );
    expect(resolveChat('9', chats)).toBe('no chat "9"; use a number from "show" (1…3) or a full chat id');
  });

  it('when deliveries failed or none were made, then the status line says so', () => {
    expect(formatDeliveries([])).toContain('not delivered — no webhook subscribed');
    const failed = {
      id: 'd1',
      url: 'http://127.0.0.1:1/hook',
      state: 'failed',
      attempts: [
        { at: 0, durationMs: 1, error: 'connect ECONNREFUSED' },
        { at: 1, durationMs: 1, status: 502 },
      ],
    } as unknown as WebhookDelivery;
    expect(formatDeliveries([failed])).toBe(
      'webhook: FAILED to http://127.0.0.1:1/hook after 2 attempt(s), last: HTTP 502',
    );
  });

  it('when a bot message is edited and has url and callback buttons, then all of them are shown', () => {
    const message: TgMessage = {
      message_id: 7,
      from: { id: 5, is_bot: true, first_name: 'Bot' },
      chat: { id: 1001, type: 'private' },
      date: 0,
      edit_date: 1,
      text: 'Строка 1\nСтрока 2',
      reply_markup: {
        inline_keyboard: [
          [
            { text: 'Да', callback_data: 'y' },
            { text: 'Авито', url: 'https://avito.ru' },
          ],
        ],
      },
    };
    expect(formatTelegramMessage(message, 5)).toBe(
      `  #7 bot (edited): Строка 1\n${' '.repeat(19)}Строка 2\n      [Да] [Авито ↗]`,
    );
  });

  it('when new chats are invented, then buyers get distinct Russian names', () => {
    const names = Array.from({ length: 20 }, (_, i) => buyerName(i));
    expect(new Set(names).size).toBe(20);
    expect(names[0]).toBe('Иван');
    expect(names[8]).toBe('Иван 2');
  });
});
