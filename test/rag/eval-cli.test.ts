import { execFile } from 'node:child_process';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSet } from '../../scripts/eval/sets.js';
import { tempStore } from './helpers.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const EVAL = join(ROOT, 'scripts/eval.ts');

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempStore());
});
afterAll(async () => {
  await cleanup();
});

async function evaluate(args: string[]) {
  // Whatever keys the shell has, the eval runs without a model.
  const env = { ...process.env, GEMINI_API_KEY: 'AIza-must-be-ignored', MODE: 'review' };
  return run(process.execPath, ['--disable-warning=ExperimentalWarning', '--import', 'tsx', EVAL, ...args], {
    cwd: ROOT,
    env,
    timeout: 120_000,
    maxBuffer: 16 * 1024 * 1024,
  });
}

interface SetResult {
  set: string;
  role: 'tuning' | 'held-out';
  hitAt3: { value: number };
  fallbackOnUnanswerable: { value: number };
  escalationRecall: { value: number };
  escalationPrecision: { value: number };
  factsNotInSources: string[];
  goalsMet: boolean;
}

describe('npm run eval', () => {
  it('when run on the sets in the repository, then it prints the metrics and the sets it was tuned or checked on keep meeting the goals', async () => {
    const { stdout } = await evaluate(['--json']);
    const results = JSON.parse(stdout) as SetResult[];
    const by = new Map(results.map((r) => [r.set, r]));
    expect([...by.keys()].sort()).toEqual(['appliances', 'bikes', 'kids', 'pets', 'tyres']);
    // bikes was tuned on; kids and appliances were held out, then looked at and their misses fixed by kind;
    // tyres and pets fall short of hit@3 (docs/reports/quality.md): for them, what holds is asserted.
    for (const name of ['bikes', 'kids', 'appliances']) {
      expect({ name, goalsMet: by.get(name)!.goalsMet }).toEqual({ name, goalsMet: true });
    }
    for (const r of results) {
      // Zero numbers absent from the sources, everywhere: the drafts quote the documents.
      expect(r.factsNotInSources).toEqual([]);
      expect(r.escalationRecall.value).toBeGreaterThanOrEqual(0.95);
      expect(r.escalationPrecision.value).toBeGreaterThanOrEqual(0.9);
      expect(r.fallbackOnUnanswerable.value).toBeGreaterThanOrEqual(0.9);
    }
  }, 180_000);

  it('when run on one set, then the report names every metric with its goal', async () => {
    const { stdout } = await evaluate(['--set', 'bikes']);
    for (const label of [
      'hit@3 (answerable)',
      'fallback on unanswerable',
      'escalation recall',
      'escalation precision',
      'numbers and other facts not in the sources',
    ]) {
      expect(stdout).toContain(label);
    }
    expect(stdout).toMatch(/Set bikes \(tuning\)/);
    expect(stdout).toMatch(/goal ≥ 90 %/);
  }, 120_000);

  it('when a label points at a phrase no document holds, then the set is refused with the line', async () => {
    const set = join(dir, 'broken');
    await mkdir(set);
    await cp(join(ROOT, 'examples/eval/bikes/docs'), join(set, 'docs'), { recursive: true });
    await writeFile(join(set, 'set.json'), JSON.stringify({ role: 'tuning', description: 'broken' }));
    await writeFile(
      join(set, 'questions.jsonl'),
      `${JSON.stringify({ id: 'x', q: 'Доставка есть?', item: null, expect: 'answer', source: ['доставка на Луну'] })}\n`,
    );
    await expect(loadSet(set)).rejects.toThrow(
      /questions\.jsonl:1 \(x\): «доставка на Луну» is in no document/,
    );
  });
});
