import type { z } from 'zod';
import type { Logger } from '../logger.js';

/** `fetch` or a stand-in with the same signature (tests, instrumentation). */
export type FetchLike = typeof fetch;

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  fetch?: FetchLike;
}

/** What every one of our HTTP API clients (Avito, amoCRM, YooKassa) lets its caller tune. */
export interface RetryingClientOptions {
  fetch?: FetchLike;
  /** Per attempt. */
  timeoutMs?: number;
  /** Attempts for retryable failures. */
  maxAttempts?: number;
  backoff?: { baseMs: number; maxMs: number };
  /** Longest server-given wait (`Retry-After`, `retry_after`) honoured inside one call. */
  maxRetryAfterMs?: number;
  logger?: Logger;
}

/** `headers` plus, when there is a body, its JSON text and content type. */
export function withJsonBody(
  headers: Record<string, string>,
  body: unknown,
): { headers: Record<string, string>; body?: string } {
  if (body === undefined) return { headers };
  return { headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** A response of any status, its body read as text. */
export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * The exchange broke before a response was read. `sent: false` proves the request never reached the
 * server (refused, unresolvable, unreachable): safe to repeat even a call that changes something.
 * `sent: true` (reset mid-way, timeout) leaves the outcome unknown.
 */
export class HttpFailure extends Error {
  constructor(
    readonly reason: 'timeout' | 'connection',
    readonly sent: boolean,
    readonly code: string | undefined,
    message: string,
    cause: unknown,
  ) {
    super(message, { cause });
    this.name = 'HttpFailure';
  }
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

/** One HTTP exchange with a timeout. Resolves with any status; rejects only with {@link HttpFailure}. */
export async function exchange(req: HttpRequest): Promise<HttpResponse> {
  const signal = AbortSignal.timeout(req.timeoutMs);
  const doFetch = req.fetch ?? fetch;
  try {
    const response = await doFetch(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      signal,
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text };
  } catch (err) {
    throw failureOf(err, req);
  }
}

function failureOf(err: unknown, req: HttpRequest): HttpFailure {
  const what = `${req.method} ${new URL(req.url).pathname}`;
  const name = (err as { name?: string } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new HttpFailure(
      'timeout',
      true,
      undefined,
      `no answer to ${what} within ${req.timeoutMs} ms`,
      err,
    );
  }
  const code = causeCode(err);
  const sent = !(code && NOT_SENT_CODES.has(code));
  return new HttpFailure('connection', sent, code, `${what}: connection failed (${code ?? 'unknown'})`, err);
}

/**
 * A response body as JSON checked by `schema`, or what is wrong with it in words ("not JSON", the first
 * mismatch). `emptyAs` stands in for an empty body where a service answers nothing for "ok".
 */
export function parseJsonBody<S extends z.ZodType>(
  schema: S,
  text: string,
  emptyAs?: unknown,
): { ok: true; data: z.output<S> } | { ok: false; problem: string } {
  let json: unknown;
  try {
    json = emptyAs !== undefined && text.trim() === '' ? emptyAs : JSON.parse(text);
  } catch {
    return { ok: false, problem: 'response is not JSON' };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, data: parsed.data };
  const issue = parsed.error.issues[0];
  return {
    ok: false,
    problem: `unexpected response (${issue?.path.join('.') || 'body'}: ${issue?.message})`,
  };
}

/** `base + path` with the defined, non-empty query values set. */
export function urlWithQuery(
  base: string,
  path: string,
  query: Record<string, string | number | boolean | undefined> = {},
): string {
  const url = new URL(`${base}${path}`);
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
  }
  return url.toString();
}
