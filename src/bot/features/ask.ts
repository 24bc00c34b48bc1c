/**
 * `/ask <question>`: previews what a buyer would get for a listing (or with general documents only).
 * The question waits in kv while the owner picks; the model call runs in the `ask-preview` job.
 */
import { Composer } from 'grammy';
import { z } from 'zod';
import { answerTap } from '../answer.js';
import type { BotContext } from '../context.js';
import type { FeatureEnv } from '../env.js';
import { cutText, escapeHtml } from '../html.js';
import { type AskPreviewData, queueAskPreview } from '../jobs/index.js';
import { claimPick, listingPicker, newToken } from '../keyboards/listing-picker.js';

const Question = z.string().trim().min(2).max(1000);
const PendingAsk = z.object({ question: Question });
const askKey = (token: string) => `ask:${token}`;

export function askFeature(env: FeatureEnv): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const { store } = env;

  composer.command('ask', async (ctx) => {
    const question = Question.safeParse(ctx.match);
    if (!question.success) {
      await ctx.reply(ctx.t.ask.usage);
      return;
    }
    const token = newToken();
    await store.kv.set(askKey(token), { question: question.data }, 3600_000);
    await ctx.reply(ctx.t.ask.choose(escapeHtml(cutText(question.data, 500, ctx.t.cutMarker))), {
      parse_mode: 'HTML',
      reply_markup: listingPicker('ask', token, await store.listings.list(), 0, ctx.t),
    });
  });

  composer.callbackQuery(/^a:/, async (ctx, next) => {
    const picked = await claimPick(ctx, store, 'ask', askKey, PendingAsk);
    if (picked === 'not-mine') return next();
    if (!picked) return;
    const { t, log } = ctx;
    const { choice, pending, message } = picked;
    if (choice.type === 'cancel') {
      await answerTap(ctx, t.edit.cancelled, log);
      await ctx.editMessageReplyMarkup();
      return;
    }
    await answerTap(ctx, t.ask.thinking, log);
    await ctx.editMessageText(t.ask.thinking);
    const job: AskPreviewData = {
      question: pending.question,
      itemId: choice.type === 'item' ? choice.itemId : null,
      progress: message,
    };
    await queueAskPreview(env.agenda, job);
  });

  return composer;
}
