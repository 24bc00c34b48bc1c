/** The `avito-token-refresh` job: renews the Avito token before it expires, and tells the owner when it cannot. */
import type { Agenda } from 'agenda';
import { z } from 'zod';
import { describeError } from '../../errors.js';
import { defineJob, jobKind, scheduleEvery } from '../../jobs/job.js';
import type { OwnerAlert, OwnerAlerts } from '../../responder/ports.js';
import { AvitoApiError } from '../errors.js';
import type { TokenManager } from '../token.js';

export const TOKEN_REFRESH_JOB = jobKind('avito-token-refresh', z.unknown());

/** The key of the owner's alert about the Avito token (one message per outage). */
export const TOKEN_ALERT_KEY = 'avito:token';

/** The owner's alert for a failed token request: the causes the owner can fix are named. */
export function tokenAlert(err: unknown): OwnerAlert {
  const kind = err instanceof AvitoApiError ? err.kind : undefined;
  const cause = kind === 'tariff' || kind === 'permission' || kind === 'auth' ? kind : 'other';
  return { kind: 'avito-token', cause, reason: describeError(err) };
}

export function defineTokenRefreshJob(
  agenda: Agenda,
  deps: { tokens: Pick<TokenManager, 'refreshIfExpiring'>; alerts: OwnerAlerts },
): void {
  defineJob(agenda, TOKEN_REFRESH_JOB, async () => {
    try {
      await deps.tokens.refreshIfExpiring(2 * 3600_000);
      await deps.alerts.resolve(TOKEN_ALERT_KEY);
    } catch (err) {
      await deps.alerts.alert(TOKEN_ALERT_KEY, tokenAlert(err));
      throw err;
    }
  });
}

export const scheduleTokenRefresh = (agenda: Agenda) => scheduleEvery(agenda, TOKEN_REFRESH_JOB, 3600_000);
