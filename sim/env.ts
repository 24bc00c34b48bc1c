import type { AvitoSim } from './avito/index.js';
import type { GeminiSim } from './gemini/index.js';
import type { TelegramSim } from './telegram/index.js';

/**
 * The environment that points the service at running simulators (the same variables `npm run sim` prints).
 * The Telegram sim's default user becomes the only owner.
 */
export function serviceEnvFor(sims: {
  avito?: AvitoSim;
  gemini?: GeminiSim;
  telegram?: TelegramSim;
}): Record<string, string> {
  const { avito, gemini, telegram } = sims;
  return {
    ...(avito ? avito.env : {}),
    ...(gemini ? { GEMINI_API_KEY: gemini.apiKey, GEMINI_BASE_URL: gemini.url } : {}),
    ...(telegram
      ? {
          TELEGRAM_BOT_TOKEN: telegram.token,
          TELEGRAM_OWNER_IDS: String(telegram.user.id),
          TELEGRAM_API_ROOT: telegram.url,
        }
      : {}),
  };
}
