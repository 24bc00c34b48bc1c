/**
 * Owner guard: only `TELEGRAM_OWNER_IDS` act, in any chat (the notify chat may be a staff group, so every
 * update is checked by `from.id`). Others get one polite refusal per user, remembered in kv.
 */
import type { MiddlewareFn } from 'grammy';
import { rememberName } from '../card-index.js';
import type { BotContext } from '../context.js';
import type { FeatureEnv } from '../env.js';
import { answerTap } from '../answer.js';
import { isRefusedByTelegram } from '../telegram-errors.js';

export function ownerGuard(env: FeatureEnv): MiddlewareFn<BotContext> {
  const owners = new Set(env.config.telegram.ownerIds);
  const named = new Set<number>();
  return async (ctx, next) => {
    const from = ctx.from;
    if (!from || from.is_bot) return;
    if (owners.has(String(from.id))) {
      if (!named.has(from.id)) {
        named.add(from.id);
        await rememberName(env.store.kv, from.id, from.first_name || from.username || String(from.id));
      }
      return next();
    }
    ctx.log.info({ userId: from.id, chatId: ctx.chat?.id }, 'update from a non-owner ignored');
    if (ctx.callbackQuery) {
      await answerTap(ctx, ctx.t.refusedToast, ctx.log);
      return;
    }
    if (ctx.message && (await env.store.kv.setIfAbsent(`tg:refused:${from.id}`, new Date().toISOString()))) {
      // Anyone can write to a bot; a stranger who blocked it (or a chat Telegram doesn't know) is not our failure.
      await ctx.reply(ctx.t.refused).catch((error: unknown) => {
        if (!isRefusedByTelegram(error)) throw error;
        ctx.log.warn({ err: error, userId: from.id }, 'reply to a non-owner refused');
      });
    }
  };
}

/** Drops an update we already handled (webhook redelivery after a slow answer, a restart mid-update). */
export function dedupeUpdates(env: FeatureEnv): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const fresh = await env.store.kv.setIfAbsent(`tg:update:${ctx.update.update_id}`, 1, 24 * 3600_000);
    if (!fresh) {
      ctx.log.info('duplicate update ignored');
      return;
    }
    await next();
  };
}
