/** Why an Avito call failed, in the terms the owner and the retry logic need. */
export type AvitoErrorKind =
  | 'auth' // credentials rejected or token refused after one refresh
  | 'tariff' // 402: the Messenger API needs the paid «Максимальный» tariff
  | 'permission' // 403 after a fresh token: wrong scope or an employee account's token
  | 'rate_limited' // 429
  | 'not_found'
  | 'invalid_request' // other 4xx
  | 'server' // 5xx
  | 'network' // no connection: the request never reached Avito
  | 'timeout' // no answer in time
  | 'invalid_response'; // 2xx whose body does not have the documented shape

/** The one error type of the Avito client: status, Avito's own code and message, and our classification. */
export class AvitoApiError extends Error {
  constructor(
    readonly kind: AvitoErrorKind,
    message: string,
    readonly details: {
      status?: number;
      code?: string | number;
      method?: string;
      path?: string;
      retryAfterMs?: number;
      cause?: unknown;
    } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'AvitoApiError';
  }

  get status(): number | undefined {
    return this.details.status;
  }

  get code(): string | number | undefined {
    return this.details.code;
  }

  /** Transient: worth retrying later (rate limit, 5xx, network, timeout). */
  get retryable(): boolean {
    return ['rate_limited', 'server', 'network', 'timeout'].includes(this.kind);
  }
}

/**
 * A send that did not complete. `outcome: 'unknown'` means the connection broke or timed out after the
 * request went out: repeating it could message the buyer twice, so the caller reconciles against the chat.
 * `not_delivered` means Avito refused the part (4xx, 429, 5xx) or it never left: safe to try again later.
 * Either way `sentIds` lists the parts of a split message that were confirmed before the failure, of `totalParts`.
 */
export class AvitoSendError extends Error {
  constructor(
    readonly chatId: string,
    readonly outcome: 'unknown' | 'not_delivered',
    readonly sentIds: string[],
    readonly failedPart: number,
    override readonly cause: unknown,
    readonly totalParts: number = failedPart + 1,
  ) {
    super(
      `Avito send to ${chatId}: part ${failedPart + 1} ${outcome === 'unknown' ? 'has an unknown outcome' : 'was not delivered'}` +
        (cause instanceof Error ? ` (${cause.message})` : ''),
      { cause },
    );
    this.name = 'AvitoSendError';
  }
}

const KIND_BY_STATUS: Record<number, AvitoErrorKind> = {
  400: 'invalid_request',
  401: 'auth',
  402: 'tariff',
  403: 'permission',
  404: 'not_found',
  429: 'rate_limited',
};

export function kindForStatus(status: number): AvitoErrorKind {
  return KIND_BY_STATUS[status] ?? (status >= 500 ? 'server' : 'invalid_request');
}

/** What to tell the owner about a failed call, in plain words (Russian texts live in the bot). */
export function explain(err: AvitoApiError): string {
  switch (err.kind) {
    case 'tariff':
      return 'Avito answered 402: the Messenger API needs the paid «Максимальный» tariff on this account.';
    case 'permission':
      return 'Avito answered 403 with a fresh token: the app lacks the messenger scope, or this is an employee account (use the company account).';
    case 'auth':
      return 'Avito rejected the client id/secret: check AVITO_CLIENT_ID and AVITO_CLIENT_SECRET.';
    default:
      return err.message;
  }
}

/**
 * Reads an error body in any of the shapes Avito uses (messenger `{error:{code,message}}`, items
 * `{code,message}`, OAuth `{error, error_description}`, `{message}`) or HTML from a proxy.
 */
export function parseErrorBody(
  text: string,
  contentType: string | null,
): { code?: string | number; message?: string } {
  const trimmed = text.trim();
  if (!trimmed) return {};
  if (contentType?.includes('json') || trimmed.startsWith('{')) {
    try {
      const body = JSON.parse(trimmed) as unknown;
      return fromJson(body);
    } catch {
      // fall through to text handling
    }
  }
  if (/<html|<!doctype/i.test(trimmed)) {
    const title = trimmed.match(/<title>([^<]*)<\/title>/i)?.[1]?.trim();
    return { message: title ? `HTML error page: ${title}` : 'HTML error page from a proxy' };
  }
  return { message: trimmed.slice(0, 200) };
}

function fromJson(body: unknown): { code?: string | number; message?: string } {
  if (typeof body !== 'object' || body === null) return {};
  const o = body as Record<string, unknown>;
  const pick = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? v : undefined);
  if (typeof o.error === 'object' && o.error !== null) {
    const e = o.error as Record<string, unknown>;
    const message = typeof e.message === 'string' ? e.message : undefined;
    // Messenger validation errors name the offending fields separately.
    const fields =
      typeof e.fields === 'object' && e.fields !== null
        ? Object.entries(e.fields as Record<string, unknown>)
            .map(([k, v]) => `${k}: ${String(v)}`)
            .join('; ')
        : '';
    return { code: pick(e.code), message: fields ? `${message ?? 'validation error'} (${fields})` : message };
  }
  if (typeof o.error === 'string') {
    return {
      code: o.error,
      message: typeof o.error_description === 'string' ? o.error_description : o.error,
    };
  }
  if (typeof o.result === 'object' && o.result !== null) return fromJson(o.result);
  return { code: pick(o.code), message: typeof o.message === 'string' ? o.message : undefined };
}
