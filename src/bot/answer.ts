/** Answering callback queries without ever leaving a spinner or throwing for "query is too old". */
import type { Context } from 'grammy';
import type { Logger } from '../logger.js';
import type { ActionResult } from '../responder/ports.js';
import { isQueryTooOld } from './telegram-errors.js';
import type { Texts } from '../texts/index.js';

/** Answers the tap; a late or repeated answer is only logged (Telegram's 15 s window). */
export async function answerTap(ctx: Context, text: string | undefined, log: Logger): Promise<void> {
  try {
    await ctx.answerCallbackQuery(text ? { text: text.slice(0, 190) } : undefined);
  } catch (error) {
    if (isQueryTooOld(error)) log.info({ err: error }, 'callback query answered too late');
    else log.warn({ err: error }, 'answering a callback query failed');
  }
}

/** The toast for an action's result: its success text, or why nothing happened. */
export function resultToast(result: ActionResult, ok: string, t: Texts): string {
  if (result.ok) return ok;
  if (result.reason === 'stale') return t.toast.stale;
  if (result.reason === 'not_found') return t.toast.notFound;
  return result.problem ? `${t.toast.invalid}: ${t.actionProblem(result.problem)}` : t.toast.invalid;
}

/**
 * Runs an action and answers the tap with its toast, or with "working…" when the action takes longer than
 * `patienceMs`, so the answer always comes well inside Telegram's window. The action still completes.
 */
export async function tapWithResult(
  ctx: Context,
  log: Logger,
  t: Texts,
  work: () => Promise<string>,
  patienceMs = 4000,
): Promise<void> {
  const running = work().catch((error: unknown) => {
    log.error({ err: error }, 'card action failed');
    return t.toast.failed;
  });
  let timer: NodeJS.Timeout | undefined;
  const patience = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(t.toast.working), patienceMs);
  });
  const toast = await Promise.race([running, patience]);
  clearTimeout(timer);
  await answerTap(ctx, toast, log);
  await running;
}
