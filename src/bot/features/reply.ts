/**
 * Reply-to-card: a text sent as a reply to a card (or a notice about a chat) goes to that chat's buyer
 * through the responder's delivery path. The card is found through the kv index the notifier writes.
 */
import { Composer } from 'grammy';
import { z } from 'zod';
import { lookupCard } from '../card-index.js';
import type { BotContext } from '../context.js';
import { MAX_OWNER_TEXT, type FeatureEnv } from '../env.js';
import { resultToast } from '../answer.js';

const OwnerText = z.string().trim().min(1).max(MAX_OWNER_TEXT);

export function replyFeature(env: FeatureEnv): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.on('message:text').filter(
    (ctx) => ctx.message.reply_to_message?.from?.id === ctx.me.id && !ctx.message.text.startsWith('/'),
    async (ctx, next) => {
      const repliedTo = ctx.message.reply_to_message;
      if (!repliedTo) return next();
      const target = await lookupCard(env.store.kv, ctx.chat.id, repliedTo.message_id);
      if (!target) return next();
      const text = OwnerText.safeParse(ctx.message.text);
      if (!text.success) {
        await ctx.reply(ctx.t.edit.tooLong(MAX_OWNER_TEXT));
        return;
      }
      const result = await env.actions.replyToBuyer(
        target.avitoChatId,
        text.data,
        ctx.actor,
        target.draftId ?? undefined,
      );
      const toast = resultToast(result, ctx.t.reply.relayed, ctx.t);
      await ctx.reply(result.ok ? toast : ctx.t.reply.failed(toast), {
        reply_parameters: { message_id: ctx.message.message_id, allow_sending_without_reply: true },
      });
    },
  );
  return composer;
}
