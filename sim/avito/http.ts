import type { RequestHandler } from 'express';
import { readRequestBody } from '../common/body.js';
import { sendAvitoError } from './errors.js';

export { logCalls } from '../common/call-log.js';

const BODY_LIMIT = 1024 * 1024;

/**
 * Reads the body ourselves (instead of express.json) so that every request, even a malformed one, is
 * logged and faulted first, and errors keep Avito's shape. Sets `req.body` to parsed JSON, the form's
 * fields, the raw text, or undefined; a broken JSON body is flagged for `rejectInvalidJson`.
 */
export function readBody(): RequestHandler {
  return readRequestBody(BODY_LIMIT, (res) => sendAvitoError(res, 413, 'Payload Too Large'));
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
