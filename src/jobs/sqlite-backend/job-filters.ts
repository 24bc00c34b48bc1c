import type { JobsQueryOptions, JobsSort, RemoveJobsOptions } from 'agenda';
import { dataFilterConditions, type SqlCondition } from './json-match.js';

const strings = (values: unknown): string[] =>
  Array.isArray(values) ? values.filter((v): v is string => typeof v === 'string') : [];

const inList = (column: string, values: string[], negate = false): SqlCondition => ({
  sql: `${column} ${negate ? 'NOT IN' : 'IN'} (SELECT value FROM json_each(?))`,
  params: [JSON.stringify(values)],
});

/**
 * Conditions for removeJobs/disableJobs/enableJobs, with the Mongo backend's precedence:
 * `id` over `ids`; `name` over `names` over `notNames`; `data` as in json-match.ts.
 * Returns `null` when no criterion is given, so that an empty options object touches nothing.
 */
export function removeJobsConditions(options: RemoveJobsOptions): SqlCondition[] | null {
  const conditions: SqlCondition[] = [];
  const ids = strings(options.ids?.map(String));
  if (options.id) conditions.push({ sql: 'id = ?', params: [String(options.id)] });
  else if (ids.length > 0) conditions.push(inList('id', ids));

  const names = strings(options.names);
  const notNames = strings(options.notNames);
  if (options.name && typeof options.name === 'string') {
    conditions.push({ sql: 'name = ?', params: [options.name] });
  } else if (names.length > 0) conditions.push(inList('name', names));
  else if (notNames.length > 0) conditions.push(inList('name', notNames, true));

  if (options.data !== undefined) {
    const dataConditions = dataFilterConditions(options.data);
    // `data: {}` alone is no criterion at all (as in Mongo, where it flattens to nothing).
    if (dataConditions.length === 0 && conditions.length === 0) return null;
    conditions.push(...dataConditions);
  }
  return conditions.length > 0 ? conditions : null;
}

const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** SQL conditions of queryJobs (everything except `state`, which is computed afterwards). */
export function queryJobsConditions(options: JobsQueryOptions): SqlCondition[] {
  const conditions: SqlCondition[] = [];
  const names = strings(options.names);
  if (options.name && typeof options.name === 'string') {
    conditions.push({ sql: 'name = ?', params: [options.name] });
  } else if (names.length > 0) conditions.push(inList('name', names));

  const ids = strings(options.ids);
  if (options.id && typeof options.id === 'string') conditions.push({ sql: 'id = ?', params: [options.id] });
  else if (ids.length > 0) conditions.push(inList('id', ids));

  if (options.search && typeof options.search === 'string') {
    // LIKE is case-insensitive for ASCII, which is what job names are.
    conditions.push({ sql: `name LIKE ? ESCAPE '\\'`, params: [`%${escapeLike(options.search)}%`] });
  }
  if (options.data !== undefined) conditions.push(...dataFilterConditions(options.data));
  if (options.includeDisabled === false) conditions.push({ sql: 'disabled = 0', params: [] });
  return conditions;
}

const SORT_COLUMNS: Record<keyof JobsSort, string> = {
  nextRunAt: 'next_run_at',
  lastRunAt: 'last_run_at',
  lastFinishedAt: 'last_finished_at',
  priority: 'priority',
  name: 'name',
  data: 'data',
};

/** ORDER BY for queryJobs; nulls last either way (as the Postgres backend); rowid keeps pages stable. */
export function orderByClause(sort: JobsSort | undefined): string {
  const parts: string[] = [];
  for (const [key, direction] of Object.entries(sort ?? {})) {
    const column = SORT_COLUMNS[key as keyof JobsSort];
    if (!column || direction === undefined) continue;
    parts.push(`${column} ${direction === 'asc' ? 'ASC' : 'DESC'} NULLS LAST`);
  }
  if (parts.length === 0) parts.push('next_run_at DESC NULLS LAST', 'last_run_at DESC NULLS LAST');
  parts.push('rowid ASC');
  return parts.join(', ');
}
