/**
 * Fault-suite harness: the service as a real child process (`src/main.ts`) against the three simulators
 * started in this process, plus read-only views of its SQLite file. Shared by `test/faults/*.test.ts`
 * (small sizes) and `scripts/chaos.ts` (full sizes).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { type AvitoSim, type AvitoSimOptions, startAvitoSim } from '../../sim/avito/index.js';
import { freePort } from '../../sim/common/server.js';
import { pollUntil } from '../../sim/common/wait.js';
import { type GeminiSim, startGeminiSim } from '../../sim/gemini/index.js';
import { startTelegramSim, type TelegramSim, type TelegramSimOptions } from '../../sim/telegram/index.js';

/** Repository root (the child runs from here so `--import tsx` resolves). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Fixed secrets so the test can address both webhook routes. */
export const AVITO_SECRET = 'chaos-avito-webhook-secret-0123456789';
export const TELEGRAM_SECRET = 'chaos-telegram-secret-0123';

/** The seller's knowledge document: questions built from its words get grounded answers. */
export const KNOWLEDGE_DOC = [
  '# Доставка и оплата',
  '',
  'Доставка по Москве курьером стоит 500 рублей и занимает 1-2 дня.',
  'Самовывоз бесплатно со склада на Складской улице, 5.',
  'Оплата наличными или переводом при получении.',
  'Гарантия на диваны 18 месяцев, на кресла 12 месяцев.',
  'Сборка мебели мастером стоит 1500 рублей.',
].join('\n');

/** Questions a buyer may ask; all covered by {@link KNOWLEDGE_DOC}. */
export const QUESTIONS = [
  'Сколько стоит доставка по Москве?',
  'Есть ли самовывоз со склада?',
  'Как можно оплатить, наличными?',
  'Какая гарантия на диван?',
  'Сколько стоит сборка мебели?',
  'Доставка курьером долго идёт?',
];

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export { freePort };

