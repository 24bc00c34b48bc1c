/** The daily `sales-documents-sweep` job: removes the PDFs no download link can reach any more. */
import type { Agenda } from 'agenda';
import { z } from 'zod';
import { defineJob, jobKind, scheduleEvery } from '../../jobs/job.js';
import type { Logger } from '../../logger.js';

export const DOCUMENTS_SWEEP_JOB = jobKind('sales-documents-sweep', z.unknown());

const DAY_MS = 24 * 3600_000;

/** Defines the job; `sweep` is the desk's use case and returns how many files it removed. */
export function defineDocumentsSweepJob(
  agenda: Agenda,
  deps: { sweep(): Promise<number>; logger: Logger },
): void {
  defineJob(agenda, DOCUMENTS_SWEEP_JOB, async () => {
    const removed = await deps.sweep();
    if (removed > 0) deps.logger.info({ removed }, 'expired document files removed');
  });
}

/** Schedules the sweep daily (idempotent). */
export async function scheduleDocumentsSweep(agenda: Agenda): Promise<void> {
  await scheduleEvery(agenda, DOCUMENTS_SWEEP_JOB, DAY_MS);
}
