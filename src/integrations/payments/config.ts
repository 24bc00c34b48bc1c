import { z } from 'zod';
import {
  csv,
  emptyToUndefined,
  flag,
  httpsUrl,
  integer,
  optionalString,
  parseFragment,
  type RawEnv,
} from '../../lib/env.js';
import { AddressList, LOOPBACK_RANGES, parseRange, YOOKASSA_NOTIFICATION_RANGES } from './ip-allowlist.js';

const range = z.string().refine((r) => parseRange(r) !== undefined, {
  error: 'expected IP addresses or CIDR ranges, comma-separated (e.g. 185.71.76.0/27,2a02:5180::/32)',
});

/** The YooKassa variables, to spread into the service's env schema. */
export const yooKassaEnv = {
  YOOKASSA_SHOP_ID: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .regex(/^\d{1,12}$/, { error: 'expected the numeric shopId from the YooKassa cabinet' })
      .optional(),
  ),
  YOOKASSA_SECRET_KEY: optionalString(),
  YOOKASSA_API_BASE: z.preprocess(
    emptyToUndefined,
    httpsUrl('https://api.yookassa.ru/v3').default('https://api.yookassa.ru/v3'),
  ),
  YOOKASSA_RECEIPTS: flag(false),
  YOOKASSA_VAT_CODE: integer(1, 12, 1),
  YOOKASSA_NOTIFICATION_ALLOWLIST: csv(range),
  YOOKASSA_TRUSTED_PROXIES: csv(range),
};

const yooKassaEnvSchema = z.object(yooKassaEnv);
export type YooKassaEnv = z.infer<typeof yooKassaEnvSchema>;

/** YooKassa settings; `enabled: false` (the default) leaves payments off. */
export type YooKassaConfig =
  | { enabled: false }
  | {
      enabled: true;
      shopId: string;
      secretKey: string;
      apiBase: string;
      /** Send a 54-FZ receipt with every payment and refund. */
      receipts: boolean;
      /** The receipt lines' `vat_code` (1 = без НДС, 4 = 20 %…: YooKassa's table for the shop's tax regime). */
      vatCode: number;
      /** Where notifications may come from: YooKassa's published ranges unless overridden. */
      allowlist: AddressList;
      /** Proxies whose X-Forwarded-For is believed: loopback unless overridden. */
      trustedProxies: AddressList;
    };

/** Builds the config from parsed variables, with the problems that concern several variables at once. */
export function yooKassaConfigFrom(e: YooKassaEnv): { config: YooKassaConfig; problems: string[] } {
  if (Boolean(e.YOOKASSA_SHOP_ID) !== Boolean(e.YOOKASSA_SECRET_KEY)) {
    return {
      config: { enabled: false },
      problems: ['YOOKASSA_SHOP_ID / YOOKASSA_SECRET_KEY: set both or neither'],
    };
  }
  if (!e.YOOKASSA_SHOP_ID || !e.YOOKASSA_SECRET_KEY) return { config: { enabled: false }, problems: [] };
  return {
    config: {
      enabled: true,
      shopId: e.YOOKASSA_SHOP_ID,
      secretKey: e.YOOKASSA_SECRET_KEY,
      apiBase: e.YOOKASSA_API_BASE,
      receipts: e.YOOKASSA_RECEIPTS,
      vatCode: e.YOOKASSA_VAT_CODE,
      allowlist: new AddressList(
        e.YOOKASSA_NOTIFICATION_ALLOWLIST.length > 0
          ? e.YOOKASSA_NOTIFICATION_ALLOWLIST
          : YOOKASSA_NOTIFICATION_RANGES,
      ),
      trustedProxies: new AddressList(
        e.YOOKASSA_TRUSTED_PROXIES.length > 0 ? e.YOOKASSA_TRUSTED_PROXIES : LOOPBACK_RANGES,
      ),
    },
    problems: [],
  };
}

/** Parses the YooKassa variables alone (scripts, tests). Throws `ConfigError` listing every problem. */
export function parseYooKassaConfig(env: RawEnv): YooKassaConfig {
  return parseFragment(yooKassaEnvSchema, yooKassaConfigFrom, env);
}

/** The YooKassa secret, for log redaction (`secretsOf`). */
export function yooKassaSecrets(config: YooKassaConfig): string[] {
  return config.enabled ? [config.secretKey] : [];
}
