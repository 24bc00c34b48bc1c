import type { ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { StatusRenderer } from '../common/faults.js';

/**
 * Avito answers errors in several shapes (avito.md, "Limits and errors"); these helpers keep each route
 * in its own. Clients must check status and content type before parsing.
 */

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** 2xx JSON answer. */
export function sendOk(res: ServerResponse, body: unknown, headers: Record<string, string> = {}): void {
  sendJson(res, 200, body, headers);
}

/** Messenger and core shape: `{error: {code: int, message, fields?}}` (`validatingError` adds `fields`). */
export function sendAvitoError(
  res: ServerResponse,
  status: number,
  message: string,
  fields?: Record<string, string>,
  headers: Record<string, string> = {},
): void {
  sendJson(
    res,
    status,
    { error: fields ? { code: status, message, fields } : { code: status, message } },
    headers,
  );
}

/** Items-list shape (`FieldError`): unwrapped `{code: string, message}`. */
export function sendFieldError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { code, message }, headers);
}

/** OAuth shape for `/token` (undocumented by Avito; RFC 6749 §5.2 is the plausible guess). */
export function sendOAuthError(
  res: ServerResponse,
  status: number,
  error: string,
  description: string,
): void {
  sendJson(res, status, { error, error_description: description });
}

/** zod issues → `fields` of a validation error, keyed by dotted path (`message.text`). */
export function zodFields(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.') || 'body';
    fields[key] ??= issue.message;
  }
  return fields;
}

/** Whether a path belongs to the items list, whose errors are `{code: string, message}`. */
export function isItemsListPath(path: string): boolean {
  return path === '/core/v1/items' || path === '/core/v1/items/';
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not found',
  429: 'Too Many Requests',
  500: 'Error while processing request. Please, contact support',
  502: 'Bad Gateway',
  503: 'Service temporarily unavailable. Please, contact support',
  504: 'Gateway Timeout',
};

/** Options of the Avito-shaped renderer for injected status faults. */
export interface FaultStyle {
  /** Statuses answered with a proxy's HTML page instead of JSON. */
  htmlStatuses: Set<number>;
  /** 429 faults with no body at all. */
  emptyRateLimitBody: boolean;
}

/**
 * Renders `FaultInjector` status faults the way Avito (or the nginx in front of it) would: messenger/core
 * `{error: {code, message}}`, items list `{code, message}`, HTML for chosen gateway errors, 429 with
 * `Retry-After` only when the fault gives one.
 */
export function avitoStatusRenderer(style: FaultStyle): StatusRenderer {
  return (res, fault) => {
    const headers: Record<string, string> = {};
    if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
    const message = fault.message ?? REASONS[fault.status] ?? 'Error';
    if (style.htmlStatuses.has(fault.status)) {
      const html = `<html>\r\n<head><title>${fault.status} ${message}</title></head>\r\n<body>\r\n<center><h1>${fault.status} ${message}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
      res.writeHead(fault.status, {
        'content-type': 'text/html',
        'content-length': Buffer.byteLength(html),
        ...headers,
      });
      res.end(html);
      return;
    }
    if (fault.status === 429 && style.emptyRateLimitBody) {
      res.writeHead(429, { 'content-length': 0, ...headers });
      res.end();
      return;
    }
    const path = (res.req?.url ?? '').split('?')[0] ?? '';
    if (isItemsListPath(path)) {
      sendFieldError(res, fault.status, String(fault.status), message, headers);
      return;
    }
    sendAvitoError(res, fault.status, message, undefined, headers);
  };
}
