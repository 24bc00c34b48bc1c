import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { sendJson, sendYooError } from './errors.js';
import type { YooState } from './state.js';
import { LIMITS } from './validation.js';

/** What a create/capture/cancel/refund handler produces, or undefined after answering an error itself. */
export type OperationResult = { status: number; body: unknown } | undefined;

/** Test levers around idempotent operations: the "unknown outcome" cases a client must survive. */
export interface IdempotenceKnobs {
  /** The next N successful answers (fresh or repeated) are a 500 or a dropped connection instead. */
  afterCommit: Array<{ kind: 'status' } | { kind: 'drop' }>;
  /** The next N successful answers are 202 with `retry_after` (ms), "still processing, repeat"; the operation is done. */
  processing: number[];
}

/** JSON with sorted keys, so "the same body" does not depend on key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * `Idempotence-Key` on POSTs [C header; U lifetime, length, texts]: required; the first answer to a key on a
 * route is kept for 24 h and replayed for the same body; the same key with another body is 400.
 */
export function idempotent(
  state: YooState,
  knobs: IdempotenceKnobs,
  operation: (req: Request, res: Response) => OperationResult,
): RequestHandler {
  return (req, res) => {
    const key = req.get('idempotence-key');
    if (!key) {
      return sendYooError(res, 400, 'Idempotence key is missing', { parameter: 'Idempotence-Key' });
    }
    if (key.length > LIMITS.idempotenceKey) {
      return sendYooError(res, 400, `Idempotence key is longer than ${LIMITS.idempotenceKey} characters`, {
        parameter: 'Idempotence-Key',
      });
    }
    const scope = `${String(res.locals.shopId)}|${key}|${req.method}|${req.path}`;
    const hash = createHash('sha256')
      .update(canonical(req.body ?? null))
      .digest('hex');
    const earlier = state.recall(scope);
    if (earlier && earlier.bodyHash !== hash) {
      return sendYooError(res, 400, 'Idempotence key duplicated with another request', {
        parameter: 'Idempotence-Key',
      });
    }
    let result: OperationResult = earlier;
    if (!result) {
      result = operation(req, res);
      if (!result) return;
      if (result.status >= 200 && result.status < 300)
        state.remember(scope, hash, result.status, result.body);
    }
    const ok = result.status >= 200 && result.status < 300;
    const retryAfter = ok ? knobs.processing.shift() : undefined;
    if (retryAfter !== undefined) {
      return sendJson(res, 202, {
        type: 'processing',
        description: 'Request accepted',
        retry_after: retryAfter,
      });
    }
    const fault = ok ? knobs.afterCommit.shift() : undefined;
    if (fault?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault) return sendYooError(res, 500, 'Internal server error', { retryAfterMs: 1800 });
    sendJson(res, result.status, result.body);
  };
}
