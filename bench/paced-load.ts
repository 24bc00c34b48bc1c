/**
 * Open-loop paced load, run as its own process: `paced-load.ts <url> <rate> <seconds>` POSTs the webhook
 * bodies of webhook-request.cjs at evenly spaced times for one warm-up second plus `seconds`, and prints one
 * JSON line of the measured latencies in ms.
 *
 * Why not autocannon's `overallRate`: each connection sends its share of the second back to back and then
 * waits for the next second, so "1000 req/s" over 20 connections is a full-speed burst for a fraction of a
 * second, and its p99 is the max-load p99. Here request i is due at start + i/rate and its latency counts
 * from that moment, not from when it was sent (as wrk2 does), so a stalled server or a late timer shows.
 */
import http from 'node:http';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { percentile } from './stats.js';

interface Built {
  body: string;
}
const setupRequest = createRequire(import.meta.url)('./webhook-request.cjs') as (req: object) => Built;

const [url = '', rateArg = '', secondsArg = ''] = process.argv.slice(2);
const rate = Number(rateArg);
const seconds = Number(secondsArg);
if (!url || !(rate > 0) || !(seconds > 0)) throw new Error('usage: paced-load.ts <url> <rate> <seconds>');

// Enough sockets that a slow answer never holds the next request back (that would hide the stall).
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
// The first second warms this process up (JIT, opening sockets) and is not counted.
const warmup = rate;
const total = warmup + Math.round(rate * seconds);
const latencies: number[] = [];
let non2xx = 0;
let errors = 0;
let finished = 0;

const done = new Promise<void>((resolve) => {
  const send = (index: number, dueAt: number) => {
    const body = setupRequest({}).body;
    const settle = () => {
      finished += 1;
      if (finished === total) resolve();
    };
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.once('end', () => {
          if (!(res.statusCode && res.statusCode >= 200 && res.statusCode < 300)) non2xx += 1;
          else if (index >= warmup) latencies.push(performance.now() - dueAt);
          settle();
        });
      },
    );
    req.once('error', () => {
      errors += 1;
      settle();
    });
    req.end(body);
  };

  const start = performance.now();
  let sent = 0;
  const tick = () => {
    // Everything due by now goes out; a timer that fires late sends its backlog at once, counted from due.
    const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
    for (; sent < due; sent += 1) send(sent, start + (sent * 1000) / rate);
    if (sent < total) setTimeout(tick, 1);
  };
  tick();
});

await done;
agent.destroy();
process.stdout.write(
  `${JSON.stringify({
    measured: latencies.length,
    non2xx,
    errors,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    max: percentile(latencies, 1),
  })}\n`,
);
