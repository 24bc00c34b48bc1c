/**
 * Taps on draft cards and notices (`d:…`, `c:back:…`, `f:bad:…`). The action decides (compare-and-set in
 * the responder, so double taps are harmless) and the responder re-renders the card through `syncCard`;
 * here the tap is only answered with a toast saying what happened.
 */
import { Composer } from 'grammy';
import { answerTap, resultToast, tapWithResult } from '../answer.js';
import { parseCallbackData } from '../callback-data.js';
import { lookupCard } from '../card-index.js';
import type { BotContext } from '../context.js';
import type { FeatureEnv } from '../env.js';
import { isNotModified } from '../telegram-errors.js';
import { EDIT_CONVERSATION, type EditArgs } from './edit.js';

export function cardsFeature(env: FeatureEnv): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const { actions, store } = env;

  /**
   * After «hand back» on a notice (a paused chat, a buyer writing in a chat the owner holds) its button has
   * done its work. Draft cards are re-rendered by the responder; other messages (the `/chats` list) stay.
   */
  async function retireNoticeButtons(ctx: BotContext): Promise<void> {
    const message = ctx.callbackQuery?.message;
    if (!message) return;
    const target = await lookupCard(store.kv, message.chat.id, message.message_id);
    if (target?.draftId !== null) return;
    await ctx.editMessageReplyMarkup().catch((error: unknown) => {
      if (!isNotModified(error)) ctx.log.debug({ err: error }, 'could not remove the notice buttons');
    });
  }

  composer.callbackQuery(/^[dcf]:/, async (ctx, next) => {
    const data = parseCallbackData(ctx.callbackQuery.data);
    const { t, log, actor } = ctx;
    if (!data) return next();
    if (data.kind === 'chat') {
      return tapWithResult(ctx, log, t, async () => {
        if (!(await actions.handBack(data.chatId, actor))) return t.toast.notFound;
        await retireNoticeButtons(ctx);
        return t.toast.handBack;
      });
    }
    if (data.kind === 'feedback') {
      return tapWithResult(ctx, log, t, async () =>
        resultToast(await actions.feedback(data.draftId, actor, 'bad'), t.toast.feedback, t),
      );
    }
    if (data.kind !== 'draft') return next();
    const id = data.draftId;
    switch (data.action) {
      case 'send':
        return tapWithResult(ctx, log, t, async () =>
          resultToast(await actions.approve(id, actor), t.toast.approve, t),
        );
      case 'dismiss':
        return tapWithResult(ctx, log, t, async () =>
          resultToast(await actions.dismiss(id, actor), t.toast.dismiss, t),
        );
      case 'regen':
        return tapWithResult(ctx, log, t, async () =>
          resultToast(await actions.regenerate(id, actor), t.toast.regen, t),
        );
      case 'retry':
        return tapWithResult(ctx, log, t, async () =>
          resultToast(await actions.retry(id, actor), t.toast.retry, t),
        );
      case 'ai':
        return tapWithResult(ctx, log, t, async () =>
          resultToast(await actions.letAiAnswer(id, actor), t.toast.ai, t),
        );
      case 'take':
        return tapWithResult(ctx, log, t, async () => {
          const draft = await store.drafts.get(id);
          if (!draft) return t.toast.notFound;
          return (await actions.takeOver(draft.chatId, actor)) ? t.toast.takeOver : t.toast.notFound;
        });
      case 'edit':
      case 'reply': {
        const draft = await store.drafts.get(id);
        if (!draft) return answerTap(ctx, t.toast.notFound, log);
        if (data.action === 'edit' && draft.status !== 'pending') return answerTap(ctx, t.toast.stale, log);
        await answerTap(ctx, data.action === 'edit' ? t.toast.editStarted : t.toast.replyStarted, log);
        // One edit at a time per owner and chat: a tap on another card's ✏️ replaces the one in progress.
        if (ctx.conversation.active(EDIT_CONVERSATION) > 0) await ctx.conversation.exit(EDIT_CONVERSATION);
        const args: EditArgs = { draftId: id, mode: data.action };
        await ctx.conversation.enter(EDIT_CONVERSATION, args);
        return;
      }
    }
  });

  return composer;
}
