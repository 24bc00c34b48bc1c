import { pollUntil } from '../sim/common/wait.js';
import type { Stack } from '../test/faults/harness.js';
import { cpuMs } from './proc.js';
import { median } from './stats.js';

export const CHATS = Number(process.env.BENCH_CHATS ?? 50);
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** The simulators whose calls per chat are counted, by the name the rows print. */
export type SimName = 'Avito' | 'Gemini' | 'Telegram';

export interface BurstFigures {
  /** Webhook → owner's sendMessage of 1 chat, median of 5 (after one warm-up chat). */
  singleMs: number;
  /** Webhook → sendMessage of every chat of the bursts (CHATS at once, ROUNDS times). */
  latencies: number[];
  /** CPU of the measured process over the bursts, per chat. */
  cpuMsPerChat: number;
  /**
   * CPU of this process (the three simulators and the load) over the bursts, per chat: on a 2-core machine it
   * competes with the measured process, so it bounds the latencies as well.
   */
  harnessCpuMsPerChat: number;
  callsPerChat: Record<SimName, number>;
}

export interface BurstHooks {
  /** After the warm-up chat (first token, first chat, JIT). */
  afterWarmUp?: () => void;
  /** Just before and just after the bursts (e.g. a signal to the process for a counting preload). */
  mark?: () => void;
}

/**
 * The load of the pipeline and floor cases: buyers write to a listing through the Avito simulator, and a
 * chat is done when the owner's Telegram message quoting it reaches the Telegram simulator. One warm-up chat,
 * 5 chats one by one, then ROUNDS bursts of CHATS chats at once while the CPU of process `pid` is counted.
 */
export async function measureChatBursts(
  stack: Stack,
  pid: number,
  hooks: BurstHooks = {},
): Promise<BurstFigures> {
  const listing = stack.avito.seedListing({ title: 'Диван угловой', price: 54_900 });
  let seq = 0;
  /** `n` buyers write at once; resolves with each one's webhook → sendMessage latency in ms. */
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
      { timeoutMs: 60_000, intervalMs: 5, what: `${n} owner messages` },
    );
    return [...seen.values()];
  };

  await burst(1);
  hooks.afterWarmUp?.();

  const single: number[] = [];
  for (let i = 0; i < 5; i += 1) single.push(...(await burst(1)));

  const latencies: number[] = [];
  const sims = { Avito: stack.avito, Gemini: stack.gemini, Telegram: stack.telegram };
  const callsBefore = Object.values(sims).map((sim) => sim.calls.records.length);
  hooks.mark?.();
  const cpuBefore = cpuMs(pid);
  const harnessBefore = process.cpuUsage();
  for (let round = 0; round < ROUNDS; round += 1) {
    latencies.push(...(await burst(CHATS)));
    process.stderr.write(`  round ${round + 1}: ${CHATS} chats\n`);
  }
  const cpuMsPerChat = (cpuMs(pid) - cpuBefore) / (ROUNDS * CHATS);
  const harness = process.cpuUsage(harnessBefore);
  const harnessCpuMsPerChat = (harness.user + harness.system) / 1000 / (ROUNDS * CHATS);
  hooks.mark?.();
  // Counts that load does not change; calls still in flight for the last chats are not counted.
  const callsPerChat = Object.fromEntries(
    Object.entries(sims).map(([name, sim], i) => [
      name,
      (sim.calls.records.length - callsBefore[i]!) / (ROUNDS * CHATS),
    ]),
  ) as Record<SimName, number>;
  return { singleMs: median(single), latencies, cpuMsPerChat, harnessCpuMsPerChat, callsPerChat };
}
