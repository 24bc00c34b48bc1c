import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { bundleService } from '../scripts/build-service/bundle.js';
import { REPO_ROOT } from '../test/faults/harness.js';

let built: Promise<void> | undefined;

/**
 * Compiles and bundles the service into dist/ (`npm run build`, the widget aside), so benchmarks run `node dist/src/main.js` as
 * `npm start`, the systemd unit and the image do. From source, tsx's transform (esbuild's keepNames) sets
 * the name of every named closure (`const f = () => …`) as it is created: work per request users never pay.
 */
export function buildService(): Promise<void> {
  // Once per benchmark run, however many cases start the service.
  built ??= build();
  return built;
}

async function build(): Promise<void> {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const started = performance.now();
  process.stderr.write('building dist/ (the service runs from its build, as users run it)…\n');
  const child = spawn(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`the build failed (tsc exited ${String(code)})`);
  // As `npm run build` does: the service's entry is the bundle (scripts/build-service.ts).
  await bundleService(join(REPO_ROOT, 'dist/src'));
  process.stderr.write(`built in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}
