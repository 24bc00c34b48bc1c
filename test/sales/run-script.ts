import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const ROOT = resolve(import.meta.dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');

/**
 * Runs one of our scripts as `npm run` does, from `cwd` (a folder without a .env), with `unset` removed
 * from the environment; the exit code comes back instead of an exception.
 */
export async function runScript(
  script: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string>; unset?: string[] },
): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !options.unset?.includes(k)));
  try {
    const { stdout, stderr } = await run(
      TSX,
      ['--disable-warning=ExperimentalWarning', join(ROOT, script), ...args],
      // Vitest sets MODE=test, which is not a valid service mode.
      { cwd: options.cwd, env: { ...base, MODE: 'review', ...options.env }, timeout: 60_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
