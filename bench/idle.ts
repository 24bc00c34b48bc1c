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
/** How long the service idles before it is measured: start-up work (first syncs, jobs) is done by then. */
const IDLE_MS = 10_000;

/**
 * Idle memory of the built service (`node dist/src/main.js`, production defaults, embedded SQLite): once with
 * nothing configured (every integration off), once pointed at the three simulators (Avito, Telegram, Gemini
 * on, webhook subscribed), each after {@link IDLE_MS} without traffic.
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
      const service = await stack.startService();
      await sleep(IDLE_MS);
      row('simulators configured', rssMiB(service.pid));
    } finally {
      await stack.close();
    }
    return rows;
  },
};
