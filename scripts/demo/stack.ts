import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Listing } from '../../sim/avito/index.js';
import { freePort } from '../../sim/common/server.js';
import { type SimSession, startSession } from '../../sim/cli/session.js';
import { webhookUrl } from '../../src/avito/subscription.js';
import { loadConfig, secretsOf } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import type { FolderSyncSummary } from '../../src/rag/index.js';
import { type Service, startService } from '../../src/service.js';
import { EXAMPLE_DOCS_DIR, EXAMPLE_SALES_CONFIG, loadExampleListings } from './examples.js';
import type { DemoOptions } from './options.js';

/** How many of the service's warnings and errors the demo keeps to explain a failed step. */
const KEPT_PROBLEMS = 20;

/** The three simulators, the real service wired to them, and where its data and log live. */
export interface DemoStack {
  session: SimSession;
  service: Service;
  /** The Telegram user who owns the bot (the seller). */
  ownerId: number;
  /** The listings as seeded into the Avito simulator. */
  listings: Listing[];
  /** What loading `examples/docs` did. */
  docs: FolderSyncSummary;
  dataDir: string;
  /** Whether `dataDir` is a temporary folder that {@link DemoStack.close} removes. */
  temporary: boolean;
  logFile: string;
  /** The service's latest warning and error log lines (JSON), newest last. */
  problems(): string[];
  /** Stops the service, then the simulators; removes a temporary data dir unless `keepData`. Safe twice. */
  close(options?: { keepData?: boolean }): Promise<void>;
}

/**
 * The simulators start empty on every run and hand out the same ids again (chats, messages, the Gemini
 * store), so a store from an earlier run would take new buyers' messages for ones already handled.
 */
function assertFresh(dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new Error(
      `--data-dir ${dir} is not empty. The simulators start empty on every run and reuse their ids, ` +
        'so the demo needs a new or empty folder (it keeps the store and the log there after exit).',
    );
  }
}

/**
 * Starts the simulators (fixed ports or free ones), seeds the sample listings, starts the service in review
 * mode against them (embedded SQLite, webhooks to a loopback PUBLIC_URL, Gemini simulator, 1 s debounce), subscribes
 * its Avito webhook and loads `examples/docs`. Everything it started is stopped again if a step fails.
 */
export async function startDemoStack(options: DemoOptions): Promise<DemoStack> {
  const temporary = options.dataDir === undefined;
  if (options.dataDir !== undefined) assertFresh(resolve(options.dataDir));
  const dataDir = options.dataDir ? resolve(options.dataDir) : mkdtempSync(join(tmpdir(), 'avito-demo-'));
  mkdirSync(dataDir, { recursive: true });
  const logFile = join(dataDir, 'service.log');
  const log = createWriteStream(logFile, { flags: 'a' });
  const problems: string[] = [];

  let session: SimSession | undefined;
  let service: Service | undefined;
  const cleanup = async (keepData: boolean) => {
    await service?.stop().catch(() => undefined);
    await session?.close();
    await new Promise<void>((done) => log.end(done));
    if (temporary && !keepData) rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    const listingInputs = await loadExampleListings();
    // A port known before the service binds it, so PUBLIC_URL can name it: YooKassa sends the paying buyer back
    // there (the sales act), the Avito webhook and Telegram updates come to it as in the two-terminal tryout, and
    // the widget's demo page, served by the service itself, needs its own origin allowed up front.
    const port = options.ports.service || (await freePort());
    // The sales pipeline's simulators take free ports: the demo's flags name the three it always had.
    session = await startSession(
      {
        avito: options.ports.avito,
        telegram: options.ports.telegram,
        gemini: options.ports.gemini,
        amocrm: 0,
        calendar: 0,
        yookassa: 0,
        smtp: 0,
      },
      port,
    );
    // Listings with the ids of `npm run sim`'s samples replace them; others are added.
    const listings = listingInputs.map((l) => session!.avito.seedListing(l));

    const webhookSecret = randomBytes(24).toString('base64url');
    const config = loadConfig({
      ...session.env,
      NODE_ENV: 'development',
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      WIDGET_ORIGINS: `http://127.0.0.1:${port}`,
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DOCS_DIR: EXAMPLE_DOCS_DIR,
      // The sample price list: the sofa listing's price questions are priced by it (the tour's sales act).
      SALES_CONFIG: EXAMPLE_SALES_CONFIG,
      AVITO_WEBHOOK_SECRET: webhookSecret,
      MODE: 'review',
      DEBOUNCE_SECONDS: '1',
      LOG_LEVEL: 'info',
    });
    const logger = createLogger({
      level: config.logLevel,
      secrets: secretsOf(config),
      destination: {
        write(line: string) {
          log.write(line);
          if (options.verbose) process.stderr.write(line);
          if (/"level":(4|5|6)0\b/.test(line)) {
            problems.push(line.trim());
            if (problems.length > KEPT_PROBLEMS) problems.shift();
          }
        },
      },
    });
    service = await startService(config, logger);
    if (!service.avito) throw new Error('the Avito integration did not start (no simulator credentials?)');
    // Subscribed now rather than by the service's background start, so the tour's first buyer is never missed.
    await service.avito.client.subscribe(webhookUrl(service.http.url, webhookSecret));
    const docs = await service.knowledge.syncFolder(EXAMPLE_DOCS_DIR);
    if (docs.failed.length > 0) {
      const why = docs.failed.map((f) => `${f.file}: ${f.message}`).join('; ');
      throw new Error(`the sample documents did not load: ${why}`);
    }

    const running = { session, service };
    let closing: Promise<void> | undefined;
    return {
      ...running,
      ownerId: session.telegram.user.id,
      listings,
      docs,
      dataDir,
      temporary,
      logFile,
      problems: () => [...problems],
      close(closeOptions = {}) {
        closing ??= cleanup(closeOptions.keepData ?? false);
        return closing;
      },
    };
  } catch (error) {
    await cleanup(false);
    throw error;
  }
}
