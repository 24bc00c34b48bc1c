import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * Sets the largest file offset another process may write (`RLIMIT_FSIZE`, through util-linux `prlimit`): a
 * write past it fails with EFBIG, which SQLite reports as "disk I/O error". `null` lifts the limit again. A
 * failing disk that can be turned on and off in a running process, at no privilege (only the soft limit moves).
 */
export async function limitFileSize(pid: number, bytes: number | null): Promise<void> {
  await promisify(execFile)('prlimit', ['--pid', String(pid), `--fsize=${bytes ?? 'unlimited'}:unlimited`]);
}

/** Whether `prlimit` is there to call (util-linux; Linux only). */
export const canLimitFileSize: boolean = (() => {
  try {
    execFileSync('prlimit', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
