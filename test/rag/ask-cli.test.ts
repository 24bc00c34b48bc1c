import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGeminiSim } from '../../sim/gemini/index.js';
import { makeDocx, tempStore } from './helpers.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const ASK = join(ROOT, 'scripts/ask.ts');

let dir: string;
let docs: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempStore());
  docs = join(dir, 'docs');
  await mkdir(docs);
  await writeFile(
    join(docs, 'Доставка.md'),
    '# Доставка\n\nДоставка по Москве стоит 500 ₽ и занимает 1–2 дня.',
  );
  await writeFile(join(docs, 'item_111__Кресло.docx'), makeDocx(['Гарантия на кресло 12 месяцев.']));
});

afterAll(async () => {
  await cleanup();
});

/** Runs `npm run ask` the way the script does, from a folder without a .env, with a clean Gemini env. */
async function ask(args: string[], env: Record<string, string> = {}) {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('GEMINI_') && k !== 'FILE_SEARCH_STORE'),
  );
  const { stdout, stderr } = await run(TSX, ['--disable-warning=ExperimentalWarning', ASK, ...args], {
    cwd: dir,
    // Vitest sets MODE=test, which is not a valid service mode.
    env: { ...base, MODE: 'review', FALLBACK_TEXT: 'Уточню и вернусь.', ...env },
    timeout: 30_000,
  });
  return { stdout, stderr };
}

describe('npm run ask', () => {
  it('when asked with --json and no key, then stdout is exactly one JSON decision from the local index', async () => {
    const { stdout, stderr } = await ask([
      '--docs',
      docs,
      '--item',
      '111',
      '--json',
      'Какая гарантия на кресло?',
    ]);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(stdout)).toEqual({
      decision: 'answer',
      text: 'Здравствуйте! Гарантия на кресло 12 месяцев.',
      sources: [
        {
          title: 'Кресло',
          doc_id: expect.any(String),
          item_id: '111',
          snippet: 'Гарантия на кресло 12 месяцев.',
        },
      ],
      grounded: true,
      strategy: 'local',
      escalation_reason: null,
    });
    expect(stderr).toContain('2 document(s) loaded');
  });

  it('when given --batch, then one decision per line comes back in order with its id', async () => {
    const batch = join(dir, 'batch.jsonl');
    await writeFile(
      batch,
      [
        { id: 'a', q: 'Сколько стоит доставка по Москве?', item: null },
        { id: 'b', q: 'Позовите менеджера' },
        { id: 'c', q: 'Какая погода на Марсе?' },
        { id: 7, q: 'Какая гарантия на кресло?', item: '111' },
      ]
        .map((l) => JSON.stringify(l))
        .join('\n'),
    );
    const { stdout } = await ask(['--docs', docs, '--batch', batch]);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.id, l.decision, l.strategy, l.escalation_reason])).toEqual([
      ['a', 'answer', 'local', null],
      ['b', 'escalate', 'none', 'human_request'],
      ['c', 'fallback', 'none', null],
      [7, 'answer', 'local', null],
    ]);
    expect(lines[2].text).toBe('Уточню и вернусь.');
  });

  it('when GEMINI_API_KEY is set, then it answers through Gemini File Search and drops its temporary store', async () => {
    const sim = await startGeminiSim({ operationPolls: 1 });
    try {
      const { stdout } = await ask(['--docs', docs, '--json', 'Сколько стоит доставка по Москве?'], {
        GEMINI_API_KEY: sim.apiKey,
        GEMINI_BASE_URL: sim.url,
      });
      const decision = JSON.parse(stdout);
      expect(decision).toMatchObject({ decision: 'answer', strategy: 'general', grounded: true });
      expect(decision.text).toContain('500 ₽');
      expect(decision.sources[0]).toMatchObject({ title: 'Доставка', item_id: null });
      expect(sim.stores()).toEqual([]);
    } finally {
      await sim.close();
    }
  });
});
