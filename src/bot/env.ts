/** What every feature gets: the bot's dependencies plus the pieces createBot builds once. */
import type { Api } from 'grammy';
import type { LeadCardRegistry } from './cards/lead.js';
import type { BotDeps } from './deps.js';
import type { Texts } from '../texts/index.js';

export interface FeatureEnv extends BotDeps {
  t: Texts;
  api: Api;
  /** Rows integrations add to the lead card (see cards/lead.ts). */
  leadCard: LeadCardRegistry;
}

export { MAX_OWNER_TEXT } from '../responder/ports.js';
