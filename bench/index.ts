/**
 * `npm run bench [-- --json] [-- case-name…]` — runs the registered benchmark cases and prints one
 * table (or, with --json, one JSON array on stdout). Add a case: export a {@link BenchCase} from a
 * module here and list it in CASES.
 */
import { floorBench } from './floor.js';
import { idleBench } from './idle.js';
import { pipelineBench } from './pipeline.js';
import { retrievalBench } from './retrieval.js';
import { webhookBench } from './webhook.js';
import type { BenchCase, BenchRow } from './types.js';

const CASES: BenchCase[] = [webhookBench, pipelineBench, floorBench, idleBench, retrievalBench];

function table(rows: BenchRow[]): string {
  const cells = rows.map((r) => [r.case, r.metric, r.value.toFixed(r.value < 10 ? 3 : 1), r.unit]);
  const head = ['case', 'metric', 'value', 'unit'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c.map((v, i) => (i === 2 ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const wanted = args.filter((a) => !a.startsWith('--'));
  const cases = CASES.filter((c) => wanted.length === 0 || wanted.includes(c.name));
  if (cases.length === 0) throw new Error(`no such case; known: ${CASES.map((c) => c.name).join(', ')}`);
  const rows: BenchRow[] = [];
  for (const c of cases) {
    process.stderr.write(`running ${c.name}…\n`);
    rows.push(...(await c.run()));
  }
  process.stdout.write(json ? `${JSON.stringify(rows)}\n` : `${table(rows)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
