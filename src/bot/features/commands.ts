/** `/start`, `/help`, `/status`, `/pause`, `/resume`, `/cancel` (outside an edit). */
import { Composer } from 'grammy';
import type { BotContext } from '../context.js';
import type { StatusSnapshot } from '../deps.js';
import type { FeatureEnv } from '../env.js';
import { escapeHtml } from '../html.js';
import type { Texts } from '../../texts/index.js';

const ICON: Record<string, string> = { ok: '✅', degraded: '⚠️', down: '❌', error: '❌', disabled: '⚪️' };

const isProblem = (status: string) => status !== 'ok' && status !== 'disabled';

function healthLine(snapshot: StatusSnapshot, t: Texts): string {
  const bad = Object.entries(snapshot.checks)
    .filter(([, c]) => isProblem(c.status))
    .map(([name]) => t.check.name(name));
  return t.healthLine(bad);
}

/** One check as the owner reads it: a problem's detail (technical) is shown, an `ok` check's is not. */
function checkLine(name: string, check: StatusSnapshot['checks'][string], t: Texts): string {
  const detail =
    check.status === 'disabled'
      ? t.check.disabled(name)
      : isProblem(check.status) && check.detail
        ? escapeHtml(check.detail.slice(0, 200))
        : '';
  return `${ICON[check.status] ?? '•'} ${t.check.name(name)}: ${t.check.status(check.status)}${detail ? ` — ${detail}` : ''}`;
}

/** The `/status` text: every check, the queues, the mode. */
export function statusText(snapshot: StatusSnapshot, t: Texts): string {
  return [
    t.statusTitle,
    ...Object.entries(snapshot.checks).map(([name, check]) => checkLine(name, check, t)),
    '',
    t.statusQueue(snapshot.queue.pendingDrafts, snapshot.queue.humanChats, snapshot.queue.jobsQueued),
    t.statusMode(snapshot.mode, snapshot.paused),
  ].join('\n');
}

export function commandsFeature(env: FeatureEnv): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  composer.command('start', async (ctx) => {
    const { mode, paused } = await env.owner.mode();
    let health: string;
    try {
      health = healthLine(await env.status(), ctx.t);
    } catch (error) {
      ctx.log.warn({ err: error }, 'status failed');
      health = ctx.t.statusFailed;
    }
    const name = escapeHtml(ctx.from?.first_name ?? '');
    await ctx.reply(ctx.t.start(name, ctx.from?.id ?? 0, mode, paused, health), {
      parse_mode: 'HTML',
    });
  });

  composer.command('help', (ctx) => ctx.reply(ctx.t.help, { parse_mode: 'HTML' }));

  composer.command('status', async (ctx) => {
    try {
      await ctx.reply(statusText(await env.status(), ctx.t), { parse_mode: 'HTML' });
    } catch (error) {
      ctx.log.warn({ err: error }, 'status failed');
      await ctx.reply(ctx.t.statusFailed);
    }
  });

  composer.command(['pause', 'resume'], async (ctx) => {
    const paused = ctx.message?.text.startsWith('/pause') ?? false;
    await env.owner.setPaused(paused, ctx.actor);
    await ctx.reply(paused ? ctx.t.paused : ctx.t.resumed);
  });

  composer.command('cancel', (ctx) => ctx.reply(ctx.t.edit.nothingToCancel));

  return composer;
}
