/**
 * `npm run eval -- [--set NAME|DIR]… [--verbose] [--json] [--check]` — runs each labelled question set of
 * `examples/eval/` through `npm run ask -- --batch` (no model: the local index, as a seller without a key
 * has it) and prints hit@3, the fallback rate on unanswerable questions, escalation recall and precision,
 * and the facts in drafts that no document holds. `--verbose` lists every miss; `--check` exits 1 when a
 * draft holds a fact no document does, an unseen held-out set misses the goals, or a set falls below its
 * recorded floor (see `checkFailures`). The sets' design and the latest figures: docs/reports/quality.md.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  BatchDecision,
  checkFailures,
  GOALS,
  isUnseen,
  meetsGoals,
  type Rate,
  type Scores,
  score,
} from './eval/score.js';
import { type EvalSet, findSets, loadSet } from './eval/sets.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ASK = fileURLToPath(new URL('ask.ts', import.meta.url));
const USAGE = 'usage: npm run eval -- [--set NAME|DIR]… [--verbose] [--json] [--check]';

interface Args {
  sets: string[];
  verbose: boolean;
  json: boolean;
  check: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { sets: [], verbose: false, json: false, check: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--verbose' || a === '-v') args.verbose = true;
    else if (a === '--json') args.json = true;
    else if (a === '--check') args.check = true;
    else if (a === '--set' && argv[i + 1]) args.sets.push(argv[++i]!);
    else if (a === '--help' || a === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else {
      process.stderr.write(`unknown argument ${a}\n${USAGE}\n`);
      process.exit(2);
    }
  }
  return args;
}

/** The environment of a seller without any model: no provider keys, whatever the caller's shell has. */
function noModelEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^(GEMINI_|OPENAI_|ANTHROPIC_|LLM_)/.test(k) && k !== 'FILE_SEARCH_STORE',
    ),
  );
  return { ...env, MODE: 'review', LOG_LEVEL: 'warn' };
}

/** `npm run ask -- --docs … --listings … --batch …` for one set; one decision per question. */
async function askBatch(set: EvalSet): Promise<BatchDecision[]> {
  const args = [
    '--docs',
    set.docsDir,
    ...(set.listingsFile ? ['--listings', set.listingsFile] : []),
    '--batch',
    set.questionsFile,
  ];
  const { stdout } = await run(
    process.execPath,
    ['--disable-warning=ExperimentalWarning', '--import', 'tsx', ASK, ...args],
    { cwd: ROOT, env: noModelEnv(), maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => BatchDecision.parse(JSON.parse(l)));
}

const percent = (r: Rate) => (r.value === null ? '—' : `${(100 * r.value).toFixed(1)} %`);

function report(set: EvalSet, s: Scores, verbose: boolean): string {
  const goal = (r: Rate, min: number) =>
    r.value === null ? '' : `goal ≥ ${100 * min} % ${r.value >= min ? '✓' : '✗'}`;
  const row = (label: string, r: Rate, extra = '') =>
    `  ${label.padEnd(44)} ${`${r.hits}/${r.of}`.padStart(7)}  ${percent(r).padStart(8)}  ${extra}`;
  const lines = [
    `Set ${set.name} (${set.role}${set.seen ? `, seen since ${set.seen}` : isUnseen(set) ? ', unseen' : ''}): ${set.description}`,
    `  ${s.questions} questions: ${s.answerable} answerable, ${s.unanswerable} not answerable from the documents, ${s.escalations} needing a person`,
    row('hit@3 (answerable)', s.hitAt3, goal(s.hitAt3, GOALS.hitAt3)),
    row('draft quotes the expected passage', s.draftQuotes),
    row('fallback on answerable (missed answers)', s.missedAnswers),
    row(
      'fallback on unanswerable',
      s.fallbackOnUnanswerable,
      goal(s.fallbackOnUnanswerable, GOALS.fallbackOnUnanswerable),
    ),
    row('escalation recall', s.escalationRecall, goal(s.escalationRecall, GOALS.escalationRecall)),
    row(
      'escalation precision',
      s.escalationPrecision,
      goal(s.escalationPrecision, GOALS.escalationPrecision),
    ),
    row('escalation reason as labelled', s.escalationReason),
    `  ${'numbers and other facts not in the sources'.padEnd(44)} ${String(s.factsNotInSources.length).padStart(7)}            goal 0 ${s.factsNotInSources.length === 0 ? '✓' : '✗'}`,
    `  ${meetsGoals(s) ? 'all goals met' : 'goals NOT met'}${isUnseen(set) ? '' : ' (a seen set: the goals are for unseen ones; --check holds it to its floor)'}`,
    ...checkFailures(set, s).map((f) => `  --check fails: ${f}`),
  ];
  if (verbose) {
    for (const f of s.factsNotInSources) lines.push(`    fact not in the sources: ${f}`);
    for (const m of s.misses) {
      const got = m.got
        ? `${m.got.decision}${m.got.sources[0] ? ` [${m.got.sources[0].title}]` : ''}${m.got.text && m.got.decision === 'answer' ? `: ${m.got.text.replace(/\s+/g, ' ').slice(0, 140)}` : ''}`
        : '—';
      lines.push(`    ✗ ${m.question.id} «${m.question.q}» — ${m.why}\n        got ${got}`);
    }
  }
  return lines.join('\n');
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const dirs = args.sets.length > 0 ? args.sets : await findSets();
  const results: Array<{ set: EvalSet; scores: Scores }> = [];
  for (const dir of dirs) {
    const set = await loadSet(dir);
    if (!args.json) {
      process.stderr.write(
        `Running ${set.name}: npm run ask -- --docs ${set.docsDir}${set.listingsFile ? ` --listings ${set.listingsFile}` : ''} --batch ${set.questionsFile}\n`,
      );
    }
    results.push({ set, scores: score(set, await askBatch(set)) });
  }
  if (args.json) {
    const json = results.map(({ set, scores }) => ({
      set: set.name,
      role: set.role,
      ...scores,
      seen: set.seen ?? null,
      misses: scores.misses.map((m) => ({ id: m.question.id, why: m.why })),
      goalsMet: meetsGoals(scores),
      checkFailures: checkFailures(set, scores),
    }));
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    process.stdout.write(`${results.map((r) => report(r.set, r.scores, args.verbose)).join('\n\n')}\n`);
  }
  const failed = results.filter((r) => checkFailures(r.set, r.scores).length > 0);
  if (args.check && failed.length > 0 && !args.json) {
    process.stderr.write(`--check failed: ${failed.map((r) => r.set.name).join(', ')}\n`);
  }
  return args.check && failed.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
