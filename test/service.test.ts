import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, REPO_ROOT } from './faults/harness.js';

const run = promisify(execFile);
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The npm packages the service loads when started with `env` (a child process, see the probe). */
async function loadedPackages(env: Record<string, string>): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'loaded-'));
  dirs.push(dir);
  const { stdout } = await run(
    process.execPath,
    ['--disable-warning=ExperimentalWarning', '--import', 'tsx', 'test/support/loaded-packages.ts'],
    {
      cwd: REPO_ROOT,
      timeout: 60_000,
      killSignal: 'SIGKILL',
      env: {
        PATH: process.env.PATH ?? '',
        DATA_DIR: dir,
        DOCS_DIR: join(dir, 'k'),
        PORT: '0',
        HOST: '127.0.0.1',
        ...env,
      },
    },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as string[];
}

/**
 * Loaded only when configured or first used: MongoDB, the jobs dashboard, PDF and Office extractors, grammY,
 * the model SDKs, the widget's sessions, the Google Calendar SDK, nodemailer, PDF rendering and the YAML parser.
 */
const HEAVY = [
  'mongoose',
  'mongodb',
  '@agendajs/mongo-backend',
  'agendash',
  'unpdf',
  'fflate',
  'grammy',
  'openai',
  '@anthropic-ai/sdk',
  '@google/genai',
  'jose',
  '@googleapis/calendar',
  'google-auth-library',
  'nodemailer',
  'pdfkit',
  'yaml',
];

describe('what the composition root loads', () => {
  it('when only the embedded store is configured, then MongoDB, the dashboard, the extractors, grammY and the model and integration SDKs stay unloaded', async () => {
    const loaded = await loadedPackages({});
    expect(loaded).toEqual(expect.arrayContaining(['express', 'agenda', 'pino']));
    expect(loaded.filter((p) => HEAVY.includes(p))).toEqual([]);
  });

  it('when ADMIN_TOKEN and a bot are configured, then grammY is loaded but the dashboard waits for its first request', async () => {
    const loaded = await loadedPackages({
      ADMIN_TOKEN: 'admin-token-0123456789',
      TELEGRAM_BOT_TOKEN: '7000000042:AAAh-9Rnub_dfIZPJfEZxSMCblzSNqiwMud',
      TELEGRAM_OWNER_IDS: '42',
      // Refused at once: the bot keeps retrying in the background while the probe looks.
      TELEGRAM_API_ROOT: `http://127.0.0.1:${await freePort()}`,
    });
    expect(loaded).toContain('grammy');
    expect(loaded.filter((p) => p !== 'grammy' && HEAVY.includes(p))).toEqual([]);
  });
});
