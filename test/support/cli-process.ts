import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** One of our command-line scripts (`sim/cli.ts`, `scripts/demo.ts`) as a child process, driven through stdin. */
export class CliProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly exited: Promise<number | null>;
  out = '';
  err = '';
  /** Where the output of the last `send` starts. */
  private mark = 0;

  constructor(script: string, args: string[]) {
    this.child = spawn(
      process.execPath,
      ['--disable-warning=ExperimentalWarning', '--import', 'tsx', script, ...args],
      { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } },
    );
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      this.out += chunk;
    });
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.err += chunk;
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  send(line: string): void {
    this.mark = this.out.length;
    this.child.stdin.write(`${line}\n`);
  }

  /** Output since the last `send` (all of it before the first). */
  get recent(): string {
    return this.out.slice(this.mark);
  }

  /** Waits until the output since the last `send` matches `pattern`; fails with that output otherwise. */
  async waitFor(pattern: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(this.recent);
      if (match) return match;
      if (!this.running || Date.now() > deadline) {
        throw new Error(`no ${pattern} in the output:\n${this.recent}\n--- stderr:\n${this.err}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Kills it if it still runs (test clean-up). */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}
