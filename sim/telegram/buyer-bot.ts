import type { ExtraBotOptions } from './index.js';

/**
 * The seller's second, buyer-facing bot as `npm run sim`, `npm run demo` and the standalone simulator serve it
 * (`TELEGRAM_BUYER_BOT_TOKEN`), with the buyer who writes to it.
 */
export const SIM_BUYER_BOT = {
  bot: { id: 7_000_000_002, username: 'shop_buyers_bot', first_name: 'Магазин' },
  user: { id: 5001, first_name: 'Покупатель', language_code: 'ru' },
} as const satisfies ExtraBotOptions;
