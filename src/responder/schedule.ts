import type { Agenda } from 'agenda';
import { RESPONDER_JOB } from './jobs.js';

export const RESPOND_JOB = RESPONDER_JOB.respond;

export interface RespondJobData {
  chatId: string;
  /** Jobs queued by older versions for «🤖 Пусть отвечает ИИ» (now read from the escalation draft). */
  skipEscalation?: boolean;
}

/**
 * Schedules one `respond` run per chat after a quiet period: a burst of buyer messages gets one answer.
 * The unique key makes every caller (and every process) share the same pending job. A job that is running (or
 * claimed) is left alone: saving over it would have its end-of-run write drop the new schedule (the MongoDB
 * backend writes `nextRunAt` back, and also clears the lock), so a message arriving mid-run gets a job of its
 * own, which waits for the running one (see answerChat).
 */
export async function scheduleRespond(
  agenda: Agenda,
  chatId: string,
  debounceSeconds: number,
): Promise<void> {
  const job = agenda
    .create<RespondJobData>(RESPOND_JOB, { chatId })
    .unique({ 'data.chatId': chatId, lockedAt: null });
  if (debounceSeconds > 0) {
    await job.debounce(debounceSeconds * 1000, { maxWait: Math.max(60_000, debounceSeconds * 4000) }).save();
  } else {
    await job.schedule(new Date()).save();
  }
}

/** Queues delivery of an approved draft (one job per draft). */
export async function scheduleDeliver(agenda: Agenda, draftId: string, at: Date = new Date()): Promise<void> {
  await agenda
    .create(RESPONDER_JOB.deliver, { draftId })
    .unique({ 'data.draftId': draftId })
    .schedule(at)
    .save();
}

/** Queues a check of a draft whose send outcome is unknown. */
export async function scheduleReconcile(agenda: Agenda, draftId: string, delayMs: number): Promise<void> {
  await agenda
    .create(RESPONDER_JOB.reconcile, { draftId })
    .unique({ 'data.draftId': draftId })
    .schedule(new Date(Date.now() + delayMs))
    .save();
}
