/**
 * Reads what the pipeline bench's instruments wrote (see bench/pipeline.ts):
 * - `npx tsx bench/profile-summary.ts <file.cpuprofile> [fromSeconds] [--functions]`: the service's main-thread
 *   CPU by kind of work (or by function), from `fromSeconds` into the profile (skip the start-up);
 * - `npx tsx bench/profile-summary.ts --sql <before.json> <after.json> <chats>`: SQLite statements per chat
 *   between two snapshots of bench/count-sql.mjs.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Kinds of work, first match wins (URLs of the build in dist/, of node_modules and of Node's internals). */
const KINDS: Array<[kind: string, url: RegExp]> = [
  ['store: SQLite statements and rows', /dist\/src\/(store|security)\//],
  ['jobs: SQLite statements and rows', /dist\/src\/jobs\//],
  ['Agenda and debug', /node_modules\/(agenda|debug|cron-parser|human-interval|date\.js|luxon)\//],
  ['HTTP client: @google/genai', /node_modules\/@google\/genai\//],
  ['HTTP client: undici (fetch)', /undici/],
  ['Telegram client: grammY', /node_modules\/(grammy|@grammyjs|node-fetch)\//],
  [
    'HTTP server: Express',
    /node_modules\/(express|router|body-parser|raw-body|iconv-lite|qs|finalhandler)\//,
  ],
  ['logging: pino', /node_modules\/(pino|thread-stream|sonic-boom|fast-redact)/],
  ['zod', /node_modules\/zod\//],
  ['rag: local checks and retrieval glue', /dist\/src\/rag\//],
  ['sales', /dist\/src\/sales\//],
  ['bot: cards, notifier', /dist\/src\/bot\//],
  ['responder, avito, http, lib', /dist\/src\//],
  ['node: http, net', /^node:(_http|net|http|internal\/http)/],
  ['node: other (streams, events, timers, tty)', /^node:/],
];

function kindOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (!url) return functionName === '(garbage collector)' ? 'GC' : 'native (V8, builtins, microtasks)';
  return (
    KINDS.find(([, pattern]) => pattern.test(url))?.[0] ?? `other: ${url.replace(/.*node_modules\//, '')}`
  );
}

function functionOf(node: ProfileNode): string {
  const { url, functionName, lineNumber } = node.callFrame;
  return `${functionName || '(anonymous)'} ${url.replace(/.*\/(node_modules|dist)\//, '')}:${lineNumber + 1}`;
}

function summariseProfile(file: string, fromSeconds: number, by: (node: ProfileNode) => string): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  let at = 0;
  let busy = 0;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    const node = nodes.get(id);
    const spent = profile.timeDeltas[i + 1] ?? 0;
    if (!node || node.callFrame.functionName === '(idle)' || at < fromSeconds * 1e6) return;
    const key = by(node);
    totals.set(key, (totals.get(key) ?? 0) + spent);
    busy += spent;
  });
  process.stdout.write(`busy: ${(busy / 1000).toFixed(0)} ms\n`);
  for (const [key, spent] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, 40))
    process.stdout.write(`${((100 * spent) / busy).toFixed(1).padStart(5)} %  ${key}\n`);
}

function sqlPerChat(beforeFile: string, afterFile: string, chats: number): void {
  const read = (f: string) => JSON.parse(readFileSync(f, 'utf8')) as Record<string, number>;
  const before = read(beforeFile);
  const rows = Object.entries(read(afterFile))
    .map(([sql, n]) => [sql, (n - (before[sql] ?? 0)) / chats] as const)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  process.stdout.write(`statements per chat: ${rows.reduce((sum, [, n]) => sum + n, 0).toFixed(1)}\n`);
  for (const [sql, n] of rows) process.stdout.write(`${n.toFixed(2).padStart(6)}  ${sql.slice(0, 160)}\n`);
}

const args = process.argv.slice(2);
if (args[0] === '--sql') sqlPerChat(args[1]!, args[2]!, Number(args[3] ?? 150));
else
  summariseProfile(
    args[0]!,
    Number(args.find((a, i) => i > 0 && !a.startsWith('--')) ?? 0),
    args.includes('--functions') ? functionOf : kindOf,
  );
