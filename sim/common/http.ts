import type { ServerResponse } from 'node:http';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { readRequestBody } from './body.js';
import { type CallLog, logCalls } from './call-log.js';
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
  app.use(readRequestBody(opts.bodyLimit ?? 1024 * 1024, opts.tooLarge));
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
