import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DOCS_DIR } from '../src/config.js';
import { NODE_FLOOR, NODE_FLOOR_EXIT } from '../src/node-floor.js';
import { BUILD_ENTRY_ENV, REPO_ROOT } from './faults/harness.js';

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');

/** What runs in production: the service and the operator commands the image and the unit document. */
const PRODUCTION_ENTRIES = [
  'src/main.ts',
  'scripts/register-webhook.ts',
  'scripts/sync-docs.ts',
  'scripts/rotate-key.ts',
  'scripts/ask.ts',
  'scripts/quote.ts',
  'scripts/documents.ts',
  'scripts/amocrm.ts',
];

const IMPORT = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)'([^']+)'/g;
/** Type-only imports vanish in the build. */
const TYPE_IMPORT = /^\s*import\s+type\s[^;]*;/gm;
/**
 * Packages a module loads only when the service runs from source (tsx, tests), never from `dist/`: the widget
 * is bundled in memory there, while the build reads the bundle `npm run build` wrote (src/web/script.ts).
 */
const SOURCE_ONLY: Record<string, string[]> = { 'src/web/script.ts': ['esbuild'] };

/** Every source file reachable from `entries` through relative imports, and the packages they import. */
function importGraph(entries: string[]): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = entries.map((e) => join(REPO_ROOT, e));
  for (let file = queue.pop(); file; file = queue.pop()) {
    if (files.has(file)) continue;
    files.add(file);
    // Comments may quote imports (`import('./x.js')` in a doc comment): drop them first.
    const code = readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '')
      .replace(TYPE_IMPORT, '');
    const sourceOnly = SOURCE_ONLY[relative(REPO_ROOT, file)] ?? [];
    for (const [, spec] of code.matchAll(IMPORT)) {
      if (sourceOnly.includes(spec!)) continue;
      if (spec!.startsWith('.')) {
        const target = resolve(dirname(file), spec!.replace(/\.js$/, '.ts'));
        if (!existsSync(target)) throw new Error(`${relative(REPO_ROOT, file)} imports missing ${spec}`);
        queue.push(target);
      } else if (!spec!.startsWith('node:') && !builtinModules.includes(spec!)) {
        const parts = spec!.split('/');
        packages.add(spec!.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
      }
    }
  }
  return { files, packages };
}

describe('what production runs', () => {
  const manifest = JSON.parse(read('package.json')) as {
    engines: { node: string };
    scripts: Record<string, string>;
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  const graph = importGraph(PRODUCTION_ENTRIES);

  it('when the service and the operator commands are followed through their imports, then no dev dependency is needed', () => {
    const packages = [...graph.packages];
    expect(packages).toEqual(expect.arrayContaining(['express', 'pino', 'zod']));
    expect(packages.filter((p) => p in manifest.devDependencies)).toEqual([]);
    expect(packages.filter((p) => !(p in manifest.dependencies))).toEqual([]);
  });

  it('when the image is built, then every file those commands need is copied in and compiled', () => {
    const build = JSON.parse(read('tsconfig.build.json')) as { include: string[]; exclude?: string[] };
    const dockerfile = read('Dockerfile');
    const folders = new Set([...graph.files].map((f) => relative(REPO_ROOT, f).split('/')[0]!));
    for (const folder of folders) {
      expect(build.include).toContain(folder);
      expect(dockerfile).toContain(`COPY ${folder} ./${folder}`);
    }
    for (const file of graph.files) {
      const path = relative(REPO_ROOT, file);
      expect(build.exclude ?? []).not.toContain(path);
      expect((build.exclude ?? []).some((e) => path.startsWith(`${e}/`))).toBe(false);
    }
    for (const entry of PRODUCTION_ENTRIES.filter((e) => e.startsWith('scripts/')))
      expect(read('README.md')).toContain(`node dist/${entry.replace(/\.ts$/, '.js')}`);
  });

  it('when the knowledge folder is configured anywhere, then README, .env.example, Docker, compose and the unit agree', () => {
    expect(DEFAULT_DOCS_DIR).toBe('./knowledge');
    expect(read('.env.example')).toMatch(/^DOCS_DIR=\.\/knowledge$/m);
    expect(read('README.md')).toContain('| `DOCS_DIR`                               | `./knowledge`');
    expect(read('Dockerfile')).toMatch(/ENV [^\n]*DOCS_DIR=\/app\/knowledge/);
    expect(read('Dockerfile')).toMatch(/mkdir -p [^\n]*\/app\/knowledge/);
    const compose = read('docker-compose.yml');
    expect(compose).toContain('DOCS_DIR: /app/knowledge');
    expect(compose).toContain('- ./knowledge:/app/knowledge:ro');
    const unit = read('deploy/avito-responder.service');
    expect(unit).toContain('WorkingDirectory=/opt/avito-responder\n');
    expect(unit).toContain('Environment=DOCS_DIR=/opt/avito-responder/knowledge\n');
  });

  it('when the Node floor is stated, then package.json, the unit and the check agree, and the unit avoids the distro node', () => {
    const [major, minor] = NODE_FLOOR.split('.');
    expect(manifest.engines.node).toBe(`>=${major}.${minor}`);
    const unit = read('deploy/avito-responder.service');
    const execStart = /^ExecStart=(\S+)/m.exec(unit)?.[1];
    expect(execStart).toBe('/usr/local/bin/node');
    expect(unit).toContain(`RestartPreventExitStatus=${NODE_FLOOR_EXIT}`);
    expect(read('README.md')).toContain(`Node.js ${major}.${minor} or newer`);
  });

  it('when the built service is started by npm start, the image or the unit, then each gives it the allocator setting the benchmarks run it with', () => {
    const settings = Object.entries(BUILD_ENTRY_ENV);
    expect(settings.length).toBeGreaterThan(0);
    for (const [name, value] of settings) {
      expect(manifest.scripts.start).toMatch(new RegExp(`^${name}=${value} node `));
      expect(read('Dockerfile')).toMatch(new RegExp(`^ENV ${name}=${value}$`, 'm'));
      expect(read('deploy/avito-responder.service')).toMatch(
        new RegExp(`^Environment=${name}=${value}$`, 'm'),
      );
    }
  });
});
