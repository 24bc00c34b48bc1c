import type { Request, Response } from 'express';
import { z } from 'zod';
import { sendAvitoError } from './errors.js';
import type { AvitoState } from './state.js';

/**
 * A query parameter as one string. Arrays arrive either comma-separated (`chat_types=u2i,u2u`, the spec's
 * examples) or repeated (`chat_types=u2i&chat_types=u2u`, OpenAPI's default style); both are joined.
 */
export function queryValue(req: Request, key: string): string | undefined {
  const values = new URL(req.originalUrl, 'http://sim').searchParams.getAll(key);
  return values.length === 0 ? undefined : values.join(',');
}

/** The whole query as strings (repeated keys joined by commas), as handed to zod. */
export function queryObject(req: Request, keys: readonly string[]): Record<string, string | undefined> {
  return Object.fromEntries(keys.map((k) => [k, queryValue(req, k)]));
}

/** Optional integer query parameter within [min, max], defaulting to `fallback`. */
export function intParam(min: number, max: number, fallback: number) {
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return fallback;
      if (!/^-?\d+$/.test(value)) {
        ctx.addIssue({ code: 'custom', message: 'must be an integer' });
        return z.NEVER;
      }
      const n = Number(value);
      if (n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be between ${min} and ${max}` });
        return z.NEVER;
      }
      return n;
    });
}

/**
 * Checks the `{user_id}` path segment: not a number → 400, another account → 403 (a client-credentials token
 * only reaches its own account). Answers and returns false when the request must stop.
 */
export function checkAccount(state: AvitoState, req: Request, res: Response): boolean {
  const raw = String(req.params.user_id ?? '');
  if (!/^\d+$/.test(raw)) {
    sendAvitoError(res, 400, 'validation error', { user_id: 'must be an integer' });
    return false;
  }
  if (Number(raw) !== state.userId) {
    sendAvitoError(res, 403, `Forbidden: no access to account ${raw}`);
    return false;
  }
  return true;
}
