import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { CallLog, CallRecord } from '../common/call-log.js';
import type { FaultInjector, StatusRenderer } from '../common/faults.js';
import { Errors, TgError, tooManyRequests } from './errors.js';
import { Described, type TelegramCore } from './methods.js';
import { readParams } from './request.js';

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Request Entity Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Renders injected status faults the way Telegram answers: JSON error body, 429 with `retry_after`. */
export const renderTelegramFault: StatusRenderer = (res, fault) => {
  const error =
    fault.status === 429
      ? tooManyRequests(fault.retryAfter ?? 1)
      : new TgError(fault.status, fault.message ?? STATUS_TEXT[fault.status] ?? 'Internal Server Error');
  if (fault.status === 429 && fault.message) {
    sendJson(res, 429, { ...error.toJSON(), description: fault.message });
    return;
  }
  sendJson(res, fault.status, error.toJSON());
};

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.writableEnded || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function sendError(res: ServerResponse, error: unknown): void {
  const tg = error instanceof TgError ? error : new TgError(500, 'Internal Server Error');
  if (!(error instanceof TgError)) console.error('[telegram-sim] internal error', error);
  sendJson(res, tg.code, tg.toJSON());
}

/** Extra routes served next to the Bot API (the simulator's control surface for humans). */
export type ControlRoute = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;

/**
 * The HTTP side of the simulator: `{root}/bot{token}/{method}` (any encoding, GET or POST),
 * `{root}/file/bot{token}/{path}` downloads, every call logged and passed through the fault injector. The
 * token picks the bot (`cores`); one Telegram does not know answers 401, as the real server does.
 */
export function createHandler(deps: {
  cores: (token: string) => TelegramCore | undefined;
  calls: CallLog;
  faults: FaultInjector;
  control?: ControlRoute;
}): RequestListener {
  const { calls, faults } = deps;
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://sim.local');
    const path = url.pathname;
    const record: CallRecord = calls.add({
      method: req.method ?? 'GET',
      path,
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v ?? '')]),
      ),
      body: undefined,
      time: Date.now(),
    });
    res.on('finish', () => {
      record.status = res.statusCode;
    });
    void (async () => {
      try {
        if (await faults.apply(req, res, path, renderTelegramFault)) return;
        if (deps.control && (await deps.control(req, res, url))) return;
        const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(path);
        if (file) return serveFile(res, file[1]!, decodeURIComponent(file[2]!));
        const api = /^\/bot([^/]*)\/([^/]*)\/?$/.exec(path);
        if (!api) throw Errors.notFound();
        const core = deps.cores(api[1]!);
        if (!core) throw Errors.unauthorized();
        if (!api[2]) throw Errors.notFound();
        const params = await readParams(req, url);
        record.body = {
          ...params.fields,
          ...Object.fromEntries(
            [...params.files].map(([name, f]) => [
              name,
              { fileName: f.fileName, contentType: f.contentType, size: f.bytes.length },
            ]),
          ),
        };
        const aborted = new AbortController();
        res.on('close', () => {
          if (!res.writableFinished) aborted.abort();
        });
        const result = await core.call(api[2], params, aborted.signal);
        if (result instanceof Described) {
          sendJson(res, 200, { ok: true, result: result.result, description: result.description });
        } else {
          sendJson(res, 200, { ok: true, result });
        }
      } catch (error) {
        sendError(res, error);
      }
    })();
  };

  function serveFile(res: ServerResponse, fileToken: string, filePath: string): void {
    const core = deps.cores(fileToken);
    const stored = core?.state.filesByPath.get(filePath);
    if (!core || !stored) throw Errors.notFound();
    const bytes = core.state.fileBytes(stored);
    res.writeHead(200, {
      'content-type': stored.mimeType ?? 'application/octet-stream',
      'content-length': bytes.length,
    });
    res.end(bytes);
  }
}
