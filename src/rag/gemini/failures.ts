import type { ApiError } from '@google/genai';
import { z } from 'zod';
import type { GeminiFailureKind } from '../errors.js';

// Google's JSON error body, as far as retry decisions need it; anything else passes through.
const errorBodySchema = z.object({
  error: z.object({
    code: z.number().optional(),
    message: z.string().optional(),
    status: z.string().optional(),
    details: z
      .array(
        z.looseObject({
          '@type': z.string().optional(),
          retryDelay: z.string().optional(),
          violations: z.array(z.looseObject({ quotaId: z.string().optional() })).optional(),
        }),
      )
      .optional(),
  }),
});

/** One failed Gemini call, classified for the retry loop. */
export interface GeminiFailure {
  kind: GeminiFailureKind;
  /** HTTP status when the server answered. */
  status: number | undefined;
  /** Worth retrying the same model (429 per minute, 5xx, timeouts, network). */
  retryable: boolean;
  /** Worth trying the next model (404 unknown model, 429, 5xx, timeouts). */
  tryNextModel: boolean;
  /** The server's RetryInfo.retryDelay (or "Please retry in Ns."), in ms. */
  retryDelayMs: number | undefined;
  message: string;
}

/** "1s", "1.5s", "0.250s" (protobuf Duration JSON) → ms. */
export function parseDuration(value: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  return m ? Math.round(Number(m[1]) * 1000) : undefined;
}

function parseBody(message: string): z.infer<typeof errorBodySchema>['error'] | undefined {
  const start = message.indexOf('{');
  if (start < 0) return undefined;
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(message.slice(start)));
    return parsed.success ? parsed.data.error : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The SDK's HTTP error, recognised by shape: the SDK is imported on first use (see `GenAI`), so this module
 * cannot hold its class.
 */
function isApiError(err: unknown): err is ApiError {
  return (
    err instanceof Error &&
    err.name === 'ApiError' &&
    typeof (err as { status?: unknown }).status === 'number'
  );
}

/** Classifies anything the SDK threw: ApiError by status and body, aborts as timeouts, the rest as network. */
export function classifyGeminiFailure(err: unknown): GeminiFailure {
  if (isApiError(err)) {
    const body = parseBody(err.message);
    const message = (body?.message ?? err.message).split('\n')[0] ?? err.message;
    const status = err.status;
    const details = body?.details ?? [];
    const retryInfo = details.find((d) => d['@type']?.endsWith('google.rpc.RetryInfo'))?.retryDelay;
    const inMessage = /Please retry in (\d+(?:\.\d+)?)s/.exec(body?.message ?? err.message)?.[1];
    const fromInfo = retryInfo !== undefined ? parseDuration(retryInfo) : undefined;
    const fromMessage = inMessage !== undefined ? Math.round(Number(inMessage) * 1000) : undefined;
    // RetryInfo is rounded down to whole seconds; the message keeps the fraction. Take the larger.
    const retryDelayMs =
      fromInfo === undefined && fromMessage === undefined
        ? undefined
        : Math.max(fromInfo ?? 0, fromMessage ?? 0);
    if (status === 429) {
      const perDay = details.some((d) => d.violations?.some((v) => v.quotaId?.includes('PerDay')));
      return perDay
        ? { kind: 'quota_per_day', status, retryable: false, tryNextModel: false, retryDelayMs, message }
        : { kind: 'rate_limited', status, retryable: true, tryNextModel: true, retryDelayMs, message };
    }
    if (status >= 500) {
      return { kind: 'unavailable', status, retryable: true, tryNextModel: true, retryDelayMs, message };
    }
    if (status === 408) {
      return { kind: 'timeout', status, retryable: true, tryNextModel: true, retryDelayMs, message };
    }
    return {
      kind: 'rejected',
      status,
      retryable: false,
      tryNextModel: status === 404,
      retryDelayMs: undefined,
      message,
    };
  }
  const e = err instanceof Error ? err : new Error(String(err));
  const timeout =
    e.name === 'AbortError' || e.name === 'TimeoutError' || /aborted|timed? ?out/i.test(e.message);
  return {
    kind: timeout ? 'timeout' : 'unavailable',
    status: undefined,
    retryable: true,
    tryNextModel: true,
    retryDelayMs: undefined,
    message: e.message || e.name,
  };
}
