/** Last in the chain: answers stray taps (no spinner is ever left turning) and unknown messages. */
import { Composer } from 'grammy';
import { answerTap } from '../answer.js';
import { parseCallbackData } from '../callback-data.js';
import type { BotContext } from '../context.js';

export function unhandledFeature(): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.on('callback_query', async (ctx) => {
    const data = parseCallbackData(ctx.callbackQuery.data);
    // A preview's buttons after its edit ended (timeout, restart with changed code, cancelled).
    const text = data ? ctx.t.toast.stale : ctx.t.toast.unknown;
    ctx.log.info({ data: ctx.callbackQuery.data, known: data !== null }, 'stray callback query');
    await answerTap(ctx, text, ctx.log);
  });
  composer.on('message', async (ctx) => {
    if (ctx.chat.type !== 'private') return;
    await ctx.reply(ctx.t.unhandled);
  });
  return composer;
}
