import { exchange as httpExchange, type FetchLike, HttpFailure, type HttpResponse } from '../lib/http.js';
import { AvitoApiError, kindForStatus, parseErrorBody } from './errors.js';

export type { FetchLike } from '../lib/http.js';

export type RawResponse = HttpResponse;

export interface RawRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  fetch: FetchLike;
}

/**
 * One HTTP exchange with a timeout. Resolves with any status; rejects with an AvitoApiError of kind
 * `network` (request never sent), `timeout`, or `network` with `details.code = 'SENT_NO_ANSWER'`
 * when the connection broke after the request may have been delivered.
 */
export async function exchange(req: RawRequest): Promise<RawResponse> {
  try {
    return await httpExchange(req);
  } catch (err) {
    const path = new URL(req.url).pathname;
    if (!(err instanceof HttpFailure)) throw err;
    if (err.reason === 'timeout') {
      throw new AvitoApiError(
        'timeout',
        `Avito did not answer ${req.method} ${path} within ${req.timeoutMs} ms`,
        {
          method: req.method,
          path,
          code: 'SENT_NO_ANSWER',
          cause: err.cause,
        },
      );
    }
    throw new AvitoApiError(
      'network',
      `Avito ${req.method} ${path}: connection failed (${err.code ?? 'unknown'})`,
      { method: req.method, path, code: err.sent ? 'SENT_NO_ANSWER' : err.code, cause: err.cause },
    );
  }
}

/** Turns a non-2xx response into an AvitoApiError with Avito's own code and message when present. */
export function errorFromResponse(
  res: RawResponse,
  method: string,
  path: string,
  retryAfterMs?: number,
): AvitoApiError {
  const parsed = parseErrorBody(res.text, res.headers.get('content-type'));
  const message = parsed.message ? `${parsed.message}` : `HTTP ${res.status}`;
  return new AvitoApiError(kindForStatus(res.status), `Avito ${method} ${path} → ${res.status}: ${message}`, {
    status: res.status,
    code: parsed.code,
    method,
    path,
    retryAfterMs,
  });
}

/** True when the failure proves the request was not delivered (safe to repeat even a send). */
export function provablyNotDelivered(err: AvitoApiError): boolean {
  if (err.kind === 'network') return err.code !== 'SENT_NO_ANSWER';
  // Avito answered with a refusal: nothing was stored.
  return err.kind === 'rate_limited' || err.kind === 'server';
}
