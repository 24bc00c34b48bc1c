import type { ServerResponse } from 'node:http';
import express, {
  type Express,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import type { CallLog } from './call-log.js';
import type { FaultInjector, StatusRenderer } from './faults.js';

/** Writes a JSON answer with its length; `type` is the service's own media type. */
export function writeJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  type = 'application/json; charset=utf-8',
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * The front every simulator shares: Express without `x-powered-by` and etags, then the body reader, the
 * call log and fault injection, in that order, so even a malformed or faulted request is logged.
 */
export function simulatorApp(opts: {
  calls: CallLog;
  faults: FaultInjector;
  render: StatusRenderer;
  tooLarge: (res: ServerResponse) => void;
  bodyLimit?: number;
}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(readBody({ limit: opts.bodyLimit ?? 1024 * 1024, tooLarge: opts.tooLarge }));
  app.use(logCalls(opts.calls));
  app.use(async (req, res, next) => {
    if (await opts.faults.apply(req, res, req.path, opts.render)) return;
    next();
  });
  return app;
}

/** The back: unknown routes get the service's 404, and a simulator bug its 500 (never a hang). */
export function finishSimulatorApp(
  app: Express,
  notFound: (res: Response) => void,
  internal: (res: Response, message: string) => void,
): void {
  app.use((_req: Request, res: Response) => notFound(res));
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return;
    internal(res, `simulator error: ${error instanceof Error ? error.message : String(error)}`);
  });
}

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
