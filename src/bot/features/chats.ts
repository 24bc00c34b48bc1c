/**
 * `/chats`: the pending drafts, their cards sent again at the bottom of the chat (the new card becomes the
 * draft's card, the old one is retired), and the chats the owner handles personally with a «Вернуть ИИ»
 * button each.
 */
import { Composer } from 'grammy';
import type { InlineKeyboardButton } from 'grammy/types';
import { channelOf } from '../../responder/channel.js';
import { cb, fitsCallbackData } from '../callback-data.js';
import type { BotContext } from '../context.js';
import type { FeatureEnv } from '../env.js';
import { cutText, escapeHtml } from '../html.js';
import { formatWhen } from '../../texts/index.js';

const LIMIT = 20;

export function chatsFeature(env: FeatureEnv): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const { owner } = env;

  composer.command('chats', async (ctx) => {
    const { t } = ctx;
    const pending = await owner.pendingDrafts(LIMIT);
    await ctx.reply(pending.length > 0 ? t.chats.pendingHeader(pending.length) : t.chats.nonePending, {
      parse_mode: 'HTML',
    });
    for (const draft of pending) await owner.resendCard(draft.id);

    const human = await owner.humanChats(LIMIT);
    if (human.length === 0) {
      await ctx.reply(t.chats.noneHuman);
      return;
    }
    const lines = human.map((c) =>
      t.chats.humanLine(
        escapeHtml(c.buyerName ?? t.card.noName),
        t.channelName(channelOf(c.id)),
        escapeHtml(cutText(c.listing?.title ?? c.id, 60, '…')),
        c.humanUntil ? formatWhen(t, c.humanUntil) : null,
      ),
    );
    const rows: InlineKeyboardButton[][] = human
      .filter((c) => fitsCallbackData({ kind: 'chat', action: 'back', chatId: c.id }))
      .map((c) => [
        {
          text: `${t.buttons.handBack}: ${cutText(c.buyerName ?? c.listing?.title ?? c.id, 30, '…')}`,
          callback_data: cb.handBack(c.id),
        },
      ]);
    await ctx.reply([t.chats.humanHeader(human.length), ...lines].join('\n'), {
      parse_mode: 'HTML',
      reply_markup: { inline_keyboard: rows },
    });
  });

  return composer;
}