/** Runs `task` over `items` with at most `limit` in flight. */
export async function pool<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await task(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** One pino JSON line of the child. */
export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** `.env.example` keys, blanked in the child's env so a stray `.env` can't change the run. */
function envExampleKeys(): string[] {
  try {
    return readFileSync(join(REPO_ROOT, '.env.example'), 'utf8')
      .split('\n')
      .map((l) => /^([A-Z][A-Z0-9_]*)=/.exec(l)?.[1])
      .filter((k): k is string => Boolean(k));
  } catch {
    return [];
  }
}

/**
 * How the service is started: from source through tsx (tests: no build step), or the compiled build that
 * `npm start`, the systemd unit and the image run (benchmarks: see bench/build.ts).
 */
export type ServiceEntry = 'source' | 'build';

/**
 * The environment `npm start`, the image and the unit give the built service (test/deploy.test.ts checks they
 * agree): a fixed glibc mmap threshold, so the large blocks V8 allocates while compiling go back to the system
 * when freed instead of staying in the heap (glibc's threshold otherwise rises to the largest block freed).
 */
export const BUILD_ENTRY_ENV: Readonly<Record<string, string>> = { MALLOC_MMAP_THRESHOLD_: '32768' };

const ENTRY_ARGS: Record<ServiceEntry, (preload: readonly string[]) => string[]> = {
  source: (preload) => [
    '--import',
    'tsx',
    ...preload.flatMap((module) => ['--import', module]),
    '--disable-warning=ExperimentalWarning',
    'src/main.ts',
  ],
  build: (preload) => [
    ...preload.flatMap((module) => ['--import', module]),
    '--disable-warning=ExperimentalWarning',
    'dist/src/main.js',
  ],
};

/** The service as a child process: its logs, readiness and signals. */
export class ServiceProcess {
  readonly logs: LogLine[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    let buffered = '';
    // FAULTS_LOG_DIR keeps every service log line on disk, for reading a failed scenario afterwards.
    const keep = process.env.FAULTS_LOG_DIR
      ? join(process.env.FAULTS_LOG_DIR, `service-${child.pid ?? 'unknown'}.log`)
      : undefined;
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      if (keep) appendFileSync(keep, chunk);
      buffered += chunk;
      let nl = buffered.indexOf('\n');
      while (nl >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        nl = buffered.indexOf('\n');
        try {
          this.logs.push(JSON.parse(line) as LogLine);
        } catch {
          this.logs.push({ level: 30, msg: line });
        }
      }
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => this.stderr.push(chunk));
    this.exited = new Promise((done) =>
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        done(this.exitInfo);
      }),
    );
  }

  /**
   * Spawns the service (see {@link ServiceEntry}) with `env` and waits for "listening" and `/ready` 200.
   * `preload`: modules imported before the service (from source they may be TypeScript), e.g. a fault.
   * `root`: the folder it runs from (a copy of the build elsewhere, with `dist/` and `package.json`).
   */
  static async start(
    env: Record<string, string>,
    port: number,
    timeoutMs = 30_000,
    entry: ServiceEntry = 'source',
    preload: readonly string[] = [],
    root = REPO_ROOT,
  ): Promise<ServiceProcess> {
    const blank = Object.fromEntries(envExampleKeys().map((k) => [k, '']));
    const child = spawn(process.execPath, ENTRY_ARGS[entry](preload), {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        ...blank,
        ...(entry === 'build' ? BUILD_ENTRY_ENV : {}),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const proc = new ServiceProcess(child, `http://127.0.0.1:${port}`);
    try {
      await pollUntil(
        () => {
          if (proc.exitInfo) throw new Error(`service exited early: ${proc.stderr.join('').slice(-2000)}`);
          return proc.logs.some((l) => l.msg === 'listening');
        },
        { timeoutMs, intervalMs: 50, what: 'the service to log "listening"' },
      );
      await pollUntil(async () => (await proc.readyStatus()) === 200, {
        timeoutMs,
        intervalMs: 100,
        what: '/ready to answer 200',
      });
    } catch (err) {
      proc.child.kill('SIGKILL');
      throw err;
    }
    return proc;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get alive(): boolean {
    return this.exitInfo === undefined;
  }

  /** Status of `GET /ready` (0 when unreachable). */
  async readyStatus(): Promise<number> {
    try {
      const res = await fetch(`${this.url}/ready`, { signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      return res.status;
    } catch {
      return 0;
    }
  }

  /** Log lines at `error` (50) or above. */
  errors(): LogLine[] {
    return this.logs.filter((l) => l.level >= 50);
  }

  /** Milliseconds `GET /health` took to answer (the timeout when it did not). */
  async healthMs(timeoutMs = 5000): Promise<number> {
    const started = Date.now();
    try {
      const res = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(timeoutMs) });
      await res.arrayBuffer();
    } catch {
      return timeoutMs;
    }
    return Date.now() - started;
  }

  /** Resident memory of the process in bytes (Linux /proc), 0 when unknown. */
  rssBytes(): number {
    try {
      const pages = Number(readFileSync(`/proc/${this.pid}/statm`, 'utf8').split(' ')[1]);
      return pages * 4096;
    } catch {
      return 0;
    }
  }

  /** Sends `signal` and waits for the exit (SIGKILL after `graceMs`). */
  async kill(signal: NodeJS.Signals = 'SIGTERM', graceMs = 25_000) {
    if (!this.alive) return this.exitInfo;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Read-only SQLite access to the service's file (the child keeps writing it meanwhile). */
export class StoreView {
  constructor(readonly path: string) {}

  /** Runs `fn` on a fresh read-only connection (sees the latest committed state, WAL included). */
  read<T>(fn: (db: DatabaseSync) => T): T {
    const db = new DatabaseSync(this.path, { readOnly: true });
    try {
      db.exec('PRAGMA busy_timeout = 5000');
      return fn(db);
    } finally {
      db.close();
    }
  }

  /** Runs `fn` on a writable connection: only for a stopped service (simulated time) or a deliberate lock. */
  write<T>(fn: (db: DatabaseSync) => T): T {
    const db = new DatabaseSync(this.path);
    try {
      db.exec('PRAGMA busy_timeout = 5000');
      return fn(db);
    } finally {
      db.close();
    }
  }

  /** Takes SQLite's write lock from a second connection (`BEGIN EXCLUSIVE`) until `release`. */
  lock(): { release(): void } {
    const db = new DatabaseSync(this.path);
    db.exec('PRAGMA busy_timeout = 10000');
    db.exec('BEGIN EXCLUSIVE');
    return {
      release() {
        db.exec('ROLLBACK');
        db.close();
      },
    };
  }

  count(sql: string, ...params: Array<string | number>): number {
    return this.read((db) => Number((db.prepare(sql).get(...params) as { n: number | bigint }).n));
  }

  /** Drafts as the checks need them. */
  drafts(): DraftRow[] {
    return this.read((db) =>
      (
        db
          .prepare('SELECT id, chat_id, kind, status, text, covers, sent_message_ids, created_at FROM drafts')
          .all() as Array<Record<string, string>>
      ).map((r) => ({
        id: r.id!,
        chatId: r.chat_id!,
        kind: r.kind!,
        status: r.status!,
        text: r.text!,
        covers: JSON.parse(r.covers!) as string[],
        sentMessageIds: JSON.parse(r.sent_message_ids!) as string[],
        createdAt: Number(r.created_at),
      })),
    );
  }

  /** Stored buyer messages with their chat and when their webhook event arrived (our clock, epoch ms). */
  buyerMessages(): BuyerMessageRow[] {
    return this.read((db) =>
      (
        db
          .prepare(
            `SELECT m.id, m.chat_id, MIN(e.received_at) AS arrived FROM messages m
             LEFT JOIN events e ON e.message_id = m.id WHERE m.author = 'buyer' GROUP BY m.id`,
          )
          .all() as Array<{ id: string; chat_id: string; arrived: number | null }>
      ).map((r) => ({ id: r.id, chatId: r.chat_id, arrivedAt: r.arrived ?? 0 })),
    );
  }

  /** Ids of stored buyer messages. */
  buyerMessageIds(): string[] {
    return this.read((db) =>
      (db.prepare("SELECT id FROM messages WHERE author = 'buyer'").all() as Array<{ id: string }>).map(
        (r) => r.id,
      ),
    );
  }
}

export interface DraftRow {
  id: string;
  chatId: string;
  kind: string;
  status: string;
  text: string;
  covers: string[];
  sentMessageIds: string[];
  /** Epoch ms (our clock). */
  createdAt: number;
}

export interface BuyerMessageRow {
  id: string;
  chatId: string;
  /** When its webhook event was stored (epoch ms, our clock). */
  arrivedAt: number;
}

export interface StackOptions {
  avito?: AvitoSimOptions;
  telegram?: TelegramSimOptions;
  /** Extra env for the service (over the defaults below). */
  env?: Record<string, string>;
  /** Source (default) or the compiled build in dist/ (built beforehand: bench/build.ts). */
  entry?: ServiceEntry;
  /** Modules the service imports first (see {@link ServiceProcess.start}). */
  preload?: string[];
  /** The folder the service runs from (see {@link ServiceProcess.start}); the repository by default. */
  root?: string;
}

/** Three simulators, a data dir with a docs folder, and the env that points the service at them. */
export interface Stack {
  avito: AvitoSim;
  gemini: GeminiSim;
  telegram: TelegramSim;
  dataDir: string;
  port: number;
  url: string;
  env: Record<string, string>;
  store: StoreView;
  webhookUrl: string;
  /** The running service, when started. */
  service: ServiceProcess | undefined;
  /** Starts (or restarts, on the same DATA_DIR and port) the service and waits until the Avito webhook is subscribed. */
  startService(extraEnv?: Record<string, string>): Promise<ServiceProcess>;
  /** Owner-visible bot messages in the Telegram sim (cards, notices, alerts). */
  ownerMessages(): number;
  /** A buyer writes about a new listing; resolves once the bot has sent the owner a message (the draft card). */
  buyerGetsCard(text?: string): Promise<void>;
  /** Stops the service (SIGTERM) and the simulators, removes the data dir. */
  close(): Promise<void>;
}

/** Starts the simulators and prepares (but does not start) the service. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const avito = await startAvitoSim({ webhookRetry: { retries: 6, backoffMs: 300 }, ...options.avito });
  const gemini = await startGeminiSim();
  const telegram = await startTelegramSim(options.telegram);
  const dataDir = mkdtempSync(join(tmpdir(), 'chaos-'));
  const docsDir = join(dataDir, 'docs');
  mkdirSync(docsDir, { recursive: true });
  writeFileSync(join(docsDir, 'Доставка.md'), KNOWLEDGE_DOC);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: url,
    DATA_DIR: join(dataDir, 'data'),
    DOCS_DIR: docsDir,
    MODE: 'auto',
    DEBOUNCE_SECONDS: '1',
    RATE_LIMIT_PER_MINUTE: '0',
    ...avito.env,
    AVITO_WEBHOOK_SECRET: AVITO_SECRET,
    GEMINI_API_KEY: gemini.apiKey,
    GEMINI_BASE_URL: gemini.url,
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_OWNER_IDS: String(telegram.user.id),
    TELEGRAM_API_ROOT: telegram.url,
    TELEGRAM_WEBHOOK_SECRET: TELEGRAM_SECRET,
    ...options.env,
  };
  const webhookUrl = `${url}/avito/webhook/${AVITO_SECRET}`;
  const stack: Stack = {
    avito,
    gemini,
    telegram,
    dataDir,
    port,
    url,
    env,
    store: new StoreView(join(dataDir, 'data', 'avito-responder.sqlite')),
    webhookUrl,
    service: undefined,
    async startService(extraEnv = {}) {
      const svc = await ServiceProcess.start(
        { ...env, ...extraEnv },
        port,
        undefined,
        options.entry,
        options.preload,
        options.root,
      );
      stack.service = svc;
      await pollUntil(() => avito.subscriptions().includes(webhookUrl), {
        timeoutMs: 20_000,
        what: 'the Avito webhook subscription',
      });
      return svc;
    },
    ownerMessages() {
      return telegram.chat(telegram.user.id).messages.filter((m) => m.from?.id === telegram.bot.id).length;
    },
    async buyerGetsCard(text = 'Доставка есть?') {
      const listing = avito.seedListing({ title: 'Диван угловой', price: 54_900 });
      const cards = telegram.calls.find('/sendMessage').length;
      await avito.buyerWrites({ itemId: listing.id, buyer: { name: 'Покупатель' }, text });
      await pollUntil(() => telegram.calls.find('/sendMessage').length > cards, {
        timeoutMs: 30_000,
        what: 'the draft card',
      });
    },
    async close() {
      await stack.service?.kill('SIGTERM');
      await Promise.all([avito.close(), gemini.close(), telegram.close()]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return stack;
}
