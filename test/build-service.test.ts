import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeRegExpLiterals } from '../scripts/build-service/ascii-regexps.js';
import { bundleService } from '../scripts/build-service/bundle.js';
import { meetsNodeFloor, NODE_FLOOR, NODE_FLOOR_EXIT } from '../src/node-floor.js';
import { builtWidgetPath } from '../src/web/script.js';
import { REPO_ROOT, type Stack, startStack } from './faults/harness.js';

/** A Node older than the floor on this machine (the system's /usr/bin/node is often one), if any. */
function olderNode(): string | undefined {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node']) {
    const probe = spawnSync(candidate, ['-p', 'process.versions.node'], { encoding: 'utf8' });
    const version = probe.stdout?.trim();
    if (probe.status === 0 && version && !meetsNodeFloor(version)) return candidate;
  }
  return undefined;
}

describe('the bundled service (npm run build, scripts/build-service.ts)', () => {
  // A copy of the build as `npm run build` lays it out: dist/src/main.js and its chunks, package.json, and the
  // installed packages the bundle leaves to Node.
  const root = mkdtempSync(join(tmpdir(), 'bundle-'));
  let stack: Stack | undefined;
  beforeAll(async () => {
    copyFileSync(join(REPO_ROOT, 'package.json'), join(root, 'package.json'));
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
    mkdirSync(join(root, 'dist', 'src'), { recursive: true });
    await bundleService(join(root, 'dist', 'src'));
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('when it is built, then main.js and every chunk hold only Latin-1 text and have a source map beside them', () => {
    const chunks = readdirSync(join(root, 'dist', 'src', 'chunks')).filter((f) => f.endsWith('.js'));
    expect(chunks.length).toBeGreaterThan(1);
    for (const file of ['main.js', ...chunks.map((c) => join('chunks', c))]) {
      const code = readFileSync(join(root, 'dist', 'src', file), 'utf8');
      // V8 keeps a source with any other character as two bytes per character.
      expect(/[^\u0000-\u00ff]/u.exec(code)?.[0], file).toBeUndefined();
      expect(code).toContain(`//# sourceMappingURL=${file.split('/').pop()!}.map`);
      expect(readdirSync(join(root, 'dist', 'src', file.includes('/') ? 'chunks' : ''))).toContain(
        `${file.split('/').pop()!}.map`,
      );
    }
  });

  it('when it runs against the simulators, then it answers /health, a buyer gets a draft card, and it warns about nothing', async () => {
    stack = await startStack({ entry: 'build', root, env: { MODE: 'review', DEBOUNCE_SECONDS: '0' } });
    const service = await stack.startService();
    expect((await fetch(`${stack.url}/health`)).status).toBe(200);
    // grammY's requests and the draft card: a bundle that renamed a class grammY's fetch checks by name fails here.
    await stack.buyerGetsCard();
    // No deprecation warnings that Node keeps quiet about for code in node_modules (url.parse, punycode, Buffer()).
    expect(service.stderr.join('')).toBe('');
  }, 90_000);

  it.skipIf(!olderNode())(
    'when main.js is started on an older Node, then it prints the floor message and exits before loading the rest',
    () => {
      const run = spawnSync(olderNode()!, [join(root, 'dist', 'src', 'main.js')], { encoding: 'utf8' });
      expect(run.status).toBe(NODE_FLOOR_EXIT);
      expect(run.stderr).toContain(`avito-responder needs Node.js ${NODE_FLOOR} or newer`);
    },
  );
});

describe('non-ASCII characters of patterns (scripts/build-service/ascii-regexps.ts)', () => {
  const SOURCE = [
    'export const price = /\\d\\s*(?:₽|руб|р\\.|тыс)/u;',
    'export const names = /^([А-ЯЁ][а-яё]+) ([А-ЯЁ])[а-яё]+$/;',
    'export const emoji = /[👍✅]+/u;',
    'export const dots = /…+$/u;',
    "export const unit = new RegExp(String.raw`(?:шт(?:\\.|ук[аи]?)?|м²|№\\s*\\d+)`, 'iu');",
    "export const text = 'Доставка — «да»';",
  ].join('\n');
  const SAMPLES = [
    '12 500 ₽',
    '50 тыс',
    '3 руб',
    'Иван Петров',
    'Ёлка Зелёная',
    'ok 👍👍',
    '✅',
    'ждём…',
    '2 шт.',
    '5 штук',
    '10 м²',
    '№ 15',
    'ШТУКА',
    'plain',
  ];

  it('when our sources are bundled, then their patterns are ASCII and match exactly what they matched before', async () => {
    const escaped = escapeRegExpLiterals('patterns.ts', SOURCE);
    const dir = mkdtempSync(join(tmpdir(), 'patterns-'));
    try {
      const [before, after] = await Promise.all(
        [SOURCE, escaped].map(async (code, i) => {
          const file = join(dir, `patterns-${i}.mjs`);
          writeFileSync(file, code);
          return (await import(pathToFileURL(file).href)) as Record<string, RegExp | string>;
        }),
      );
      // Strings are left to esbuild, which escapes them itself.
      expect(after!.text).toBe(before!.text);
      const patterns = Object.keys(before!).filter((k) => before![k] instanceof RegExp);
      expect(patterns).toHaveLength(5);
      for (const name of patterns) {
        const [was, now] = [before![name] as RegExp, after![name] as RegExp];
        expect(now.source, name).toMatch(/^[\u0000-\u007f]*$/u);
        expect(now.flags).toBe(was.flags);
        for (const sample of SAMPLES)
          expect(sample.match(now), `${name} on ${sample}`).toEqual(sample.match(was));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the widget of a build (src/web/script.ts)', () => {
  it('when the code that serves it runs from anywhere under dist/, then it reads dist/widget/widget.js', () => {
    for (const module of [
      '/app/dist/src/web/script.js',
      '/app/dist/src/chunks/web-ABC123.js',
      '/app/dist/src/main.js',
    ])
      expect(builtWidgetPath(pathToFileURL(module).href)).toBe('/app/dist/widget/widget.js');
    expect(builtWidgetPath(pathToFileURL('/srv/dist/x/dist/src/chunks/web.js').href)).toBe(
      '/srv/dist/x/dist/widget/widget.js',
    );
  });
});
