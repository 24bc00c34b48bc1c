import type { SqlParam } from './sqlite-connection.js';

/**
 * Matching of job fields against caller values, shared by `unique` constraints and the `data`
 * filters of queryJobs/removeJobs/disableJobs/enableJobs.
 *
 * Semantics (close to the Mongo backend's dot-notation queries):
 * - A plain object is flattened into leaf paths and each leaf must be equal, so `{ a: { b: 1 } }`
 *   matches any data whose `a.b` is 1 whatever else it holds (partial match); `{}` matches all.
 * - A leaf is compared as a JSON value (`1` ≠ `"1"`; arrays and Dates compare by their JSON text,
 *   Dates therefore as ISO strings). A `null` leaf also matches a missing field, as in Mongo.
 * - Unlike Mongo, a leaf is not matched against array elements, and query operators (`$gt`, …)
 *   are not supported: keys starting with `$` are rejected.
 */

export interface SqlCondition {
  sql: string;
  params: SqlParam[];
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Flattens nested plain objects into `[path segments, leaf]` pairs; `undefined` leaves are skipped. */
export function flattenLeaves(value: Record<string, unknown>, prefix: string[] = []): [string[], unknown][] {
  const leaves: [string[], unknown][] = [];
  for (const [key, child] of Object.entries(value)) {
    if (key.startsWith('$'))
      throw new Error(`Query operator "${key}" is not supported by the SQLite backend`);
    const path = [...prefix, ...key.split('.')];
    if (isPlainObject(child)) leaves.push(...flattenLeaves(child, path));
    else if (child !== undefined) leaves.push([path, child]);
  }
  return leaves;
}

/** `['a', 'b']` → `$."a"."b"` (passed as a bound parameter, never interpolated). */
export function jsonPath(segments: string[]): string {
  for (const segment of segments) {
    if (segment === '' || segment.includes('"')) {
      throw new Error(`Unsupported data path segment "${segment}"`);
    }
  }
  return `$${segments.map((segment) => `."${segment}"`).join('')}`;
}

function jsonLeafCondition(segments: string[], value: unknown): SqlCondition {
  return {
    sql: `coalesce(data -> ?, 'null') = json(?)`,
    params: [jsonPath(segments), JSON.stringify(value)],
  };
}

/** Conditions for a `data` filter (see the module comment for the semantics). */
export function dataFilterConditions(data: unknown): SqlCondition[] {
  if (isPlainObject(data)) {
    return flattenLeaves(data).map(([segments, value]) => jsonLeafCondition(segments, value));
  }
  return [{ sql: `coalesce(json(data), 'null') = json(?)`, params: [JSON.stringify(data ?? null)] }];
}

type ColumnKind = 'plain' | 'date' | 'bool' | 'json';

/** Fields a `unique` constraint may name besides `data.*` (column names are never taken from input). */
const UNIQUE_COLUMNS: Record<string, [column: string, kind: ColumnKind]> = {
  _id: ['id', 'plain'],
  name: ['name', 'plain'],
  priority: ['priority', 'plain'],
  type: ['type', 'plain'],
  nextRunAt: ['next_run_at', 'date'],
  lockedAt: ['locked_at', 'date'],
  lastRunAt: ['last_run_at', 'date'],
  lastFinishedAt: ['last_finished_at', 'date'],
  failedAt: ['failed_at', 'date'],
  failCount: ['fail_count', 'plain'],
  failReason: ['fail_reason', 'plain'],
  repeatInterval: ['repeat_interval', 'json'],
  repeatTimezone: ['repeat_timezone', 'plain'],
  repeatAt: ['repeat_at', 'plain'],
  disabled: ['disabled', 'bool'],
  progress: ['progress', 'plain'],
  fork: ['fork', 'bool'],
  lastModifiedBy: ['last_modified_by', 'plain'],
  startDate: ['start_date', 'date'],
  endDate: ['end_date', 'date'],
};

function columnCondition(key: string, value: unknown): SqlCondition {
  const spec = UNIQUE_COLUMNS[key];
  if (!spec) throw new Error(`Invalid unique constraint field: "${key}"`);
  const [column, kind] = spec;
  if (value === null) return { sql: `${column} IS NULL`, params: [] };
  let param: SqlParam;
  if (kind === 'date') param = new Date(value as string | number | Date).getTime();
  else if (kind === 'bool') param = value ? 1 : 0;
  else if (kind === 'json') param = JSON.stringify(value);
  else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') param = value;
  else if (typeof value === 'boolean') param = value ? 1 : 0;
  else throw new Error(`Unsupported value for unique constraint field "${key}"`);
  return { sql: `${column} = ?`, params: [param] };
}

export interface UniqueConstraint {
  /** Canonical text of the constraint (flattened, sorted), stored in `unique_key` and indexed. */
  key: string;
  conditions: SqlCondition[];
}

/** `{ 'data.chatId': 'abc', name: 'x' }` → SQL conditions plus its canonical key. */
export function uniqueConstraint(unique: Record<string, unknown>): UniqueConstraint {
  const pairs: [string, unknown][] = flattenLeaves(unique).map(([segments, value]) => [
    segments.join('.'),
    value,
  ]);
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const conditions = pairs.map(([path, value]) => {
    const [head, ...rest] = path.split('.');
    if (head === 'data') {
      return rest.length > 0
        ? jsonLeafCondition(rest, value)
        : { sql: `coalesce(json(data), 'null') = json(?)`, params: [JSON.stringify(value)] };
    }
    if (rest.length > 0) throw new Error(`Invalid unique constraint field: "${path}"`);
    return columnCondition(path, value);
  });
  return { key: JSON.stringify(pairs), conditions };
}

export function joinConditions(conditions: SqlCondition[]): SqlCondition {
  if (conditions.length === 0) return { sql: '1 = 1', params: [] };
  return {
    sql: conditions.map((condition) => `(${condition.sql})`).join(' AND '),
    params: conditions.flatMap((condition) => condition.params),
  };
}
