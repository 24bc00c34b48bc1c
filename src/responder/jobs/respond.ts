/** The `respond` job: answers a chat's waiting buyer messages, one job per chat, debounced. */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Agenda } from 'agenda';
import { z } from 'zod';
import { defineJob, jobKind } from '../../jobs/job.js';

export const RESPOND_JOB = jobKind(
  'respond',
  z.object({
    chatId: z.string().min(1),
    /** Jobs queued by older versions for «🤖 Пусть отвечает ИИ» (now read from the escalation draft). */
    skipEscalation: z.boolean().optional(),
  }),
);
export type RespondJobData = z.infer<typeof RESPOND_JOB.data>;

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
    .create<RespondJobData>(RESPOND_JOB.name, { chatId })
    .unique({ 'data.chatId': chatId, lockedAt: null });
  if (debounceSeconds > 0) {
    await job.debounce(debounceSeconds * 1000, { maxWait: Math.max(60_000, debounceSeconds * 4000) }).save();
  } else {
    await job.schedule(new Date()).save();
  }
}

/** Defines the job; `respond` is the use case (answerChat), `beforeRun` lets answers wait out a delivery storm. */
export function defineRespondJob(
  agenda: Agenda,
  deps: {
    respond(data: RespondJobData): Promise<unknown>;
    beforeRun?: () => Promise<void>;
  },
): void {
  defineJob(
    agenda,
    RESPOND_JOB,
    async (data) => {
      // Store reads settle as microtasks: without a turn of its own, every respond job Agenda starts together
      // would run up to its first network call in one long task, holding up webhook acknowledgements.
      await yieldToEventLoop();
      await deps.beforeRun?.();
      await deps.respond(data);
    },
    { concurrency: 20 },
  );
}
