import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnthropicSim } from '../../sim/anthropic/index.js';
import { startGeminiSim } from '../../sim/gemini/index.js';
import { startOpenAISim } from '../../sim/openai/index.js';
import { providerEnvFor } from '../../sim/providers-env.js';
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

/** Runs `npm run ask` the way the script does, from a folder without a .env, with a clean model env. */
async function ask(args: string[], env: Record<string, string> = {}) {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) =>
        !/^(GEMINI_|OPENAI_|ANTHROPIC_|LLM_)/.test(k) && !['FILE_SEARCH_STORE', 'EMBEDDINGS'].includes(k),
    ),
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
      provider: null,
      model: null,
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
      expect(decision).toMatchObject({
        decision: 'answer',
        strategy: 'general',
        grounded: true,
        provider: 'gemini',
        model: 'gemini-2.5-flash-lite',
      });
      expect(decision.text).toContain('500 ₽');
      expect(decision.sources[0]).toMatchObject({ title: 'Доставка', item_id: null });
      expect(sim.stores()).toEqual([]);
    } finally {
      await sim.close();
    }
  });

  it('when LLM_PROVIDERS=openai, then the OpenAI-compatible API answers from the local passages and --json names it', async () => {
    const sim = await startOpenAISim();
    try {
      const { stdout, stderr } = await ask(
        ['--docs', docs, '--json', 'Сколько стоит доставка по Москве?'],
        providerEnvFor({ openai: sim }),
      );
      const decision = JSON.parse(stdout);
      expect(decision).toMatchObject({
        decision: 'answer',
        strategy: 'general',
        grounded: true,
        provider: 'openai',
        model: 'gpt-4o-mini',
      });
      expect(decision.text).toContain('500 ₽');
      expect(decision.sources[0]).toMatchObject({ title: 'Доставка' });
      expect(stderr).toContain('openai, vectors openai:text-embedding-3-small');
      expect(sim.calls.find('/v1/embeddings', 'POST').length).toBeGreaterThan(0);
    } finally {
      await sim.close();
    }
  });

  it('when LLM_PROVIDERS=anthropic, then Claude answers the item question and --json names it', async () => {
    const sim = await startAnthropicSim();
    try {
      const { stdout } = await ask(['--docs', docs, '--item', '111', '--json', 'Какая гарантия на кресло?'], {
        ...providerEnvFor({ anthropic: sim }),
        ANTHROPIC_MODEL: 'claude-sonnet-4-5',
      });
      expect(JSON.parse(stdout)).toMatchObject({
        decision: 'answer',
        strategy: 'item',
        provider: 'anthropic',
        model: 'claude-sonnet-4-5',
        text: 'Гарантия на кресло 12 месяцев.',
      });
    } finally {
      await sim.close();
    }
  });

  it('when a provider is listed without its key, then ask stops at start-up and says which variable', async () => {
    const err = await ask(['--docs', docs, 'Доставка?'], { LLM_PROVIDERS: 'openai' }).catch(
      (e: { stderr: string; code: number }) => e,
    );
    expect(err).toMatchObject({ code: 1 });
    expect((err as { stderr: string }).stderr).toContain(
      'OPENAI_API_KEY: required when LLM_PROVIDERS includes openai',
    );
  });
});
