import type { HttpResponse } from '../../lib/http.js';

/** Why a YooKassa call failed, in the terms the retry logic and the owner need. */
export type YooKassaErrorKind =
  | 'auth' // 401 invalid_credentials: wrong YOOKASSA_SHOP_ID / YOOKASSA_SECRET_KEY
  | 'forbidden' // 403: the operation is not enabled for the shop
  | 'not_found'
  | 'rate_limited' // 429
  | 'server' // 500 and other 5xx: outcome unknown, repeat with the same key or GET
  | 'network' // no answer
  | 'invalid' // other 4xx: our request is wrong; a new attempt needs a new key and new data
  | 'invalid_response'; // 2xx whose body lacks the documented shape

/** The one error type of the YooKassa client, with YooKassa's own `code` and `parameter`. */
export class YooKassaError extends Error {
  constructor(
    readonly kind: YooKassaErrorKind,
    message: string,
    readonly details: {
      status?: number;
      code?: string;
      parameter?: string;
      method?: string;
      path?: string;
      retryAfterMs?: number;
      /** The operation may have happened: repeat it with the same Idempotence-Key, or GET the object. */
      maybeApplied?: boolean;
      cause?: unknown;
    } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'YooKassaError';
  }

  get status(): number | undefined {
    return this.details.status;
  }

  get code(): string | undefined {
    return this.details.code;
  }

  /** Transient: the same request (same key) may succeed later. */
  get retryable(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'server' || this.kind === 'network';
  }
}

const KIND_BY_STATUS: Record<number, YooKassaErrorKind> = {
  401: 'auth',
  403: 'forbidden',
  404: 'not_found',
  429: 'rate_limited',
};

/** Reads `{type: "error", id, code, description, parameter?, retry_after?}` [C: response-format]. */
export function errorFromResponse(res: HttpResponse, method: string, path: string): YooKassaError {
  let code: string | undefined;
  let description: string | undefined;
  let parameter: string | undefined;
  let retryAfterMs: number | undefined;
  try {
    const body = JSON.parse(res.text) as Record<string, unknown>;
    code = typeof body.code === 'string' ? body.code : undefined;
    description = typeof body.description === 'string' ? body.description : undefined;
    parameter = typeof body.parameter === 'string' ? body.parameter : undefined;
    retryAfterMs = typeof body.retry_after === 'number' ? body.retry_after : undefined;
  } catch {
    description = res.text.trim().slice(0, 200) || undefined;
  }
  const kind = KIND_BY_STATUS[res.status] ?? (res.status >= 500 ? 'server' : 'invalid');
  const where = parameter ? ` (${parameter})` : '';
  return new YooKassaError(
    kind,
    `YooKassa ${method} ${path} → ${res.status} ${code ?? ''}: ${description ?? `HTTP ${res.status}`}${where}`,
    { status: res.status, code, parameter, method, path, retryAfterMs, maybeApplied: res.status >= 500 },
  );
}
