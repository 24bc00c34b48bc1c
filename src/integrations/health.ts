import { describeError } from '../errors.js';
import type { CheckResult } from '../lib/checks.js';
import type { IntegrationName } from '../responder/ports.js';

interface Outcome {
  ok: boolean;
  at: Date;
  error?: string;
}

/**
 * How each integration fared on its last call, for `/ready` and `/status`: `ok` until a call fails, then
 * `degraded` with the last error until one succeeds again. Its jobs wait in the outbox meanwhile, so a
 * degraded integration never makes the service unready.
 */
export class IntegrationHealth {
  private readonly last = new Map<IntegrationName, Outcome>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  succeeded(name: IntegrationName): void {
    this.last.set(name, { ok: true, at: this.now() });
  }

  failed(name: IntegrationName, error: unknown): void {
    this.last.set(name, { ok: false, at: this.now(), error: describeError(error) });
  }

  /** The readiness check of one integration; `disabled` (with why) when it is not configured. */
  check(name: IntegrationName, enabled: boolean | { disabled: string }): CheckResult {
    if (enabled === false) return { status: 'disabled', detail: 'not configured' };
    if (enabled !== true) return { status: 'disabled', detail: enabled.disabled };
    const last = this.last.get(name);
    if (!last) return { status: 'ok', detail: 'no calls yet' };
    if (last.ok) return { status: 'ok', lastOkAt: last.at.toISOString() };
    return { status: 'degraded', detail: last.error ?? 'failing', since: last.at.toISOString() };
  }
}
