import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { StatusRenderer } from '../common/faults.js';
import { writeJson } from '../common/http.js';

/** Sends JSON with YooKassa's content type. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  writeJson(res, status, body, headers, 'application/json;charset=UTF-8');
}

/** HTTP status → YooKassa's error `code` [C: http-codes table]. */
const CODES: Record<number, string> = {
  400: 'invalid_request',
  401: 'invalid_credentials',
  403: 'forbidden',
  404: 'not_found',
  405: 'invalid_request',
  415: 'invalid_request',
  429: 'too_many_requests',
  500: 'internal_server_error',
};

/** `{type: "error", id, code, description, parameter?, retry_after?}` [C: response-format]. */
export function sendYooError(
  res: ServerResponse,
  status: number,
  description: string,
  extra: { parameter?: string; code?: string; retryAfterMs?: number } = {},
): void {
  const body: Record<string, unknown> = {
    type: 'error',
    id: randomUUID(),
    code: extra.code ?? CODES[status] ?? (status >= 500 ? 'internal_server_error' : 'invalid_request'),
    description,
  };
  if (extra.parameter !== undefined) body.parameter = extra.parameter;
  if (extra.retryAfterMs !== undefined) body.retry_after = extra.retryAfterMs;
  sendJson(res, status, body);
}

/** Injected status faults in YooKassa's shape (a 500 with `retry_after` when the fault gives seconds). */
export const yooStatusRenderer: StatusRenderer = (res, fault) => {
  sendYooError(res, fault.status, fault.message ?? `Simulated ${fault.status}`, {
    retryAfterMs: fault.retryAfter === undefined ? undefined : fault.retryAfter * 1000,
  });
};
