import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AmoCrmSim } from './amocrm/index.js';
import type { AvitoSim } from './avito/index.js';
import type { GeminiSim } from './gemini/index.js';
import type { GoogleCalendarSim } from './google-calendar/index.js';
import type { SmtpSim } from './smtp/index.js';
import type { TelegramSim } from './telegram/index.js';
import type { YooKassaSim } from './yookassa/index.js';

/**
 * Writes the Google Calendar simulator's generated service-account key into `dir` (what
 * `GOOGLE_SERVICE_ACCOUNT_FILE` names) and returns its path.
 */
export function writeServiceAccountKey(sim: GoogleCalendarSim, dir: string): string {
  if (!sim.serviceAccountKey)
    throw new Error('the calendar simulator was started with its own service accounts');
  const path = join(dir, 'google-service-account.json');
  writeFileSync(path, `${JSON.stringify(sim.serviceAccountKey, null, 2)}\n`, { mode: 0o600 });
  return path;
}

/**
 * The environment that points the service at running simulators (the same variables `npm run sim` prints).
 * The Telegram sim's default user becomes the only owner. YooKassa's notifications are accepted from
 * `yookassaSource` (the address its simulator sends them from; 127.0.0.1 by default).
 */
export function serviceEnvFor(sims: {
  avito?: AvitoSim;
  gemini?: GeminiSim;
  telegram?: TelegramSim;
  amocrm?: AmoCrmSim;
  calendar?: { sim: GoogleCalendarSim; keyFile: string };
  yookassa?: YooKassaSim;
  yookassaSource?: string;
  smtp?: SmtpSim;
}): Record<string, string> {
  const { avito, gemini, telegram, amocrm, calendar, yookassa, smtp } = sims;
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
    ...(amocrm ? amocrm.env : {}),
    ...(calendar ? { ...calendar.sim.env, GOOGLE_SERVICE_ACCOUNT_FILE: calendar.keyFile } : {}),
    ...(yookassa
      ? { ...yookassa.env, YOOKASSA_NOTIFICATION_ALLOWLIST: sims.yookassaSource ?? '127.0.0.1' }
      : {}),
    ...(smtp ? smtp.env : {}),
  };
}
