/** `/mode` as a menu (Авто / Проверка) and `/mode auto|review`; the responder keeps the choice. */
import { Menu } from '@grammyjs/menu';
import { Composer } from 'grammy';
import { z } from 'zod';
import type { BotContext } from '../context.js';
import type { FeatureEnv } from '../env.js';

const ModeArg = z.enum(['auto', 'review']);

export function modeFeature(env: FeatureEnv): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const { owner } = env;

  const menu = new Menu<BotContext>('mode');
  for (const mode of ['auto', 'review'] as const) {
    menu.text(
      async (ctx) => ctx.t.modeButton(mode, (await owner.mode()).mode === mode),
      async (ctx) => {
        await owner.setMode(mode, ctx.actor);
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
      await owner.setMode(mode.data, ctx.actor);
      await ctx.reply(ctx.t.modeSet(mode.data));
      return;
    }
    await ctx.reply(ctx.t.modeTitle((await owner.mode()).mode), { parse_mode: 'HTML', reply_markup: menu });
  });
  return composer;
}
