import type { HttpResponse } from '../../lib/http.js';

/** Why an amoCRM call failed, in the terms the retry logic and the owner need. */
export type AmoCrmErrorKind =
  | 'auth' // token refused after a refresh, refresh token dead, or not connected yet: reconnect
  | 'forbidden' // 402/403: tariff expired, no rights, or our IP restricted for abuse — stop and alert
  | 'not_found'
  | 'rate_limited' // 429
  | 'server' // 5xx
  | 'network' // no answer: refused, reset, timed out
  | 'invalid' // other 4xx, e.g. a validation error on our request
  | 'invalid_response'; // 2xx whose body lacks the documented shape

/** One entry of amoCRM's `validation-errors[].errors`. */
export interface AmoValidationError {
  requestId: string;
  code: string;
  path: string;
  detail: string;
}

/** The one error type of the amoCRM client. */
export class AmoCrmError extends Error {
  constructor(
    readonly kind: AmoCrmErrorKind,
    message: string,
    readonly details: {
      status?: number;
      method?: string;
      path?: string;
      retryAfterMs?: number;
      validation?: AmoValidationError[];
      /** The request may have reached amoCRM (5xx, or a connection that broke after sending). */
      maybeApplied?: boolean;
      cause?: unknown;
    } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'AmoCrmError';
  }

  get status(): number | undefined {
    return this.details.status;
  }

  /** Transient: worth trying again later. */
  get retryable(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'server' || this.kind === 'network';
  }

  /** A change that may have happened although we got no answer: look before repeating it. */
  get maybeApplied(): boolean {
    return this.details.maybeApplied ?? false;
  }
}

const KIND_BY_STATUS: Record<number, AmoCrmErrorKind> = {
  401: 'auth',
  402: 'forbidden',
  403: 'forbidden',
  404: 'not_found',
  429: 'rate_limited',
};

export function kindForStatus(status: number): AmoCrmErrorKind {
  return KIND_BY_STATUS[status] ?? (status >= 500 ? 'server' : 'invalid');
}

/**
 * Reads amoCRM's problem+json (`title`, `detail`, `hint`, `validation-errors`); a 429 may come with no
 * body or a non-JSON one [C: SDK], and proxies answer HTML.
 */
export function errorFromResponse(
  res: HttpResponse,
  method: string,
  path: string,
  retryAfterMs?: number,
): AmoCrmError {
  let detail: string | undefined;
  let validation: AmoValidationError[] | undefined;
  try {
    const body = JSON.parse(res.text) as Record<string, unknown>;
    const pick = (v: unknown) => (typeof v === 'string' && v.trim() ? v : undefined);
    detail = pick(body.hint) ?? pick(body.detail) ?? pick(body.title);
    const groups = body['validation-errors'];
    if (Array.isArray(groups)) {
      validation = groups.flatMap((g: { request_id?: unknown; errors?: unknown }) =>
        Array.isArray(g.errors)
          ? g.errors.map((e: Record<string, unknown>) => ({
              requestId: String(g.request_id ?? ''),
              code: String(e.code ?? ''),
              path: String(e.path ?? ''),
              detail: String(e.detail ?? ''),
            }))
          : [],
      );
    }
  } catch {
    const title = /<title>([^<]*)<\/title>/i.exec(res.text)?.[1]?.trim();
    detail = title ? `HTML error page: ${title}` : res.text.trim().slice(0, 200) || undefined;
  }
  const fields = validation?.length ? ` (${validation.map((v) => `${v.path}: ${v.code}`).join('; ')})` : '';
  return new AmoCrmError(
    kindForStatus(res.status),
    `amoCRM ${method} ${path} → ${res.status}: ${detail ?? `HTTP ${res.status}`}${fields}`,
    { status: res.status, method, path, retryAfterMs, validation, maybeApplied: res.status >= 500 },
  );
}
