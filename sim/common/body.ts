import type { ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';

/**
 * Reads the body ourselves (instead of express.json) so that every request, even a malformed one, is
 * logged and faulted first and errors keep the simulated service's shape. Sets `req.body` to parsed JSON,
 * the form's fields, the raw text, or undefined; a JSON body that does not parse sets
 * `res.locals.invalidJson` for the service's own 400. Past `limit` bytes, `tooLarge` answers.
 */
export function readRequestBody(limit: number, tooLarge: (res: ServerResponse) => void): RequestHandler {
  return async (req, res, next) => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) {
        tooLarge(res);
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
