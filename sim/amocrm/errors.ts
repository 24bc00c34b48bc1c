import type { ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { StatusRenderer } from '../common/faults.js';
import { writeJson } from '../common/http.js';

/**
 * amoCRM answers `application/hal+json` and errors as `application/problem+json` (NOTES.md, "Common
 * response shapes"); an empty list or search is 204 with no body.
 */

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  writeJson(res, status, body, headers, `${type}; charset=utf-8`);
}

/** A 200 (or other 2xx) HAL answer. */
export function sendHal(res: ServerResponse, body: unknown, status = 200): void {
  send(res, status, 'application/hal+json', body);
}

/** 204: amoCRM's "nothing found". */
export function sendNoContent(res: ServerResponse): void {
  res.writeHead(204);
  res.end();
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** `{title, type: https://httpstatus.es/<status>, status, detail}` [C shape; 401 body U]. */
export function sendProblem(
  res: ServerResponse,
  status: number,
  detail: string,
  headers: Record<string, string> = {},
): void {
  send(
    res,
    status,
    'application/problem+json',
    { title: TITLES[status] ?? 'Error', type: `https://httpstatus.es/${status}`, status, detail },
    headers,
  );
}

/** One entry of `validation-errors[].errors`. */
export interface ValidationIssue {
  code: string;
  path: string;
  detail: string;
}

/** 400 "Request validation failed" with `validation-errors` grouped by `request_id` [C shape]. */
export function sendValidation(
  res: ServerResponse,
  groups: Array<{ requestId: string; errors: ValidationIssue[] }>,
): void {
  send(res, 400, 'application/problem+json', {
    'validation-errors': groups.map((g) => ({ request_id: g.requestId, errors: g.errors })),
    title: 'Bad Request',
    type: 'https://httpstatus.es/400',
    status: 400,
    detail: 'Request validation failed',
  });
}

/**
 * zod issues → `validation-errors`. For array bodies the first path segment is the entity's index and
 * becomes its `request_id`; codes follow the documented `NotSupportedChoice` where a value is outside a
 * set, else descriptive names [U: the full code list is not in the notes].
 */
export function zodValidation(
  error: z.ZodError,
  arrayBody: boolean,
): Array<{ requestId: string; errors: ValidationIssue[] }> {
  const groups = new Map<string, ValidationIssue[]>();
  for (const issue of error.issues) {
    const path = issue.path.map(String);
    const requestId = arrayBody && path.length > 0 ? path.shift()! : '0';
    const code =
      issue.code === 'invalid_value' || issue.code === 'invalid_union'
        ? 'NotSupportedChoice'
        : issue.code === 'invalid_type'
          ? 'InvalidType'
          : issue.code === 'too_big' || issue.code === 'too_small'
            ? 'InvalidLength'
            : issue.code === 'unrecognized_keys'
              ? 'UnknownField'
              : 'InvalidValue';
    const list = groups.get(requestId) ?? [];
    list.push({ code, path: path.join('.') || 'body', detail: issue.message });
    groups.set(requestId, list);
  }
  return [...groups].map(([requestId, errors]) => ({ requestId, errors }));
}

/** OAuth endpoint errors: `{hint, title, type: …/OAuthProblemJson, status, detail}` [U: from memory]. */
export function sendOAuthProblem(res: ServerResponse, status: number, hint: string, detail: string): void {
  send(res, status, 'application/problem+json', {
    hint,
    title: 'Некорректный запрос',
    type: 'https://developers.amocrm.ru/v3/errors/OAuthProblemJson',
    status,
    detail,
  });
}

/** Injected status faults in amoCRM's shape; a 429 carries no body, like the limiter's own. */
export function amoStatusRenderer(emptyRateLimitBody: () => boolean): StatusRenderer {
  return (res, fault) => {
    const headers: Record<string, string> = {};
    if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
    if (fault.status === 429 && emptyRateLimitBody()) {
      res.writeHead(429, { 'content-length': 0, ...headers });
      res.end();
      return;
    }
    sendProblem(res, fault.status, fault.message ?? TITLES[fault.status] ?? 'Error', headers);
  };
}
