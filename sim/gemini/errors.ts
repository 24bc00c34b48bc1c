import type { ServerResponse } from 'node:http';
import type { Fault, StatusRenderer } from '../common/faults.js';
import { sendJson as sendJsonBody } from '../common/raw-http.js';

/** google.rpc.Code names by HTTP status, as Google's JSON error body spells them. */
const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  412: 'FAILED_PRECONDITION',
  413: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const DEFAULT_MESSAGES: Record<number, string> = {
  500: 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
  503: 'The model is overloaded. Please try again later.',
  504: 'The request timed out. Please try again.',
};

/** The `error` object of Google's JSON error body. */
export interface GoogleErrorBody {
  code: number;
  message: string;
  status: string;
  details?: Array<Record<string, unknown>>;
}

/**
 * An error a route throws to answer in Google's shape `{"error":{code,message,status,details}}`.
 * `status` defaults to the google.rpc name for the HTTP code (FAILED_PRECONDITION is a 400, so pass it).
 */
export class GoogleError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly status: string = STATUS_NAMES[code] ?? 'UNKNOWN',
    readonly details?: Array<Record<string, unknown>>,
  ) {
    super(message);
  }

  body(): { error: GoogleErrorBody } {
    const error: GoogleErrorBody = { code: this.code, message: this.message, status: this.status };
    if (this.details && this.details.length > 0) error.details = this.details;
    return { error };
  }
}

/** 400 INVALID_ARGUMENT, the most common answer to a malformed request. */
export function invalidArgument(message: string, details?: Array<Record<string, unknown>>): GoogleError {
  return new GoogleError(400, message, 'INVALID_ARGUMENT', details);
}

/** Writes a JSON body the way Google's frontends do (indented UTF-8 JSON, `vary`). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendJsonBody(
    res,
    status,
    body,
    { 'content-type': 'application/json; charset=UTF-8', vary: 'Origin, X-Origin, Referer', ...headers },
    2,
  );
}

/** Sends a GoogleError. */
export function sendError(res: ServerResponse, error: GoogleError): void {
  sendJson(res, error.code, error.body());
}

/** Which quota a 429 reports: per-minute means "wait retryDelay", per-day means "stop until tomorrow". */
export type QuotaPeriod = 'minute' | 'day';

interface QuotaInfo {
  per: QuotaPeriod;
  model?: string;
}

const quotaInfo = new WeakMap<Fault, QuotaInfo>();

/**
 * A 429 fault for `sim.faults.add({ match, fault })` that names a per-minute or per-day quota.
 * The renderer recognises the object by identity, so the shared Fault type stays unchanged.
 */
export function quotaFault(opts: {
  per?: QuotaPeriod;
  retryAfter?: number;
  message?: string;
  model?: string;
}): Extract<Fault, { kind: 'status' }> {
  const fault: Extract<Fault, { kind: 'status' }> = {
    kind: 'status',
    status: 429,
    retryAfter: opts.retryAfter ?? (opts.per === 'day' ? 3600 : 2),
    ...(opts.message !== undefined ? { message: opts.message } : {}),
  };
  quotaInfo.set(fault, { per: opts.per ?? 'minute', ...(opts.model ? { model: opts.model } : {}) });
  return fault;
}

function modelFromUrl(url: string | undefined): string {
  const m = /\/models\/([^/:?]+)/.exec(url ?? '');
  return m?.[1] ?? 'gemini-2.5-flash-lite';
}

/** Duration as protobuf JSON prints it: "1s", "1.5s". */
function duration(seconds: number): string {
  return `${Number(seconds.toFixed(9))}s`;
}

/**
 * Renders injected status faults as Google does: 429 RESOURCE_EXHAUSTED with QuotaFailure, Help and
 * RetryInfo details and "Please retry in Ns." in the message; 5xx as INTERNAL / UNAVAILABLE.
 * `defaultPer` is used for 429 faults not made by quotaFault().
 */
export function googleStatusRenderer(defaultPer: () => QuotaPeriod): StatusRenderer {
  return (res, fault) => {
    const code = fault.status;
    if (code === 429) {
      const info = quotaInfo.get(fault) ?? { per: defaultPer() };
      const model = info.model ?? modelFromUrl(res.req?.url);
      const perDay = info.per === 'day';
      const retryAfter = fault.retryAfter ?? 2;
      const quotaId = perDay
        ? 'GenerateRequestsPerDayPerProjectPerModel-FreeTier'
        : 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier';
      const limit = perDay ? '20' : '10';
      const base =
        fault.message ??
        `You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. To monitor your current usage, head to: https://ai.dev/usage?tab=rate-limit. \n* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: ${limit}, model: ${model}`;
      const message = `${base}\nPlease retry in ${Number(retryAfter.toFixed(6))}s.`;
      const error = new GoogleError(429, message, 'RESOURCE_EXHAUSTED', [
        {
          '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
          violations: [
            {
              quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
              quotaId,
              quotaDimensions: { location: 'global', model },
              quotaValue: limit,
            },
          ],
        },
        {
          '@type': 'type.googleapis.com/google.rpc.Help',
          links: [
            {
              description: 'Learn more about Gemini API quotas',
              url: 'https://ai.google.dev/gemini-api/docs/rate-limits',
            },
          ],
        },
        { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: duration(Math.floor(retryAfter)) },
      ]);
      sendError(res, error);
      return;
    }
    const message = fault.message ?? DEFAULT_MESSAGES[code] ?? `Simulated error ${code}.`;
    sendError(res, new GoogleError(code, message));
  };
}
