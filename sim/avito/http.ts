import type { RequestHandler } from 'express';
import { sendAvitoError } from './errors.js';

export { logCalls } from '../common/call-log.js';

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
