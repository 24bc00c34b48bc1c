import type { ServerResponse } from 'node:http';
import type { StatusRenderer } from '../common/faults.js';
// Calendar and Gemini sit behind the same Google frontend: same JSON headers.
import { sendJson } from '../gemini/errors.js';

/**
 * Google's JSON error body for Calendar v3 ("v1 error format", shared/api google-calendar NOTES.md):
 * `{"error":{"code","message","errors":[{domain,reason,message,locationType?,location?}],"status"}}`.
 * `status` (the google.rpc name) is newer and unconfirmed for Calendar [U]; clients must not need it.
 */
export interface GoogleErrorItem {
  domain: string;
  reason: string;
  message: string;
  locationType?: string;
  location?: string;
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  410: 'NOT_FOUND',
  412: 'FAILED_PRECONDITION',
  413: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

/** An error a route throws to answer in Google's shape. */
export class CalendarError extends Error {
  readonly items: GoogleErrorItem[];

  constructor(
    readonly code: number,
    message: string,
    items: Array<Omit<GoogleErrorItem, 'message'> & { message?: string }>,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.items = items.map((i) => ({ ...i, message: i.message ?? message }));
  }

  body(): { error: { code: number; message: string; errors: GoogleErrorItem[]; status: string } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        errors: this.items,
        status: STATUS_NAMES[this.code] ?? 'UNKNOWN',
      },
    };
  }
}

/** 400 for a bad parameter or body field; `location` names it as Google does (`timeMin`, `id`). */
export function invalid(message: string, location?: string, reason = 'invalid'): CalendarError {
  return new CalendarError(400, message, [
    location === undefined
      ? { domain: 'global', reason }
      : { domain: 'global', reason, locationType: 'parameter', location },
  ]);
}

export function required(location: string): CalendarError {
  return new CalendarError(400, 'Required', [
    { domain: 'global', reason: 'required', locationType: 'parameter', location },
  ]);
}

export function notFound(): CalendarError {
  return new CalendarError(404, 'Not Found', [{ domain: 'global', reason: 'notFound' }]);
}

/** 409 on insert with an id the calendar already used (also one of a deleted event). */
export function duplicate(): CalendarError {
  return new CalendarError(409, 'The requested identifier already exists.', [
    { domain: 'global', reason: 'duplicate' },
  ]);
}

/** 410 on a second delete. */
export function deleted(): CalendarError {
  return new CalendarError(410, 'Resource has been deleted', [{ domain: 'global', reason: 'deleted' }]);
}

export function conditionNotMet(): CalendarError {
  return new CalendarError(412, 'Precondition Failed', [
    { domain: 'global', reason: 'conditionNotMet', locationType: 'header', location: 'If-Match' },
  ]);
}

export function authError(): CalendarError {
  return new CalendarError(
    401,
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
    [
      {
        domain: 'global',
        reason: 'authError',
        message: 'Invalid Credentials',
        locationType: 'header',
        location: 'Authorization',
      },
    ],
    { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
  );
}

/** A token without any scope the method accepts [U: message and reason from memory]. */
export function insufficientScopes(): CalendarError {
  return new CalendarError(403, 'Request had insufficient authentication scopes.', [
    { domain: 'global', reason: 'insufficientPermissions', message: 'Insufficient Permission' },
  ]);
}

/** A calendar that exists but is not shared with this service account for writing [U: reason]. */
export function forbidden(): CalendarError {
  return new CalendarError(403, 'Forbidden', [{ domain: 'global', reason: 'forbidden' }]);
}

/** 200 JSON answer. */
export function sendOk(res: ServerResponse, body: unknown): void {
  sendJson(res, 200, body);
}

export function sendError(res: ServerResponse, error: CalendarError): void {
  sendJson(res, error.code, error.body(), error.headers);
}

/** RFC 6749 §5.2 body of the token endpoint: `{"error":"invalid_grant","error_description":"…"}`. */
export function sendOAuthError(
  res: ServerResponse,
  status: number,
  error: string,
  description: string,
): void {
  sendJson(res, status, { error, error_description: description });
}

/** Injected status faults, rendered as Calendar answers them (reasons for 429/5xx are [U]). */
export const calendarStatusRenderer: StatusRenderer = (res, fault) => {
  const headers: Record<string, string> = {};
  if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
  const path = (res.req?.url ?? '').split('?')[0] ?? '';
  if (path === '/token') {
    sendJson(
      res,
      fault.status,
      { error: 'internal_failure', error_description: fault.message ?? 'Backend Error' },
      headers,
    );
    return;
  }
  const code = fault.status;
  let error: CalendarError;
  if (code === 429 || code === 403) {
    const message = fault.message ?? 'Rate Limit Exceeded';
    error = new CalendarError(
      code,
      message,
      [{ domain: 'usageLimits', reason: 'rateLimitExceeded' }],
      headers,
    );
  } else if (code === 401) {
    error = authError();
  } else if (code >= 500) {
    error = new CalendarError(
      code,
      fault.message ?? 'Backend Error',
      [{ domain: 'global', reason: 'backendError' }],
      headers,
    );
  } else {
    error = new CalendarError(
      code,
      fault.message ?? `Error ${code}`,
      [{ domain: 'global', reason: 'invalid' }],
      headers,
    );
  }
  sendError(res, error);
};
