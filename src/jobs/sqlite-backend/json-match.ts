import { createHash } from 'node:crypto';
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

/** `['a', 'b']` → `$."a"."b"`. */
export function jsonPath(segments: string[]): string {
  for (const segment of segments) {
    if (segment === '' || segment.includes('"')) {
      throw new Error(`Unsupported data path segment "${segment}"`);
    }
  }
  return `$${segments.map((segment) => `."${segment}"`).join('')}`;
}

/**
 * The JSON value at a data path, as SQL text: `coalesce(data -> '$."a"', 'null')`. The path is a literal (a
 * validated {@link jsonPath}, quotes doubled), not a bound parameter, so that an index on this very
 * expression ({@link dataPathIndexSql}) serves the conditions on it.
 */
export function dataPathExpression(segments: string[]): string {
  return `coalesce(data -> '${jsonPath(segments).replaceAll("'", "''")}', 'null')`;
}

/**
 * An index on a data path's value per job name, as unique constraints on that path look rows up by it: without
 * it, a constraint that no row of its own key satisfies (a new chat's first job) reads every row of the name.
 */
export function dataPathIndexSql(table: string, segments: string[]): string {
  const id = createHash('sha256').update(jsonPath(segments)).digest('hex').slice(0, 16);
  return `CREATE INDEX IF NOT EXISTS "${table}_data_${id}" ON "${table}" (name, ${dataPathExpression(segments)})`;
}

function jsonLeafCondition(segments: string[], value: unknown): SqlCondition {
  return { sql: `${dataPathExpression(segments)} = json(?)`, params: [JSON.stringify(value)] };
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
  /** The `data` paths it names (segments), each worth an index ({@link dataPathIndexSql}). */
  dataPaths: string[][];
}

/** `{ 'data.chatId': 'abc', name: 'x' }` → SQL conditions plus its canonical key. */
export function uniqueConstraint(unique: Record<string, unknown>): UniqueConstraint {
  const pairs: [string, unknown][] = flattenLeaves(unique).map(([segments, value]) => [
    segments.join('.'),
    value,
  ]);
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const dataPaths: string[][] = [];
  const conditions = pairs.map(([path, value]) => {
    const [head, ...rest] = path.split('.');
    if (head === 'data') {
      if (rest.length > 0) dataPaths.push(rest);
      return rest.length > 0
        ? jsonLeafCondition(rest, value)
        : { sql: `coalesce(json(data), 'null') = json(?)`, params: [JSON.stringify(value)] };
    }
    if (rest.length > 0) throw new Error(`Invalid unique constraint field: "${path}"`);
    return columnCondition(path, value);
  });
  return { key: JSON.stringify(pairs), conditions, dataPaths };
}

export function joinConditions(conditions: SqlCondition[]): SqlCondition {
  if (conditions.length === 0) return { sql: '1 = 1', params: [] };
  return {
    sql: conditions.map((condition) => `(${condition.sql})`).join(' AND '),
    params: conditions.flatMap((condition) => condition.params),
  };
}
