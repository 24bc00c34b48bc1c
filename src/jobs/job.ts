/**
 * One kind of durable job, declared in one place: its name in the queue, the names older versions stored it
 * under, and the shape of its data (zod). Each job concept has a module of its own holding its kind, its
 * definition and its scheduling (e.g. `responder/jobs/deliver.ts`); this file holds what they share.
 */
import type { Agenda, Job } from 'agenda';
import type { z } from 'zod';

export interface JobKind<Data> {
  /** The name jobs of this kind are stored under. */
  readonly name: string;
  /**
   * Names older versions used for this job. Jobs still stored under them (queued before an upgrade) run with the
   * same definition; a recurring schedule under an old name is removed when the new one is made.
   */
  readonly formerNames: readonly string[];
  /** Validates a stored job's data before it runs (jobs outlive the code that queued them). */
  readonly data: z.ZodType<Data>;
}

/** Declares a job kind; `formerNames` keep jobs queued under an old name from being lost. */
export function jobKind<S extends z.ZodType>(
  name: string,
  data: S,
  formerNames: readonly string[] = [],
): JobKind<z.output<S>> {
  return { name, data: data as z.ZodType<z.output<S>>, formerNames };
}

/**
 * A job whose data does not have its kind's shape (queued by a version that stored another shape, or edited by
 * hand). The job fails with this reason, kept on the job for the dashboard, and is not retried.
 */
export class JobDataError extends Error {
  constructor(
    readonly job: string,
    readonly issues: string,
  ) {
    super(`job ${job} has data of the wrong shape (${issues}); it is kept as failed and not retried`);
    this.name = 'JobDataError';
  }
}

export type DefineOptions = NonNullable<Parameters<Agenda['define']>[2]>;

/**
 * Defines `kind` (under its name and its former names): `run` gets the job's data parsed by the kind's schema, and
 * the job itself (for `touch()` in long runs). A job with data of the wrong shape fails with a
 * {@link JobDataError}, which no backoff retries.
 */
export function defineJob<Data>(
  agenda: Agenda,
  kind: JobKind<Data>,
  run: (data: Data, job: Job<unknown>) => Promise<void>,
  options: DefineOptions = {},
): void {
  const own = options.backoff;
  const definition: DefineOptions = {
    ...options,
    ...(own ? { backoff: (context) => (context.error instanceof JobDataError ? null : own(context)) } : {}),
  };
  const processor = async (job: Job<unknown>) => {
    const parsed = kind.data.safeParse(job.attrs.data ?? {});
    if (!parsed.success)
      throw new JobDataError(
        job.attrs.name,
        parsed.error.issues.map((i) => `${i.path.join('.') || 'data'}: ${i.message}`).join('; '),
      );
    await run(parsed.data, job);
  };
  for (const name of [kind.name, ...kind.formerNames]) agenda.define(name, processor, definition);
}

/**
 * Schedules a recurring job every `intervalMs` (a number: the bundled human-interval misreads some unit names),
 * idempotently, and removes a recurring schedule left under one of its former names.
 */
export async function scheduleEvery(
  agenda: Agenda,
  kind: JobKind<unknown>,
  intervalMs: number,
): Promise<void> {
  if (kind.formerNames.length > 0) await agenda.cancel({ names: [...kind.formerNames] });
  await agenda.every(intervalMs, kind.name);
}
