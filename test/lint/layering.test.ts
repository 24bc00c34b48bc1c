import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The rule ids and messages ESLint reports for `code` as if it were the file at `path` (nothing is written). */
async function lint(eslint: ESLint, path: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, path) });
  return (result?.messages ?? []).map((m) => ({ rule: m.ruleId, message: m.message }));
}

describe('the layering is checked by npm run lint (eslint.config.js)', () => {
  let eslint: ESLint;
  beforeAll(() => {
    eslint = new ESLint({ cwd: root });
  });

  const forbidden: Array<[file: string, source: string, message: RegExp]> = [
    ['src/responder/probe.ts', '../avito/index.js', /src\/responder must not import src\/avito/],
    ['src/responder/jobs/probe.ts', '../../bot/index.js', /src\/responder must not import src\/bot/],
    ['src/responder/probe.ts', '../web/index.js', /src\/responder must not import src\/web/],
    ['src/responder/probe.ts', '../bot/buyer/index.js', /src\/responder must not import src\/bot/],
    ['src/store/sqlite/probe.ts', '../../responder/ports.js', /src\/store must not import src\/responder/],
    ['src/store/probe.ts', '../http/app.js', /src\/store must not import src\/http/],
    ['src/avito/probe.ts', '../http/readiness.js', /src\/avito must not import src\/http/],
    ['src/rag/gemini/probe.ts', '../../bot/html.js', /src\/rag must not import src\/bot/],
    [
      'src/sales/documents/templates/probe.ts',
      '../../../http/app.js',
      /src\/sales must not import src\/http/,
    ],
    ['src/integrations/amocrm/probe.ts', '../../bot/index.js', /src\/integrations must not import src\/bot/],
    ['src/texts/ru/probe.ts', '../../responder/ports.js', /src\/texts must import nothing of ours but types/],
    ['src/texts/probe.ts', '../bot/index.js', /src\/texts must import nothing of ours but types/],
    ['src/texts/probe.ts', '../config.js', /src\/texts must import nothing of ours but types/],
    ['src/texts/en/probe.ts', '../../../package.json', /src\/texts must import nothing of ours but types/],
  ];
  /** The texts' rule is typescript-eslint's (it can tell a type import), the other layers' ESLint's own. */
  const RESTRICTED = ['no-restricted-imports', '@typescript-eslint/no-restricted-imports'];

  for (const [file, source, message] of forbidden) {
    it(`when ${file} imports ${source}, then lint fails`, async () => {
      const code = `import type { X } from '${source}';\nexport type Y = X;\n`;
      const problems = await lint(eslint, file, code);
      expect(problems).toContainEqual({
        rule: file.startsWith('src/texts/')
          ? '@typescript-eslint/no-restricted-imports'
          : 'no-restricted-imports',
        message: expect.stringMatching(message),
      });
    });
  }

  it('when a module imports what its layer may (the bot the responder, a nested folder of its own area), then lint passes', async () => {
    const allowed: Array<[string, string]> = [
      ['src/bot/features/probe.ts', '../../responder/ports.js'],
      ['src/http/probe.ts', '../avito/index.js'],
      ['src/responder/jobs/probe.ts', '../channel.js'],
      // Same name, not the top-level folder: src/responder/jobs/bot would be the responder's own.
      ['src/responder/jobs/probe.ts', '../bot/thing.js'],
      ['src/avito/jobs/probe.ts', '../../responder/channel.js'],
      // The texts are the innermost layer: every layer may use them, and they may use types of src/models.
      ['src/store/sqlite/probe.ts', '../../texts/index.js'],
      ['src/responder/probe.ts', '../texts/index.js'],
      ['src/sales/pricing/probe.ts', '../../texts/index.js'],
      ['src/integrations/amocrm/probe.ts', '../../texts/index.js'],
      ['src/texts/ru/probe.ts', '../../models/problems.js'],
      ['src/texts/en/probe.ts', '../ru/owner.js'],
    ];
    for (const [file, source] of allowed) {
      const problems = await lint(eslint, file, `import type { X } from '${source}';\nexport type Y = X;\n`);
      expect(problems.filter((p) => RESTRICTED.includes(p.rule ?? ''))).toEqual([]);
    }
  });

  it('when a text imports a value from src/models, then lint fails: the texts take only its types', async () => {
    const code = "import { X } from '../../models/records.js';\nexport const y = X;\n";
    const problems = await lint(eslint, 'src/texts/ru/probe.ts', code);
    expect(problems).toContainEqual({
      rule: '@typescript-eslint/no-restricted-imports',
      message: expect.stringMatching(/src\/texts may import only types from src\/models/),
    });
  });
});
