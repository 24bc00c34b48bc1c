/**
 * `npm run chaos [-- name…]`: the fault suite of test/faults at full size (1000 webhook events, 200 chats
 * killed mid-flight, 10k fuzz bodies, a disk full and a failing disk under load, …), one scenario after
 * another, then a table of the figures. Exits 1 when any invariant failed.
 * Names: duplicates, crash, dependencies, fuzz, store, disk-full, io-error.
 */
import {
  dependencyFaults,
  diskFull,
  duplicatesAndOrder,
  fuzzWebhooks,
  ioError,
  killMidFlight,
  type ScenarioResult,
  storeUnavailable,
} from '../../test/faults/scenarios.js';

const SCENARIOS: Record<string, () => Promise<ScenarioResult>> = {
  duplicates: () => duplicatesAndOrder({ events: 1000, chats: 50 }),
  crash: () => killMidFlight({ chats: 200 }),
  dependencies: () => dependencyFaults({ chats: 100, burst: 10, sendTimeouts: 5, outageMs: 10_000 }),
  fuzz: () => fuzzWebhooks({ bodies: 10_000, concurrency: 20 }),
  store: () => storeUnavailable({ events: 10 }),
  'disk-full': () => diskFull({ chats: 40, outageMs: 20_000 }),
  'io-error': () => ioError({ chats: 40, outageMs: 20_000 }),
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((n) => !(n in SCENARIOS));
if (unknown.length > 0) {
  console.error(`unknown scenario(s): ${unknown.join(', ')}; known: ${Object.keys(SCENARIOS).join(', ')}`);
  process.exit(2);
}

const results: ScenarioResult[] = [];
for (const [name, run] of Object.entries(SCENARIOS)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  console.log(`\n▶ ${name}`);
  results.push(await run());
}

const rows = results.map((r) => [
  r.name,
  r.problems.length === 0 ? 'ok' : 'FAIL',
  `${(Number(r.figures.totalMs) / 1000).toFixed(1)} s`,
  Object.entries(r.figures)
    .filter(([k]) => k !== 'totalMs')
    .map(([k, v]) => `${k}=${v}`)
    .join(' '),
]);
console.log('\n| scenario | result | time | figures |\n|---|---|---|---|');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
for (const r of results) for (const p of r.problems) console.log(`✗ ${r.name}: ${p}`);
process.exit(results.every((r) => r.problems.length === 0) ? 0 : 1);
