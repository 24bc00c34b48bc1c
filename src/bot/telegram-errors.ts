/** Recognises the Bot API errors the bot handles instead of failing (see shared/api/telegram.md). */
import { GrammyError, HttpError } from 'grammy';

const described = (error: unknown, pattern: RegExp): boolean =>
  error instanceof GrammyError && pattern.test(error.description);

/** `400: message is not modified`: an edit that changes nothing is a success. */
export const isNotModified = (error: unknown) => described(error, /message is not modified/i);

/** The card is gone (deleted by the owner, or too old to edit): send a fresh one. */
export const isMessageGone = (error: unknown) =>
  described(error, /message to edit not found|message can't be edited|MESSAGE_ID_INVALID/i);

/** A callback query answered too late or twice: only worth a log line. */
export const isQueryTooOld = (error: unknown) => described(error, /query is too old|query ID is invalid/i);

/** Telegram refused a call outright (4xx but 429): a reply to a chat that is gone, blocked us, or never existed. */
export const isRefusedByTelegram = (error: unknown) =>
  error instanceof GrammyError &&
  error.error_code >= 400 &&
  error.error_code < 500 &&
  error.error_code !== 429;

/** Flood limits, Telegram's own failures and network errors pass; the same call may work later. */
export const isTransientTelegramError = (error: unknown) =>
  error instanceof HttpError ||
  (error instanceof GrammyError && (error.error_code === 429 || error.error_code >= 500));
