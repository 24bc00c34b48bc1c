import type { RequestHandler } from 'express';
import type { CallLog } from '../common/call-log.js';
import { sendAvitoError } from './errors.js';

const BODY_LIMIT = 1024 * 1024;

/**
 * Reads the body ourselves (instead of express.json) so that every request, even a malformed one, is
 * logged and faulted first, and errors keep Avito's shape. Sets `req.body` to parsed JSON, the form's
 * fields, the raw text, or undefined; a broken JSON body is flagged for `rejectInvalidJson`.
 */
export function readBody(): RequestHandler {
  return async (req, res, next) => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > BODY_LIMIT) {
        sendAvitoError(res, 413, 'Payload Too Large');
        return;
      }
      chunks.push(chunk);
    }
    const raw = Buffer.concat(chunks).toString('utf8');
    const type = req.headers['content-type'] ?? '';
    req.body = undefined;
    if (raw === '') {
      // no body
    } else if (type.includes('json')) {
      try {
        req.body = JSON.parse(raw);
      } catch {
        res.locals.invalidJson = true;
      }
    } else if (type.startsWith('application/x-www-form-urlencoded')) {
      req.body = Object.fromEntries(new URLSearchParams(raw));
    } else {
      req.body = raw;
    }
    next();
  };
}

/** Records every request into the shared call log; the status is filled in when the answer finishes. */
export function logCalls(calls: CallLog): RequestHandler {
  return (req, res, next) => {
    const url = new URL(req.originalUrl, 'http://sim');
    const query: Record<string, string> = {};
    for (const key of new Set(url.searchParams.keys())) query[key] = url.searchParams.getAll(key).join(',');
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : value;
    }
    const record = calls.add({
      method: req.method,
      path: url.pathname,
      query,
      headers,
      body: req.body,
      time: Date.now(),
    });
    res.on('finish', () => {
      record.status = res.statusCode;
    });
    next();
  };
}

/** 400 in the messenger shape for a JSON body that does not parse. */
export function rejectInvalidJson(): RequestHandler {
  return (_req, res, next) => {
    if (res.locals.invalidJson === true) {
      sendAvitoError(res, 400, 'invalid JSON body');
      return;
    }
    next();
  };
}
