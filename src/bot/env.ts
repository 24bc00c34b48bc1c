/** What every feature gets: the bot's dependencies plus the pieces createBot builds once. */
import type { Api } from 'grammy';
import type { BotDeps } from './deps.js';
import type { Notifier } from '../responder/ports.js';
import type { Texts } from './texts.js';

export interface FeatureEnv extends BotDeps {
  t: Texts;
  notifier: Notifier;
  api: Api;
}

/** Longest text the owner may send to a buyer in one go (the responder splits long answers for Avito). */
export const MAX_OWNER_TEXT = 3000;
