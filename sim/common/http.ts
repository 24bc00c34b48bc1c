import type { ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { CallLog } from './call-log.js';

/**
 * Reads the body ourselves (instead of express.json) so that every request, even a malformed one, is
 * logged and faulted first, and errors keep the simulated service's shape. Sets `req.body` to parsed JSON,
 * the form's fields, the raw text, or undefined; a broken JSON body sets `res.locals.invalidJson` for the
 * service's own 400. Bodies over `limit` bytes get `tooLarge`.
 */
export function readBody(opts: { limit: number; tooLarge: (res: ServerResponse) => void }): RequestHandler {
  return async (req, res, next) => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > opts.limit) {
        opts.tooLarge(res);
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
