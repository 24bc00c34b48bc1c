/** What every feature gets: the bot's dependencies plus the pieces createBot builds once. */
import type { Api } from 'grammy';
import type { BotDeps } from './deps.js';
import type { Texts } from './texts/index.js';

export interface FeatureEnv extends BotDeps {
  t: Texts;
  api: Api;
}

export { MAX_OWNER_TEXT } from '../responder/ports.js';
