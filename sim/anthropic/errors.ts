import type { ServerResponse } from 'node:http';
import type { Fault, StatusRenderer } from '../common/faults.js';
import { sendJson } from '../common/raw-http.js';

export { sendJson } from '../common/raw-http.js';

/** `error.type` by HTTP status, as the Claude API reference lists them. */
export const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  409: 'conflict_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

const DEFAULT_MESSAGES: Record<number, string> = {
  401: 'invalid x-api-key',
  402: 'There is an issue with your billing or payment information.',
  403: 'Your API key does not have permission to use the specified resource.',
  404: 'Not found.',
  409: 'The request conflicts with the current state of a resource.',
  413: 'Request exceeds the maximum allowed number of bytes.',
  429: 'Number of request tokens has exceeded your per-minute rate limit.',
  500: 'Internal server error',
  504: 'Request timed out while processing.',
  529: 'Overloaded',
};

/** An error a route throws to answer in Anthropic's shape `{"type":"error","error":{type,message},"request_id"}`. */
export class AnthropicError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string = ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error'),
    readonly headers: Record<string, string> = {},
    /** `error.details` (e.g. `{ error_code: 'enforced_spend_limit_reached' }`). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  body(requestId: string): Record<string, unknown> {
    return {
      type: 'error',
      error: { type: this.type, message: this.message, ...(this.details ? { details: this.details } : {}) },
      request_id: requestId,
    };
  }
}

/** 400 `invalid_request_error`, the answer to a malformed request. */
export const invalidRequest = (message: string) => new AnthropicError(400, message, 'invalid_request_error');

/** Answers with an {@link AnthropicError} and its `request-id` header (the same id as in the body). */
export function sendError(res: ServerResponse, error: AnthropicError, requestId: string): void {
  sendJson(res, error.status, error.body(requestId), { 'request-id': requestId, ...error.headers });
}

const creditFaults = new WeakSet<Fault>();

/**
 * The answer of an organisation with no credits left: 400 `invalid_request_error` saying so (the API
 * answers a used-up balance this way, not with a 429). Recognised by identity.
 */
export function creditBalanceFault(): Extract<Fault, { kind: 'status' }> {
  const fault: Extract<Fault, { kind: 'status' }> = { kind: 'status', status: 400 };
  creditFaults.add(fault);
  return fault;
}

/**
 * Renders injected status faults as Anthropic does: 429 `rate_limit_error` with `retry-after`, 529
 * `overloaded_error`, 500 `api_error`…; {@link creditBalanceFault} as the low-balance 400.
 */
export function anthropicStatusRenderer(requestId: () => string): StatusRenderer {
  return (res, fault) => {
    const status = fault.status;
    if (creditFaults.has(fault)) {
      const message =
        fault.message ??
        'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.';
      sendError(res, new AnthropicError(400, message, 'invalid_request_error'), requestId());
      return;
    }
    const headers: Record<string, string> = {};
    if (status === 429) headers['retry-after'] = String(fault.retryAfter ?? 1);
    else if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
    const message = fault.message ?? DEFAULT_MESSAGES[status] ?? `Simulated error ${status}.`;
    sendError(res, new AnthropicError(status, message, undefined, headers), requestId());
  };
}
