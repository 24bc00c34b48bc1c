/**
 * `/ask <question>`: previews what a buyer would get for a listing (or with general documents only).
 * The question waits in kv while the owner picks; the model call runs in the `ask-preview` job.
 */
import { Composer } from 'grammy';
import { z } from 'zod';
import { answerTap } from '../answer.js';
import { parseCallbackData } from '../callback-data.js';
import type { BotContext } from '../context.js';
import type { FeatureEnv } from '../env.js';
import { cutText, escapeHtml } from '../html.js';
import { ASK_PREVIEW_JOB, type AskPreviewData } from '../jobs.js';
import { listingPicker, newToken } from '../keyboards/listing-picker.js';
import { isNotModified } from '../telegram-errors.js';

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
    const data = parseCallbackData(ctx.callbackQuery.data);
    if (data?.kind !== 'pick' || data.flow !== 'ask') return next();
    const { t, log } = ctx;
    const key = askKey(data.token);
    const pending = PendingAsk.safeParse(await store.kv.get(key));
    const message = ctx.callbackQuery.message;
    if (!pending.success || !message) {
      await answerTap(ctx, t.upload.expired, log);
      return;
    }
    const choice = data.choice;
    if (choice.type === 'page') {
      await answerTap(ctx, undefined, log);
      const markup = listingPicker('ask', data.token, await store.listings.list(), choice.page, t);
      await ctx.editMessageReplyMarkup({ reply_markup: markup }).catch((error: unknown) => {
        if (!isNotModified(error)) throw error;
      });
      return;
    }
    if (!(await store.kv.delete(key))) {
      await answerTap(ctx, t.toast.stale, log);
      return;
    }
    if (choice.type === 'cancel') {
      await answerTap(ctx, t.edit.cancelled, log);
      await ctx.editMessageReplyMarkup();
      return;
    }
    await answerTap(ctx, t.ask.thinking, log);
    await ctx.editMessageText(t.ask.thinking);
    const job: AskPreviewData = {
      question: pending.data.question,
      itemId: choice.type === 'item' ? choice.itemId : null,
      progress: { chatId: message.chat.id, messageId: message.message_id },
    };
    await env.agenda.now(ASK_PREVIEW_JOB, job);
  });

  return composer;
}
