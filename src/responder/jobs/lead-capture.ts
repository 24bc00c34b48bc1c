/**
 * The lead-capture jobs: a buyer message whose lead could not be made at once, and the brief read from a chat's
 * latest burst. Both run beside answering and never in its way; the use cases are in `../lead-capture.ts`.
 */
import { type Agenda, exponential } from 'agenda';
import { z } from 'zod';
import { defineJob, jobKind } from '../../jobs/job.js';

export const LEAD_MESSAGE_JOB = jobKind(
  'lead-capture-message',
  z.object({ chatId: z.string().min(1), messageId: z.string().min(1) }),
);
export const LEAD_BRIEF_JOB = jobKind(
  'lead-capture-brief',
  z.object({ chatId: z.string().min(1), messageIds: z.array(z.string().min(1)).min(1) }),
);

/** Tries for about an hour before the failure is left in the job's record (and the log). */
const BACKOFF = exponential({ delay: 2000, maxDelay: 10 * 60_000, maxRetries: 10 });

/** Retries one buyer message's lead shortly (one job per message). */
export async function scheduleLeadMessage(agenda: Agenda, chatId: string, messageId: string): Promise<void> {
  await agenda
    .create(LEAD_MESSAGE_JOB.name, { chatId, messageId })
    .unique({ 'data.messageId': messageId })
    .schedule(new Date(Date.now() + 2000))
    .save();
}

/** Reads a burst's brief (one waiting job per chat; a newer burst replaces it, and includes its messages). */
export async function scheduleLeadBrief(agenda: Agenda, chatId: string, messageIds: string[]): Promise<void> {
  await agenda
    .create(LEAD_BRIEF_JOB.name, { chatId, messageIds })
    .unique({ 'data.chatId': chatId, lockedAt: null })
    .schedule(new Date())
    .save();
}

/** Defines both jobs; the callbacks are the use cases (the lead sink fed from the stored chat and messages). */
export function defineLeadCaptureJobs(
  agenda: Agenda,
  deps: {
    message(chatId: string, messageId: string): Promise<void>;
    burst(chatId: string, messageIds: readonly string[]): Promise<void>;
  },
): void {
  defineJob(agenda, LEAD_MESSAGE_JOB, ({ chatId, messageId }) => deps.message(chatId, messageId), {
    backoff: BACKOFF,
  });
  defineJob(agenda, LEAD_BRIEF_JOB, ({ chatId, messageIds }) => deps.burst(chatId, messageIds), {
    backoff: BACKOFF,
  });
}
