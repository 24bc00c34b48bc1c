/** `/mode` as a menu (Авто / Проверка) and `/mode auto|review`; the choice lives in `store.settings`. */
import { Menu } from '@grammyjs/menu';
import { Composer } from 'grammy';
import { z } from 'zod';
import type { Mode } from '../../models/records.js';
import type { BotContext } from '../context.js';
import type { FeatureEnv } from '../env.js';

const ModeArg = z.enum(['auto', 'review']);

export function modeFeature(env: FeatureEnv): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const current = async (): Promise<Mode> =>
    (await env.store.settings.get()).mode ?? env.config.responder.mode;

  async function setMode(ctx: BotContext, mode: Mode): Promise<void> {
    const before = await current();
    await env.store.settings.update({ mode });
    if (before !== mode) {
      await env.store.audit.append({ actor: ctx.actor, action: 'settings.mode', before, after: mode });
      ctx.log.info({ mode }, 'mode changed');
    }
  }

  const menu = new Menu<BotContext>('mode');
  for (const mode of ['auto', 'review'] as const) {
    menu.text(
      async (ctx) => ctx.t.modeButton(mode, (await current()) === mode),
      async (ctx) => {
        await setMode(ctx, mode);
        await ctx.answerCallbackQuery({ text: ctx.t.modeSet(mode) }).catch(() => {});
        await ctx
          .editMessageText(ctx.t.modeTitle(mode), { parse_mode: 'HTML', reply_markup: menu })
          .catch(() => {});
      },
    );
  }
  composer.use(menu);

  composer.command('mode', async (ctx) => {
    const arg = ctx.match.trim().toLowerCase();
    if (arg) {
      const mode = ModeArg.safeParse(arg);
      if (!mode.success) {
        await ctx.reply(ctx.t.modeUsage);
        return;
      }
      await setMode(ctx, mode.data);
      await ctx.reply(ctx.t.modeSet(mode.data));
      return;
    }
    await ctx.reply(ctx.t.modeTitle(await current()), { parse_mode: 'HTML', reply_markup: menu });
  });
  return composer;
}
