/** What the bot's jobs share: the message they report progress in, and failure reasons the owner can read. */
import type { Api } from 'grammy';
import { z } from 'zod';
import type { Logger } from '../../logger.js';
import { IngestError } from '../../rag/errors.js';
import { cutText, escapeHtml } from '../html.js';
import { isNotModified } from '../telegram-errors.js';
import { type DownloadProblem, type Texts } from '../../texts/index.js';

const PROGRESS_EDIT_INTERVAL_MS = 1000;

/** The owner's message a job edits to show where it stands. */
export const ProgressTarget = z.object({ chatId: z.number().int(), messageId: z.number().int() });

/**
 * Edits one message through a series of states, at most about once a second; the final state is always
 * shown. Edits are chained so they never overtake each other.
 */
export function progressMessage(api: Api, target: z.infer<typeof ProgressTarget>, log: Logger) {
  let last = 0;
  let shown = '';
  let chain: Promise<void> = Promise.resolve();
  return {
    show(text: string, final = false): Promise<void> {
      const now = Date.now();
      if (text === shown || (!final && now - last < PROGRESS_EDIT_INTERVAL_MS)) return chain;
      shown = text;
      last = now;
      chain = chain.then(async () => {
        try {
          await api.editMessageText(target.chatId, target.messageId, text, { parse_mode: 'HTML' });
        } catch (error) {
          if (!isNotModified(error)) log.warn({ err: error }, 'progress edit failed');
        }
      });
      return chain;
    },
  };
}

/** A Telegram file that could not be fetched, with the reason as a code the texts word. */
export class DownloadError extends Error {
  constructor(readonly problem: DownloadProblem) {
    super(`Telegram file download failed: ${problem.code}`);
    this.name = 'DownloadError';
  }
}

/** A failure reason the owner can read, in the owner's language where we know it; never a URL (it holds the token). */
export function failureReason(error: unknown, t: Texts): string {
  if (error instanceof DownloadError) return escapeHtml(t.upload.download(error.problem));
  const text =
    error instanceof IngestError
      ? error.localized(t.locale)
      : error instanceof Error
        ? error.message
        : String(error);
  return escapeHtml(cutText(text.replace(/https?:\/\/\S+/g, '[url]'), 200, '…'));
}
