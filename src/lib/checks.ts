/**
 * What a module reports about its own health for `/ready` and `/status` (the HTTP layer gathers the checks; the
 * modules that report them need not know about HTTP).
 */

/** Outcome of one readiness check: `disabled` is an integration that is simply not configured. */
export interface CheckResult {
  status: 'ok' | 'degraded' | 'fail' | 'disabled';
  detail?: string;
  [extra: string]: unknown;
}

export type ReadinessCheck = () => Promise<CheckResult>;
