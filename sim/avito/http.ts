import type { RequestHandler } from 'express';
import { readBody as readAnyBody } from '../common/http.js';
import { sendAvitoError } from './errors.js';

export { logCalls } from '../common/http.js';

const BODY_LIMIT = 1024 * 1024;

/** The shared body reader with Avito's 413; see `sim/common/http.ts`. */
export function readBody(): RequestHandler {
  return readAnyBody({ limit: BODY_LIMIT, tooLarge: (res) => sendAvitoError(res, 413, 'Payload Too Large') });
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
