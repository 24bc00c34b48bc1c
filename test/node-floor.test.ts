import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { meetsNodeFloor, NODE_FLOOR, NODE_FLOOR_EXIT } from '../src/node-floor.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A Node older than the floor on this machine (the system's /usr/bin/node is often one), if any. */
function olderNode(): string | undefined {
  const which = spawnSync('which', ['-a', 'node'], { encoding: 'utf8' }).stdout?.split('\n') ?? [];
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node', ...which]) {
    if (!candidate) continue;
    const probe = spawnSync(candidate, ['-p', 'process.versions.node'], { encoding: 'utf8' });
    const version = probe.stdout?.trim();
    // tsx (which runs the entries from source) needs Node 18.
    if (probe.status === 0 && version && !meetsNodeFloor(version) && meetsNodeFloor(version, '18.19.0'))
      return candidate;
  }
  return undefined;
}

const OLD_NODE = olderNode();
const ENTRIES: Array<[string, string]> = [
  ['src/main.ts', 'avito-responder'],
  ['scripts/demo.ts', 'npm run demo'],
  ['scripts/ask.ts', 'npm run ask'],
  ['scripts/sync-docs.ts', 'npm run sync-docs'],
  ['scripts/register-webhook.ts', 'npm run webhook'],
  ['scripts/rotate-key.ts', 'npm run rotate-key'],
  ['scripts/chaos.ts', 'npm run chaos'],
  ['scripts/quote.ts', 'npm run quote'],
  ['scripts/documents.ts', 'npm run documents'],
  ['scripts/amocrm.ts', 'npm run amocrm'],
];

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe('node floor', () => {
  it('when a version is compared with the floor, then 22.16 and later pass and older ones do not', () => {
    expect(NODE_FLOOR).toBe('22.16.0');
    for (const ok of ['22.16.0', '22.16.1', '22.20.0', '23.0.0', '24.11.1', 'v24.0.0'])
      expect(meetsNodeFloor(ok)).toBe(true);
    for (const old of ['22.15.1', '22.12.0', '20.20.2', '18.19.0', 'v21.7.3'])
      expect(meetsNodeFloor(old)).toBe(false);
  });

  it.skipIf(!OLD_NODE).each(ENTRIES)(
    'when %s is started on an older Node, then it prints one line naming both versions and exits 78',
    (entry, what) => {
      const run = spawnSync(OLD_NODE!, ['--import', 'tsx', entry, '--help'], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '' },
        timeout: 30_000,
      });
      const old = spawnSync(OLD_NODE!, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim();
      expect(run.status).toBe(NODE_FLOOR_EXIT);
      const lines = run.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`${what} needs Node.js ${NODE_FLOOR} or newer`);
      expect(lines[0]).toContain(`this is Node.js ${old}`);
      expect(run.stdout).toBe('');
    },
  );

  it('when npm start is run before a build, then it says to run npm run build (or npm run serve)', () => {
    // A checkout without dist/: package.json and the start check, nothing built.
    const dir = mkdtempSync(join(tmpdir(), 'no-build-'));
    temps.push(dir);
    mkdirSync(join(dir, 'scripts'));
    copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
    copyFileSync(join(ROOT, 'scripts/require-build.mjs'), join(dir, 'scripts/require-build.mjs'));
    const run = spawnSync('npm', ['start'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` },
      timeout: 30_000,
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('run `npm run build` first, or `npm run serve`');
    expect(run.stderr).not.toMatch(/ERR_MODULE_NOT_FOUND|Cannot find module/);
  });
});
