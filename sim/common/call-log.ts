import type { RequestHandler } from 'express';

/** One request a simulator received, as tests read it back. */
export interface CallRecord {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
  /** Epoch milliseconds when the request arrived. */
  time: number;
  /** Status the simulator answered with (set when the response finishes). */
  status?: number;
}

/** Every call a simulator received, in arrival order. */
export class CallLog {
  readonly records: CallRecord[] = [];

  add(record: CallRecord): CallRecord {
    this.records.push(record);
    return record;
  }

  /** Calls whose path ends with `suffix` (e.g. a Telegram method name) or matches a RegExp. */
  find(match: string | RegExp, method?: string): CallRecord[] {
    return this.records.filter(
      (r) =>
        (method === undefined || r.method === method) &&
        (typeof match === 'string' ? r.path.endsWith(match) : match.test(r.path)),
    );
  }

  clear(): void {
    this.records.length = 0;
  }
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
