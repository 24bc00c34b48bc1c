import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import express from 'express';
import { startAvitoSim } from '../sim/avito/index.js';
import { listen } from '../sim/common/server.js';
import { pollUntil } from '../sim/common/wait.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startService } from '../src/service.js';
import { median } from './stats.js';
import type { BenchCase, BenchRow } from './types.js';

const ROUNDS = 3;
const SECONDS = 4;
/** Distinct chats the load writes in (each a buyer the Avito simulator knows). */
const CHATS = 200;

/** Builds each request body in the load generator's worker thread (see webhook-request.cjs). */
const SETUP_REQUEST = fileURLToPath(new URL('./webhook-request.cjs', import.meta.url));

async function load(url: string, rate?: number) {
  return autocannon({
    url,
    connections: 20,
    duration: SECONDS,
    // A worker thread generates the load, so it does not steal the event loop of the server under test.
    workers: 1,
    ...(rate ? { overallRate: rate } : {}),
    requests: [
      { method: 'POST', headers: { 'content-type': 'application/json' }, setupRequest: SETUP_REQUEST },
    ],
  });
}

/**
 * Webhook acknowledgement: our `/avito/webhook/<secret>` (validate, store once, enqueue, 200) against a bare
 * Express handler that only answers 200, measured alternately in one run so machine noise hits both alike.
 */
export const webhookBench: BenchCase = {
  name: 'webhook',
  async run(): Promise<BenchRow[]> {
    const dir = mkdtempSync(join(tmpdir(), 'bench-webhook-'));
    const avito = await startAvitoSim();
    const listing = avito.seedListing({ title: 'Ноутбук Lenovo ThinkPad', price: 54_900 });
    const chats: string[] = [];
    for (let i = 0; i < CHATS; i += 1) {
      const wrote = await avito.buyerWrites({
        itemId: listing.id,
        buyer: { name: `Покупатель ${i}` },
        text: 'Добрый день',
      });
      chats.push(`${wrote.chatId}:${wrote.message.authorId}:${listing.id}`);
    }
    // Read by the load generator's worker thread (webhook-request.cjs).
    process.env.BENCH_CHATS = chats.join(',');
    process.env.BENCH_USER_ID = String(avito.userId);
    const config = loadConfig({
      ...avito.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dir,
      LOG_LEVEL: 'silent',
    });
    const service = await startService(config, createLogger({ level: 'silent' }));
    const secret = await service.store.kv.get<string>('avito:webhook-secret');
    const ours = `${service.http.url}/avito/webhook/${secret}`;
    const bare = express();
    bare.post('/hook', express.json(), (_req, res) => void res.status(200).json({ ok: true }));
    const bareServer = await listen(bare);
    const rows: BenchRow[] = [];
    try {
      const totals = { ours: [] as number[], bare: [] as number[] };
      const p99 = { ours: [] as number[], bare: [] as number[] };
      const p50 = { ours: [] as number[], bare: [] as number[] };
      for (let round = 0; round < ROUNDS; round += 1) {
        for (const [name, url] of [
          ['bare', `${bareServer.url}/hook`],
          ['ours', ours],
        ] as const) {
          const r = await load(url);
          if (r.non2xx > 0 || r.errors > 0)
            throw new Error(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
          totals[name].push(r.requests.average);
          p50[name].push(r.latency.p50);
          p99[name].push(r.latency.p99);
          process.stderr.write(
            `  round ${round + 1} ${name}: ${Math.round(r.requests.average)} req/s, p99 ${r.latency.p99} ms\n`,
          );
        }
      }
      const oursRps = median(totals.ours);
      const bareRps = median(totals.bare);
      rows.push(
        { case: 'webhook', metric: 'bare express throughput', value: bareRps, unit: 'req/s' },
        { case: 'webhook', metric: 'our webhook throughput', value: oursRps, unit: 'req/s' },
        { case: 'webhook', metric: 'throughput ratio (goal >= 0.5)', value: oursRps / bareRps, unit: 'x' },
        { case: 'webhook', metric: 'our p50 (max load)', value: median(p50.ours), unit: 'ms' },
        { case: 'webhook', metric: 'our p99 (max load)', value: median(p99.ours), unit: 'ms' },
      );
      // Events acknowledged faster than processed wait in the inbox (processing steps aside while deliveries
      // pour in): how long the last round's backlog takes to clear once the load stops.
      const pendingAtEnd = (await service.store.events.listByStatus('pending', 100)).length;
      const drainStarted = Date.now();
      await pollUntil(async () => (await service.store.events.listByStatus('pending', 1)).length === 0, {
        timeoutMs: 120_000,
        intervalMs: 20,
        what: 'the inbound backlog to be processed',
      });
      rows.push({
        case: 'webhook',
        metric: `backlog processed after load (${pendingAtEnd}${pendingAtEnd === 100 ? '+' : ''} pending)`,
        value: Date.now() - drainStarted,
        unit: 'ms',
      });
      // Paced: the bare handler is measured the same way, since the load generator's own jitter shows in p99.
      const paced = { ours: [] as number[], oursP50: [] as number[], bare: [] as number[] };
      for (let round = 0; round < 2; round += 1) {
        const b = await load(`${bareServer.url}/hook`, 1000);
        const o = await load(ours, 1000);
        paced.bare.push(b.latency.p99);
        paced.ours.push(o.latency.p99);
        paced.oursP50.push(o.latency.p50);
      }
      rows.push(
        { case: 'webhook', metric: 'bare p99 at 1000 req/s', value: median(paced.bare), unit: 'ms' },
        { case: 'webhook', metric: 'our p50 at 1000 req/s', value: median(paced.oursP50), unit: 'ms' },
        {
          case: 'webhook',
          metric: 'our p99 at 1000 req/s (goal <= 20)',
          value: median(paced.ours),
          unit: 'ms',
        },
        {
          case: 'webhook',
          metric: 'RSS after load',
          value: process.memoryUsage().rss / 2 ** 20,
          unit: 'MiB',
        },
      );
      // The same route with job processing paused: what the acknowledgement alone costs, without the inbound
      // work of the events it stores competing for the event loop.
      await service.agenda.stop(false);
      const ackOnly = await load(ours);
      const ackPaced = await load(ours, 1000);
      rows.push(
        {
          case: 'webhook',
          metric: 'ack only (jobs paused) throughput',
          value: ackOnly.requests.average,
          unit: 'req/s',
        },
        { case: 'webhook', metric: 'ack only p99 at 1000 req/s', value: ackPaced.latency.p99, unit: 'ms' },
      );
    } finally {
      await bareServer.close();
      await service.stop();
      await avito.close();
      rmSync(dir, { recursive: true, force: true });
    }
    return rows;
  },
};
