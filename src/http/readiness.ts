import type { CheckResult, ReadinessCheck } from '../lib/checks.js';

export type { CheckResult, ReadinessCheck } from '../lib/checks.js';

export interface ReadinessReport {
  status: 'ok' | 'fail';
  checks: Record<string, CheckResult & { ms: number }>;
}

/**
 * The checks behind `/ready`. Each integration registers its own; a check that throws or exceeds
 * the timeout counts as `fail`. Only `fail` makes the service not ready.
 */
export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();

  constructor(private readonly timeoutMs = 2000) {}

  add(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  async report(): Promise<ReadinessReport> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        const started = performance.now();
        let result: CheckResult;
        let timer: NodeJS.Timeout | undefined;
        try {
          result = await Promise.race([
            check(),
            new Promise<CheckResult>((resolve) => {
              timer = setTimeout(
                () => resolve({ status: 'fail', detail: `no answer within ${this.timeoutMs} ms` }),
                this.timeoutMs,
              );
            }),
          ]);
        } catch (err) {
          result = { status: 'fail', detail: err instanceof Error ? err.message : String(err) };
        } finally {
          clearTimeout(timer);
        }
        return [name, { ...result, ms: Math.round(performance.now() - started) }] as const;
      }),
    );
    const checks = Object.fromEntries(entries);
    const failed = entries.some(([, r]) => r.status === 'fail');
    return { status: failed ? 'fail' : 'ok', checks };
  }
}
