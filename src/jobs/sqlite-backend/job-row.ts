import { type JobParameters, type TJobDatefield, toJobId, type UniqueOpts } from 'agenda';

/** A row of the jobs table as node:sqlite returns it. */
export interface JobRow {
  id: string;
  name: string;
  priority: number;
  next_run_at: number | null;
  type: string;
  locked_at: number | null;
  last_run_at: number | null;
  last_finished_at: number | null;
  failed_at: number | null;
  fail_count: number | null;
  fail_reason: string | null;
  repeat_interval: string | null;
  repeat_timezone: string | null;
  repeat_at: string | null;
  data: string | null;
  disabled: number;
  progress: number | null;
  fork: number;
  last_modified_by: string | null;
  unique_key: string | null;
  unique_opts: string | null;
  debounce_started_at: number | null;
  start_date: number | null;
  end_date: number | null;
  skip_days: string | null;
  rescheduled_while_locked: number;
  created_at: number;
  locked_by: string | null;
}

export function asJobRow(row: unknown): JobRow {
  return row as JobRow;
}

export function asJobRows(rows: unknown[]): JobRow[] {
  return rows as JobRow[];
}

/** Date-like → epoch ms (Agenda hands us Dates, but dates read back from JSON may be strings). */
export function toMs(value: Date | string | number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const ms = value instanceof Date ? value.getTime() : new Date(value).getTime();
  return Number.isNaN(ms) ? null : ms;
}

export function toJson(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

function fromJson<T>(text: string | null): T | undefined {
  return text === null ? undefined : (JSON.parse(text) as T);
}

const dateOf = (ms: number | null): Date | undefined => (ms === null ? undefined : new Date(ms));

/** Row → the JobParameters Agenda expects: real Dates, `_id` as string, absent fields omitted. */
export function rowToJob<DATA = unknown>(row: JobRow): JobParameters<DATA> {
  const job: JobParameters<DATA> = {
    _id: toJobId(row.id),
    name: row.name,
    priority: row.priority,
    nextRunAt: row.next_run_at === null ? null : new Date(row.next_run_at),
    type: row.type === 'single' ? 'single' : 'normal',
    data: (row.data === null ? null : JSON.parse(row.data)) as DATA,
    disabled: row.disabled === 1,
  };
  const dates: [TJobDatefield, number | null][] = [
    ['lockedAt', row.locked_at],
    ['lastRunAt', row.last_run_at],
    ['lastFinishedAt', row.last_finished_at],
    ['failedAt', row.failed_at],
    ['debounceStartedAt', row.debounce_started_at],
    ['startDate', row.start_date],
    ['endDate', row.end_date],
  ];
  for (const [field, ms] of dates) {
    const date = dateOf(ms);
    if (date) (job as unknown as Record<string, Date>)[field] = date;
  }
  if (row.fail_count !== null) job.failCount = row.fail_count;
  if (row.fail_reason !== null) job.failReason = row.fail_reason;
  const repeatInterval = fromJson<string | number>(row.repeat_interval);
  if (repeatInterval !== undefined) job.repeatInterval = repeatInterval;
  if (row.repeat_timezone !== null) job.repeatTimezone = row.repeat_timezone;
  if (row.repeat_at !== null) job.repeatAt = row.repeat_at;
  if (row.progress !== null) job.progress = row.progress;
  if (row.fork === 1) job.fork = true;
  if (row.last_modified_by !== null) job.lastModifiedBy = row.last_modified_by;
  const skipDays = fromJson<number[]>(row.skip_days);
  if (skipDays) job.skipDays = skipDays;
  const uniquePairs = fromJson<[string, unknown][]>(row.unique_key);
  if (uniquePairs) job.unique = Object.fromEntries(uniquePairs);
  const uniqueOpts = fromJson<UniqueOpts>(row.unique_opts);
  if (uniqueOpts) job.uniqueOpts = uniqueOpts;
  return job;
}
