import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAvitoSim } from '../sim/avito/index.js';
import { serviceEnvFor } from '../sim/env.js';
import { startGeminiSim } from '../sim/gemini/index.js';
import { startTelegramSim } from '../sim/telegram/index.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startService } from '../src/service.js';
import type { BenchCase, BenchRow } from './types.js';

const CHATS = Number(process.env.BENCH_CHATS ?? 50);
const ROUNDS = 3;
const DOC = 'Доставка по Москве курьером стоит 500 рублей и занимает 1-2 дня. Самовывоз бесплатно со склада.';

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

/**
 * Pipeline latency: a buyer's message POSTed by the Avito simulator → webhook → inbound → respond (Gemini
 * simulator, 0 ms) → the draft card's sendMessage at the Telegram simulator. 50 chats at once, debounce 0.
 */
export const pipelineBench: BenchCase = {
  name: 'pipeline',
  async run(): Promise<BenchRow[]> {
    const dir = mkdtempSync(join(tmpdir(), 'bench-pipeline-'));
    const [avito, gemini, telegram] = await Promise.all([
      startAvitoSim(),
      startGeminiSim(),
      startTelegramSim(),
    ]);
    const config = loadConfig({
      ...serviceEnvFor({ avito, gemini, telegram }),
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dir,
      DEBOUNCE_SECONDS: '0',
      LOG_LEVEL: 'silent',
    });
    const service = await startService(config, createLogger({ level: 'silent' }), { processEvery: 50 });
    const rows: BenchRow[] = [];
    try {
      const secret = await service.store.kv.get<string>('avito:webhook-secret');
      await service.avito!.client.subscribe(`${service.http.url}/avito/webhook/${secret}`);
      await service.knowledge.ingest({
        origin: 'upload',
        fileName: 'Доставка.txt',
        bytes: new TextEncoder().encode(DOC),
      });
      const listing = avito.seedListing({ title: 'Диван угловой', price: 54900 });
      const latencies: number[] = [];
      const rssBefore = process.memoryUsage().rss;
      for (let round = 0; round < ROUNDS; round += 1) {
        const started = new Map<string, number>();
        await Promise.all(
          Array.from({ length: CHATS }, async (_, i) => {
            const tag = `R${round}C${i}`;
            started.set(tag, performance.timeOrigin + performance.now());
            await avito.buyerWrites({
              itemId: listing.id,
              buyer: { name: `Покупатель ${tag}` },
              text: `Сколько стоит доставка по Москве? (${tag})`,
            });
          }),
        );
        const deadline = Date.now() + 30_000;
        const seen = new Map<string, number>();
        while (seen.size < CHATS && Date.now() < deadline) {
          for (const call of telegram.calls.find('/sendMessage')) {
            const text = (call.body as { text?: string } | null)?.text ?? '';
            const tag = text.match(/\((R\d+C\d+)\)/)?.[1];
            if (tag && started.has(tag) && !seen.has(tag)) seen.set(tag, call.time - started.get(tag)!);
          }
          await new Promise((r) => setTimeout(r, 10));
        }
        if (seen.size < CHATS)
          throw new Error(`round ${round + 1}: only ${seen.size}/${CHATS} cards within 30 s`);
        latencies.push(...seen.values());
        process.stderr.write(`  round ${round + 1}: ${CHATS} cards\n`);
      }
      latencies.sort((a, b) => a - b);
      rows.push(
        {
          case: 'pipeline',
          metric: `webhook → card p50 (${CHATS} chats at once)`,
          value: percentile(latencies, 0.5),
          unit: 'ms',
        },
        { case: 'pipeline', metric: 'webhook → card p99', value: percentile(latencies, 0.99), unit: 'ms' },
        { case: 'pipeline', metric: 'RSS after', value: process.memoryUsage().rss / 2 ** 20, unit: 'MiB' },
        {
          case: 'pipeline',
          metric: 'RSS growth',
          value: (process.memoryUsage().rss - rssBefore) / 2 ** 20,
          unit: 'MiB',
        },
      );
    } finally {
      await service.stop();
      await Promise.all([avito.close(), gemini.close(), telegram.close()]);
      rmSync(dir, { recursive: true, force: true });
    }
    return rows;
  },
};
