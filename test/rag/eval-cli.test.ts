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
  checkFailures: string[];
}

describe('npm run eval', () => {
  it('when run on the sets in the repository, then it prints the metrics and every set passes --check', async () => {
    const { stdout } = await evaluate(['--json']);
    const results = JSON.parse(stdout) as SetResult[];
    const by = new Map(results.map((r) => [r.set, r]));
    expect([...by.keys()].sort()).toEqual([
      'appliances',
      'aquarium',
      'autoparts',
      'bikes',
      'building',
      'clothes',
      'coffee',
      'computers',
      'cosmetics',
      'farm',
      'fishing',
      'fitness',
      'flowers',
      'garden',
      'jewellery',
      'kids',
      'music',
      'optics',
      'pets',
      'phones',
      'plumbing',
      'stationery',
      'tea',
      'textiles',
      'tools',
      'tyres',
    ]);
    // Every set has been looked at (docs/reports/quality.md): each keeps its recorded floor, and no draft
    // holds a number no document does. Escalation precision meets the goal on every set (a set whose first
    // look recorded less would be held to its floor instead).
    for (const r of results) {
      expect({ set: r.set, failures: r.checkFailures }).toEqual({ set: r.set, failures: [] });
      expect(r.factsNotInSources).toEqual([]);
      const { floor } = await loadSet(r.set);
      expect(r.escalationPrecision.value).toBeGreaterThanOrEqual(
        Math.min(0.9, floor?.escalationPrecision ?? 0.9),
      );
    }
  }, 240_000);

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

  it('when --check runs, then an unseen held-out set is held to the goals and a seen one to its floor', async () => {
    const makeSet = async (name: string, info: object) => {
      const set = join(dir, name);
      await mkdir(set);
      await cp(join(ROOT, 'examples/eval/bikes/docs'), join(set, 'docs'), { recursive: true });
      await writeFile(join(set, 'set.json'), JSON.stringify({ description: name, ...info }));
      // Labelled as needing a person, which the rules will not see: escalation recall 0.
      const line = { id: 'e1', q: 'Доставка есть?', item: null, expect: 'escalate', reason: 'human_request' };
      await writeFile(join(set, 'questions.jsonl'), `${JSON.stringify(line)}\n`);
      return set;
    };
    const exitOf = (set: string) =>
      evaluate(['--set', set, '--check']).then(
        ({ stdout }) => ({ code: 0, stdout }),
        (err: { code: number; stdout: string }) => ({ code: err.code, stdout: err.stdout }),
      );
    const unseen = await exitOf(await makeSet('unseen', { role: 'held-out' }));
    expect(unseen.code).toBe(1);
    expect(unseen.stdout).toContain('--check fails: escalationRecall 0.0 % < goal 95.0 %');
    // Seen since a commit: the goals no longer apply, the floor does.
    const seen = await exitOf(await makeSet('seen', { role: 'held-out', seen: 'abc1234' }));
    expect(seen.code).toBe(0);
    const floored = await exitOf(
      await makeSet('floored', { role: 'held-out', seen: 'abc1234', floor: { escalationRecall: 0.5 } }),
    );
    expect(floored.code).toBe(1);
    expect(floored.stdout).toContain('--check fails: escalationRecall 0.0 % < floor 50.0 %');
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
