/** The context every handler of the bot sees. */
import type { ConversationFlavor } from '@grammyjs/conversations';
import type { Context } from 'grammy';
import type { Logger } from '../logger.js';
import type { Texts } from '../texts/index.js';

/** Added to each update before any feature runs. */
export interface BotContextExtras {
  /** A child logger with the update id and user id. */
  log: Logger;
  /** The owner's texts (Russian unless `BOT_LOCALE=en`). */
  t: Texts;
  /** `tg:<user id>`, as the responder audits it. */
  actor: string;
}

export type BotContext = ConversationFlavor<Context & BotContextExtras>;
