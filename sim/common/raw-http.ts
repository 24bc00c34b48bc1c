import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallLog, CallRecord } from './call-log.js';

/**
 * Helpers of the simulators that serve plain `node:http` (Gemini, OpenAI-compatible, Anthropic) rather
 * than Express: reading the body with a limit, recording the call, answering JSON.
 */

/** The whole body, or undefined once it passes `limit` bytes (the caller answers 413). */
export async function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > limit) return undefined;
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** Request headers as single strings (repeated ones joined), as the call log keeps them. */
export function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/** Records the call (its body is filled in once read) and its status when the answer finishes. */
export function recordCall(calls: CallLog, req: IncomingMessage, res: ServerResponse, url: URL): CallRecord {
  const record = calls.add({
    method: req.method ?? 'GET',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: flatHeaders(req),
    body: undefined,
    time: Date.now(),
  });
  res.on('finish', () => {
    record.status = res.statusCode;
  });
  return record;
}

/** The body as tests read it back: parsed JSON, else the raw text; undefined when empty. */
export function bodyForLog(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  const text = body.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Writes a JSON answer with its length; `indent` pretty-prints as some services do. Never after headers went. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  indent?: number,
): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body, null, indent);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** Random ids from a seeded generator, so a simulator's ids repeat run after run. */
export function idMaker(random: () => number): (length: number) => string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return (length) => {
    let s = '';
    for (let i = 0; i < length; i++) s += chars[Math.floor(random() * chars.length)];
    return s;
  };
}
