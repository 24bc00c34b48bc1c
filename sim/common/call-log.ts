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
