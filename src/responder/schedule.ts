import type { Agenda } from 'agenda';

export const RESPOND_JOB = 'respond';

/**
 * Schedules one `respond` run per chat after a quiet period: a burst of buyer messages gets one answer.
 * The unique key makes every caller (and every process) share the same pending job.
 */
export async function scheduleRespond(agenda: Agenda, chatId: string, debounceSeconds: number): Promise<void> {
  const job = agenda.create(RESPOND_JOB, { chatId }).unique({ 'data.chatId': chatId });
  if (debounceSeconds > 0) {
    await job.debounce(debounceSeconds * 1000, { maxWait: Math.max(60_000, debounceSeconds * 4000) }).save();
  } else {
    await job.schedule(new Date()).save();
  }
}
