import { pollUntil } from '../sim/common/wait.js';
import { startStack } from '../test/faults/harness.js';
import { buildService } from './build.js';
import { cpuMs, rssMiB } from './proc.js';
import { median, percentile } from './stats.js';
import type { BenchCase, BenchRow } from './types.js';

const CHATS = Number(process.env.BENCH_CHATS ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
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
      const listing = stack.avito.seedListing({ title: 'Диван угловой', price: 54_900 });

      let seq = 0;
      /** `n` buyers write at once; resolves with each one's webhook → card latency in ms. */
      const burst = async (n: number): Promise<number[]> => {
        const sentBefore = stack.telegram.calls.find('/sendMessage').length;
        const started = new Map<string, number>();
        await Promise.all(
          Array.from({ length: n }, async () => {
            const tag = `Q${(seq += 1)}`;
            started.set(tag, Date.now());
            await stack.avito.buyerWrites({
              itemId: listing.id,
              buyer: { name: `Покупатель ${tag}` },
              text: `Сколько стоит доставка по Москве? (${tag})`,
            });
          }),
        );
        const seen = new Map<string, number>();
        await pollUntil(
          () => {
            for (const call of stack.telegram.calls.find('/sendMessage').slice(sentBefore)) {
              const tag = /\((Q\d+)\)/.exec((call.body as { text?: string } | null)?.text ?? '')?.[1];
              const t0 = tag ? started.get(tag) : undefined;
              if (tag && t0 !== undefined && !seen.has(tag)) seen.set(tag, call.time - t0);
            }
            return seen.size >= n;
          },
          { timeoutMs: 60_000, intervalMs: 5, what: `${n} draft cards` },
        );
        return [...seen.values()];
      };

      await burst(1); // warm-up: first token, first chat, JIT
      row('RSS after start and one chat (idle: see the idle case)', rssMiB(service.pid), 'MiB');

      const single: number[] = [];
      for (let i = 0; i < 5; i += 1) single.push(...(await burst(1)));
      row('webhook → card, 1 chat (median of 5)', median(single), 'ms');

      const latencies: number[] = [];
      const sims = { Avito: stack.avito, Gemini: stack.gemini, Telegram: stack.telegram };
      const callsBefore = Object.values(sims).map((sim) => sim.calls.records.length);
      if (MARK_SIGNAL) process.kill(service.pid, MARK_SIGNAL);
      const cpuBefore = cpuMs(service.pid);
      for (let round = 0; round < ROUNDS; round += 1) {
        latencies.push(...(await burst(CHATS)));
        process.stderr.write(`  round ${round + 1}: ${CHATS} cards\n`);
      }
      row(`webhook → card p50 (${CHATS} chats at once)`, percentile(latencies, 0.5), 'ms');
      row('webhook → card p99', percentile(latencies, 0.99), 'ms');
      // What bounds the burst: the service's own CPU per chat, on its one event loop.
      row('service CPU per chat (bursts)', (cpuMs(service.pid) - cpuBefore) / (ROUNDS * CHATS), 'ms');
      if (MARK_SIGNAL) process.kill(service.pid, MARK_SIGNAL);
      // Counts that load does not change; calls still in flight for the last cards' chats are not counted.
      Object.entries(sims).forEach(([name, sim], i) =>
        row(
          `${name} calls per chat (bursts)`,
          (sim.calls.records.length - callsBefore[i]!) / (ROUNDS * CHATS),
          'calls',
        ),
      );
      row(`RSS loaded (after ${ROUNDS * CHATS + 6} chats)`, rssMiB(service.pid), 'MiB');
    } finally {
      await stack.close();
    }
    return rows;
  },
};
