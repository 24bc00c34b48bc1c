import { pollUntil } from '../sim/common/wait.js';
import { startStack } from '../test/faults/harness.js';
import { buildService } from './build.js';
import { CHATS, measureChatBursts, ROUNDS } from './chat-bursts.js';
import { rssMiB } from './proc.js';
import { percentile } from './stats.js';
import type { BenchCase, BenchRow } from './types.js';

/** Node options for the service only, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it. */
const SERVICE_NODE_OPTIONS = process.env.BENCH_SERVICE_NODE_OPTIONS;
/** A signal sent to the service just before and just after the bursts, for a preload that counts (e.g. SQL). */
const MARK_SIGNAL = process.env.BENCH_MARK_SIGNAL as NodeJS.Signals | undefined;

/**
 * The service as users run it: its own process (`node dist/src/main.js`, built first) with production
 * defaults (job poll 1 s, embedded SQLite), the three simulators in this process like the remote services
 * they stand in for. Measures start → /ready, idle and loaded RSS, and the pipeline latency: a buyer's
 * message POSTed by the Avito simulator → webhook → inbound → respond (Gemini simulator, File Search) → the
 * draft card's sendMessage at the Telegram simulator. Review mode, debounce 0, 1 chat and then CHATS chats
 * at once.
 */
export const pipelineBench: BenchCase = {
  name: 'pipeline',
  async run(): Promise<BenchRow[]> {
    await buildService();
    const stack = await startStack({
      entry: 'build',
      env: {
        MODE: 'review',
        DEBOUNCE_SECONDS: '0',
        ...(SERVICE_NODE_OPTIONS ? { NODE_OPTIONS: SERVICE_NODE_OPTIONS } : {}),
      },
    });
    const rows: BenchRow[] = [];
    const row = (metric: string, value: number, unit: string) =>
      rows.push({ case: 'pipeline', metric, value, unit });
    try {
      const startedAt = performance.now();
      const service = await stack.startService();
      row('start → /ready', performance.now() - startedAt, 'ms');
      await pollUntil(() => stack.gemini.documents().some((d) => d.state === 'STATE_ACTIVE'), {
        timeoutMs: 20_000,
        what: 'the knowledge document to be indexed',
      });
      const figures = await measureChatBursts(stack, service.pid, {
        afterWarmUp: () =>
          row('RSS after start and one chat (idle: see the idle case)', rssMiB(service.pid), 'MiB'),
        ...(MARK_SIGNAL ? { mark: () => process.kill(service.pid, MARK_SIGNAL) } : {}),
      });
      row('webhook → card, 1 chat (median of 5)', figures.singleMs, 'ms');
      row(`webhook → card p50 (${CHATS} chats at once)`, percentile(figures.latencies, 0.5), 'ms');
      row('webhook → card p99', percentile(figures.latencies, 0.99), 'ms');
      // What bounds the burst: the service's own CPU per chat, on its one event loop.
      row('service CPU per chat (bursts)', figures.cpuMsPerChat, 'ms');
      row('simulators and load CPU per chat (bench process)', figures.harnessCpuMsPerChat, 'ms');
      for (const [name, calls] of Object.entries(figures.callsPerChat)) {
        row(`${name} calls per chat (bursts)`, calls, 'calls');
      }
      row(`RSS loaded (after ${ROUNDS * CHATS + 6} chats)`, rssMiB(service.pid), 'MiB');
    } finally {
      await stack.close();
    }
    return rows;
  },
};
