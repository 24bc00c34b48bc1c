import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, ServiceProcess, startStack } from '../test/faults/harness.js';
import { buildService } from './build.js';
import { rssMiB } from './proc.js';
import type { BenchCase, BenchRow } from './types.js';

/** The memory goal for an idle service (issue 16). */
export const IDLE_RSS_GOAL_MIB = 120;
/**
 * How long the service idles before it is measured: start-up work (first syncs, jobs) is done by then, and the
 * WAL checkpoint worker has stopped for want of writes (lib/wal-checkpointer.ts).
 */
const IDLE_MS = 20_000;

/**
 * Idle memory of the built service (`node dist/src/main.js`, production defaults, embedded SQLite), each after
 * {@link IDLE_MS} without traffic: with nothing configured (every integration off); pointed at the three
 * simulators (Avito, Telegram, Gemini on) on its first start, which creates the File Search store, uploads the
 * knowledge and subscribes the webhook (the Gemini SDK is loaded for that and stays); restarted on the same
 * data, as a configured service runs from then on; and that one again once a buyer's message has been answered.
 */
export const idleBench: BenchCase = {
  name: 'idle',
  async run(): Promise<BenchRow[]> {
    await buildService();
    const rows: BenchRow[] = [];
    const row = (what: string, value: number) =>
      rows.push({
        case: 'idle',
        metric: `RSS idle, ${what} (goal ≤ ${IDLE_RSS_GOAL_MIB})`,
        value,
        unit: 'MiB',
      });

    const dir = mkdtempSync(join(tmpdir(), 'bench-idle-'));
    const port = await freePort();
    const bare = await ServiceProcess.start(
      {
        NODE_ENV: 'production',
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: join(dir, 'data'),
        DOCS_DIR: join(dir, 'knowledge'),
      },
      port,
      30_000,
      'build',
    );
    try {
      await sleep(IDLE_MS);
      row('nothing configured', rssMiB(bare.pid));
    } finally {
      await bare.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }

    const stack = await startStack({ entry: 'build', env: { MODE: 'review' } });
    try {
      const first = await stack.startService();
      await sleep(IDLE_MS);
      row('simulators configured, first start', rssMiB(first.pid));
      await first.kill('SIGTERM');
      const again = await stack.startService();
      await sleep(IDLE_MS);
      row('simulators configured, restarted', rssMiB(again.pid));
      // In use: a buyer's message answered (the model's SDK and the answering path loaded), then quiet again.
      await stack.buyerGetsCard();
      await sleep(IDLE_MS);
      row('simulators configured, restarted, one chat answered', rssMiB(again.pid));
    } finally {
      await stack.close();
    }
    return rows;
  },
};
