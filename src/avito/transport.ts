import { AvitoApiError, kindForStatus, parseErrorBody } from './errors.js';

export type FetchLike = typeof fetch;

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
}

export interface RawRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  fetch: FetchLike;
}

/** Connection-level failures where the request provably never reached the server. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

function causeCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let i = 0; i < 4 && current && typeof current === 'object'; i += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * One HTTP exchange with a timeout. Resolves with any status; rejects with an AvitoApiError of kind
 * `network` (request never sent), `timeout`, or `network` with `details.code = 'SENT_NO_ANSWER'`
 * when the connection broke after the request may have been delivered.
 */
export async function exchange(req: RawRequest): Promise<RawResponse> {
  const path = new URL(req.url).pathname;
  const signal = AbortSignal.timeout(req.timeoutMs);
  let response: Response;
  try {
    response = await req.fetch(req.url, { method: req.method, headers: req.headers, body: req.body, signal });
  } catch (err) {
    throw connectionError(err, req.method, path, req.timeoutMs);
  }
  try {
    const text = await response.text();
    return { status: response.status, headers: response.headers, text };
  } catch (err) {
    throw connectionError(err, req.method, path, req.timeoutMs);
  }
}

function connectionError(err: unknown, method: string, path: string, timeoutMs: number): AvitoApiError {
  const name = (err as { name?: string } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new AvitoApiError('timeout', `Avito did not answer ${method} ${path} within ${timeoutMs} ms`, {
      method,
      path,
      code: 'SENT_NO_ANSWER',
      cause: err,
    });
  }
  const code = causeCode(err);
  const sent = !(code && NOT_SENT_CODES.has(code));
  return new AvitoApiError('network', `Avito ${method} ${path}: connection failed (${code ?? 'unknown'})`, {
    method,
    path,
    code: sent ? 'SENT_NO_ANSWER' : code,
    cause: err,
  });
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
