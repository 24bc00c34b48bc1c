/** The `resume-paused-chats` job: chats whose automatic pause (the seller wrote from the app) ended go back to the AI. */
import type { Agenda } from 'agenda';
import { z } from 'zod';
import { defineJob, jobKind, scheduleEvery } from '../../jobs/job.js';
import type { Logger } from '../../logger.js';

export const RESUME_PAUSED_JOB = jobKind('resume-paused-chats', z.unknown());

/** Defines the job; `resume` is the use case (resumeExpiredPauses), returning how many chats it resumed. */
export function defineResumePausedJob(
  agenda: Agenda,
  deps: { resume: () => Promise<number>; logger: Logger },
): void {
  defineJob(agenda, RESUME_PAUSED_JOB, async () => {
    const resumed = await deps.resume();
    if (resumed) deps.logger.info({ resumed }, 'paused chats handed back to the AI');
  });
}

export const scheduleResumePaused = (agenda: Agenda) => scheduleEvery(agenda, RESUME_PAUSED_JOB, 60_000);
