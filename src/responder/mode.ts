/** The owner's answering mode: one rule for what applies to a chat and for what the owner's screens show. */
import type { Chat, Mode, Settings } from '../models/records.js';

/** The mode as the owner set it, for `/mode`, `/start` and `/status`. */
export interface ModeStatus {
  /** The mode the owner chose with `/mode`, else the configured `MODE`. */
  mode: Mode;
  /** `/pause`: nothing is sent automatically, whatever the mode. */
  paused: boolean;
}

/** The owner's mode and pause: the stored settings over the configuration. */
export function modeStatus(settings: Settings, configured: Mode): ModeStatus {
  return { mode: settings.mode ?? configured, paused: settings.paused ?? false };
}

/** The mode that applies to a chat: review while paused; else the chat's own override, else the owner's mode. */
export function effectiveMode(chat: Pick<Chat, 'mode'>, settings: Settings, configured: Mode): Mode {
  const owner = modeStatus(settings, configured);
  return owner.paused ? 'review' : (chat.mode ?? owner.mode);
}
