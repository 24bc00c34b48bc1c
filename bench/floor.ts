/**
 * The floor under the pipeline case: what a chat's HTTP exchanges cost with the clients the project must use,
 * and none of our work. bench/floor-service.mjs, run by `node` like the service's build, does per buyer message
 * only the calls the service makes in the pipeline case (the webhook taken by Express, one Avito read by
 * `fetch`, the brief and the File Search answer through @google/genai, the owner's card through grammY), against
 * the same simulators under the same load, and its CPU is counted the same way. The service's CPU per chat can
 * fall towards this figure, not below it: it tells how much of the pipeline's cost is ours to cut (issue 17).
 *
 * FLOOR_SKIP (`avito`, `brief`, `answer`, comma separated), FLOOR_GEMINI=fetch and FLOOR_TELEGRAM=fetch reach
 * the floor process (see there), to see what one kind of call or client costs; the calls-per-chat check then
 * expects skipped calls gone.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { pollUntil } from '../sim/common/wait.js';
import { buildSystemInstruction } from '../src/rag/prompt.js';
import { BRIEF_INSTRUCTION, briefSchema, fieldsForModel } from '../src/sales/leads/brief/model.js';
import { DEFAULT_BRIEF_FIELDS } from '../src/sales/leads/index.js';
import { BUILD_ENTRY_ENV, REPO_ROOT, startStack } from '../test/faults/harness.js';
import { CHATS, measureChatBursts, ROUNDS, type SimName } from './chat-bursts.js';
import { rssMiB } from './proc.js';
import { percentile } from './stats.js';
import type { BenchCase, BenchRow } from './types.js';

const SKIP = new Set((process.env.FLOOR_SKIP ?? '').split(',').filter(Boolean));

/** The pipeline case's calls per chat (its report: Avito 1, Gemini 2, Telegram 1), less what FLOOR_SKIP drops. */
const EXPECTED_CALLS: Record<SimName, number> = {
  Avito: SKIP.has('avito') ? 0 : 1,
  Gemini: 2 - (SKIP.has('brief') ? 1 : 0) - (SKIP.has('answer') ? 1 : 0),
  Telegram: 1,
};

/**
 * The service's own prompts for the floor's two Gemini calls, so its requests stay the service's size: `$…` slots
 * for what differs per chat (the message id, the listing's facts from Avito), filled in by the floor.
 */
function servicePrompts(): string {
  const fields = fieldsForModel(DEFAULT_BRIEF_FIELDS);
  return JSON.stringify({
    briefSystem: BRIEF_INSTRUCTION,
    briefFields: fields,
    briefSchema: JSON.stringify(
      briefSchema(
        fields.map((f) => f.id),
        ['$MESSAGE_ID'],
      ),
    ),
    answerSystem: buildSystemInstruction({ title: '$TITLE', price: '$PRICE', url: '$URL' }),
  });
}

/** Starts the floor process and resolves once it has said "ready" (store indexed, token, webhook subscribed). */
async function startFloor(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bench/floor-service.mjs')], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      ...BUILD_ENTRY_ENV,
      ...env,
      FLOOR_PROMPTS: servicePrompts(),
      // As the pipeline case gives the service: e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` (bench/profile-summary.ts).
      ...(process.env.BENCH_SERVICE_NODE_OPTIONS
        ? { NODE_OPTIONS: process.env.BENCH_SERVICE_NODE_OPTIONS }
        : {}),
      ...(process.env.FLOOR_SKIP ? { FLOOR_SKIP: process.env.FLOOR_SKIP } : {}),
      ...(process.env.FLOOR_GEMINI ? { FLOOR_GEMINI: process.env.FLOOR_GEMINI } : {}),
      ...(process.env.FLOOR_TELEGRAM ? { FLOOR_TELEGRAM: process.env.FLOOR_TELEGRAM } : {}),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  await pollUntil(
    () => {
      if (exited !== undefined) throw new Error(`the floor process exited (${String(exited)})`);
      return out.includes('ready\n');
    },
    { timeoutMs: 30_000, intervalMs: 20, what: 'the floor process to be ready' },
  );
  return child;
}

export const floorBench: BenchCase = {
  name: 'floor',
  async run(): Promise<BenchRow[]> {
    const stack = await startStack();
    const rows: BenchRow[] = [];
    const row = (metric: string, value: number, unit: string) =>
      rows.push({ case: 'floor', metric, value, unit });
    let floor: ChildProcess | undefined;
    try {
      // The floor listens where the service would, so the stack's webhook URL is its own.
      floor = await startFloor(stack.env);
      const pid = floor.pid ?? -1;
      await pollUntil(() => stack.avito.subscriptions().includes(stack.webhookUrl), {
        timeoutMs: 10_000,
        what: 'the Avito webhook subscription',
      });
      const figures = await measureChatBursts(stack, pid);
      const variant = [
        ...(SKIP.size > 0 ? [`without ${[...SKIP].join(', ')}`] : []),
        ...(process.env.FLOOR_GEMINI === 'fetch' ? ['Gemini by fetch'] : []),
        ...(process.env.FLOOR_TELEGRAM === 'fetch' ? ['Telegram by fetch'] : []),
      ];
      row(`floor CPU per chat (bursts${variant.map((v) => `; ${v}`).join('')})`, figures.cpuMsPerChat, 'ms');
      row('simulators and load CPU per chat (bench process)', figures.harnessCpuMsPerChat, 'ms');
      row(`webhook → sendMessage p50 (${CHATS} chats at once)`, percentile(figures.latencies, 0.5), 'ms');
      row('webhook → sendMessage p99', percentile(figures.latencies, 0.99), 'ms');
      row('webhook → sendMessage, 1 chat (median of 5)', figures.singleMs, 'ms');
      for (const [name, calls] of Object.entries(figures.callsPerChat)) {
        row(`${name} calls per chat (bursts)`, calls, 'calls');
      }
      row(`RSS loaded (after ${ROUNDS * CHATS + 6} chats)`, rssMiB(pid), 'MiB');
      // The floor is comparable with the pipeline only while it makes the same calls.
      const off = (Object.keys(EXPECTED_CALLS) as SimName[]).filter(
        (name) => figures.callsPerChat[name] !== EXPECTED_CALLS[name],
      );
      if (off.length > 0) {
        throw new Error(
          `the floor's calls per chat differ from the pipeline's: ${off
            .map((n) => `${n} ${figures.callsPerChat[n]} (expected ${EXPECTED_CALLS[n]})`)
            .join(', ')}`,
        );
      }
    } finally {
      // A profile is written on a clean exit only.
      if (floor && floor.exitCode === null) {
        const exited = new Promise((done) => floor?.once('exit', done));
        floor.kill('SIGTERM');
        await exited;
      }
      await stack.close();
    }
    return rows;
  },
};
