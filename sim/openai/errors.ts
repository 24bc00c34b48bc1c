import type { ServerResponse } from 'node:http';
import type { Fault, StatusRenderer } from '../common/faults.js';
import { sendJson } from '../common/raw-http.js';

export { sendJson } from '../common/raw-http.js';

/** The `error` object of OpenAI's JSON error body. */
export interface OpenAIErrorBody {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

/** An error a route throws to answer in OpenAI's shape `{"error":{message,type,param,code}}`. */
export class OpenAIError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type = 'invalid_request_error',
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): { error: OpenAIErrorBody } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** 400 invalid_request_error naming the parameter, the most common answer to a malformed request. */
export function invalidRequest(message: string, param: string | null = null, code: string | null = null) {
  return new OpenAIError(400, message, 'invalid_request_error', param, code);
}

/** Answers with an {@link OpenAIError} and an `x-request-id`. */
export function sendError(res: ServerResponse, error: OpenAIError, requestId: string): void {
  sendJson(res, error.status, error.body(), { 'x-request-id': requestId, ...error.headers });
}

const quotaFaults = new WeakSet<Fault>();

/**
 * A 429 `insufficient_quota` fault (credits used up): unlike a rate limit, waiting does not help and
 * no retry-after is sent. Recognised by identity, so the shared Fault type stays unchanged.
 */
export function insufficientQuotaFault(): Extract<Fault, { kind: 'status' }> {
  const fault: Extract<Fault, { kind: 'status' }> = { kind: 'status', status: 429 };
  quotaFaults.add(fault);
  return fault;
}

const DEFAULTS: Record<number, { message: string; type: string; code: string | null }> = {
  400: { message: 'Bad request.', type: 'invalid_request_error', code: null },
  401: {
    message:
      'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.',
    type: 'invalid_request_error',
    code: 'invalid_api_key',
  },
  403: {
    message: 'Country, region, or territory not supported',
    type: 'request_forbidden',
    code: 'unsupported_country_region_territory',
  },
  404: {
    message: 'The model does not exist or you do not have access to it.',
    type: 'invalid_request_error',
    code: 'model_not_found',
  },
  409: {
    message: 'Conflict: the request conflicts with another one in progress.',
    type: 'invalid_request_error',
    code: null,
  },
  413: { message: 'Request too large.', type: 'invalid_request_error', code: null },
  500: {
    message: 'The server had an error while processing your request. Sorry about that!',
    type: 'server_error',
    code: null,
  },
  502: { message: 'Bad gateway.', type: 'server_error', code: null },
  503: {
    message: 'The engine is currently overloaded, please try again later.',
    type: 'server_error',
    code: null,
  },
};

/**
 * Renders injected status faults as OpenAI does: 429 `rate_limit_exceeded` (type `requests`) with
 * `retry-after`, or `insufficient_quota` for {@link insufficientQuotaFault}; 5xx as `server_error`.
 */
export function openaiStatusRenderer(requestId: () => string): StatusRenderer {
  return (res, fault) => {
    const status = fault.status;
    let error: OpenAIError;
    if (status === 429 && quotaFaults.has(fault)) {
      error = new OpenAIError(
        429,
        fault.message ??
          'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
        'insufficient_quota',
        null,
        'insufficient_quota',
      );
    } else if (status === 429) {
      const wait = fault.retryAfter ?? 1;
      error = new OpenAIError(
        429,
        fault.message ??
          `Rate limit reached for requests in organization org-sim on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in ${wait}s. Visit https://platform.openai.com/account/rate-limits to learn more.`,
        'requests',
        null,
        'rate_limit_exceeded',
        {
          'retry-after': String(wait),
          'x-ratelimit-limit-requests': '3',
          'x-ratelimit-remaining-requests': '0',
        },
      );
    } else {
      const d = DEFAULTS[status] ?? {
        message: `Simulated error ${status}.`,
        type: 'server_error',
        code: null,
      };
      const headers: Record<string, string> =
        fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {};
      error = new OpenAIError(status, fault.message ?? d.message, d.type, null, d.code, headers);
    }
    sendError(res, error, requestId());
  };
}
