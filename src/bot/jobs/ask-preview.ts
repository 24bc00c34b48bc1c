/** The `ask-preview` job: `/ask` answers a question as a buyer would get it (a model call), nothing sent. */
import type { Agenda } from 'agenda';
import { z } from 'zod';
import { defineJob, jobKind } from '../../jobs/job.js';
import { renderDecision } from '../cards/decision.js';
import type { BotJobDeps } from './index.js';
import { failureReason, ProgressTarget, progressMessage } from './progress.js';

export const ASK_PREVIEW_JOB = jobKind(
  'ask-preview',
  z.object({
    question: z.string().min(1),
    itemId: z.string().nullable(),
    progress: ProgressTarget,
  }),
);
export type AskPreviewData = z.infer<typeof ASK_PREVIEW_JOB.data>;

/** Queues a preview answer. */
export async function queueAskPreview(agenda: Agenda, data: AskPreviewData): Promise<void> {
  await agenda.now(ASK_PREVIEW_JOB.name, data);
}

export function defineAskPreviewJob(agenda: Agenda, deps: BotJobDeps): void {
  const { api, store, knowledge, texts: t, logger } = deps;
  defineJob(agenda, ASK_PREVIEW_JOB, async ({ question, itemId, progress }) => {
    const log = logger.child({ job: ASK_PREVIEW_JOB.name });
    const target = progressMessage(api, progress, log);
    try {
      const listing = itemId ? await store.listings.get(itemId) : null;
      const decision = await knowledge.answer({
        questions: [question],
        history: [{ author: 'buyer', text: question }],
        listing: listing
          ? {
              itemId: listing.id,
              title: listing.title,
              price: listing.price !== null ? `${listing.price} ₽` : null,
              url: listing.url,
            }
          : null,
      });
      await target.show(renderDecision(question, listing?.title ?? null, decision, t), true);
    } catch (error) {
      log.warn({ err: error }, 'ask preview failed');
      await target.show(t.ask.failed(failureReason(error, t)), true);
    }
  });
}
