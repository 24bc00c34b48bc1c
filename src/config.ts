import type { Locale } from './texts/index.js';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import {
  ConfigError,
  csv,
  emptyToUndefined,
  envProblems,
  httpsUrl,
  httpUrl,
  decimal,
  integer,
  LOOPBACK_HTTP,
  optionalString,
  optionalUrl,
  secret,
} from './lib/env.js';
import type { LlmProvider } from './models/problems.js';
import { decodeKey } from './security/keys.js';
// ▼ sales-pipeline integrations: each brings its env fragment (see src/integrations/*/config.ts)
import {
  type AmoCrmConfig,
  amoCrmConfigFrom,
  amoCrmEnv,
  amoCrmSecrets,
} from './integrations/amocrm/config.js';
import {
  type CalendarEnvConfig,
  calendarEnvConfig,
  calendarEnvSchema,
} from './integrations/calendar/config.js';
import { type EmailEnvConfig, emailEnvConfig, emailEnvSchema } from './integrations/email/config.js';
import {
  type YooKassaConfig,
  yooKassaConfigFrom,
  yooKassaEnv,
  yooKassaSecrets,
} from './integrations/payments/config.js';
// ▲ sales-pipeline integrations

export { ConfigError } from './lib/env.js';

/** `https://shop.example.com` or `http://localhost:8080`: what a browser sends as `Origin`, nothing more. */
function isSiteOrigin(value: string): boolean {
  if (!/^https?:\/\//i.test(value) || value.includes('*')) return false;
  try {
    const url = new URL(value);
    return url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
  } catch {
    return false;
  }
}

const telegramId = z
  .string()
  .regex(/^-?\d{1,20}$/, { error: 'expected Telegram numeric ids, comma-separated (e.g. 123456789)' });

const botToken = () =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, { error: 'expected a bot token from @BotFather, like 123456:ABC-…' })
      .optional(),
  );

/** A 256-bit data key: 64 hex characters or base64 of 32 bytes (`openssl rand -base64 32`). */
const dataKeySchema = () =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .refine((v) => decodeKey(v) !== undefined, {
        error: 'expected exactly 32 bytes as 64 hex characters or base64 (openssl rand -base64 32)',
      })
      .optional(),
  );

/** The seller's documents folder unless DOCS_DIR says otherwise (only their files: see rag/knowledge-folder.ts). */
export const DEFAULT_DOCS_DIR = './knowledge';

/** The model services that can write answers, in the order LLM_PROVIDERS lists them. */
export const LLM_PROVIDER_NAMES = ['gemini', 'openai', 'anthropic'] as const satisfies readonly LlmProvider[];
export type { LlmProvider } from './models/problems.js';

/** Each provider's key variable, for the start-up checks and the owner's alerts. */
export const PROVIDER_KEY_VARIABLE: Record<LlmProvider, string> = {
  gemini: 'GEMINI_API_KEY',
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
};

const envSchema = z.object({
  NODE_ENV: z.preprocess(
    emptyToUndefined,
    z.enum(['development', 'production', 'test']).default('development'),
  ),
  PORT: integer(0, 65535, 3000),
  HOST: z.preprocess(emptyToUndefined, z.string().default('0.0.0.0')),
  PUBLIC_URL: z.preprocess(
    emptyToUndefined,
    z
      .url({
        protocol: /^https?$/,
        error: 'expected the public https base URL, e.g. https://bot.example.com',
      })
      // Plain http only for loopback: local runs against the simulators.
      .refine((u) => u.startsWith('https://') || LOOPBACK_HTTP.test(u), {
        error: 'expected the public https base URL, e.g. https://bot.example.com (http only for localhost)',
      })
      .optional(),
  ),
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./data')),
  MONGODB_URI: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^mongodb(\+srv)?:\/\//, { error: 'expected a mongodb:// or mongodb+srv:// connection string' })
      .optional(),
  ),
  AVITO_CLIENT_ID: optionalString(),
  AVITO_CLIENT_SECRET: optionalString(),
  AVITO_USER_ID: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^\d{1,19}$/, { error: 'expected the numeric Avito account id' })
      .optional(),
  ),
  AVITO_WEBHOOK_SECRET: secret(24),
  AVITO_API_BASE: z.preprocess(emptyToUndefined, httpUrl('the Avito API').default('https://api.avito.ru')),
  TELEGRAM_BOT_TOKEN: botToken(),
  TELEGRAM_OWNER_IDS: csv(telegramId),
  TELEGRAM_NOTIFY_CHAT_ID: z.preprocess(emptyToUndefined, telegramId.optional()),
  TELEGRAM_API_ROOT: z.preprocess(
    emptyToUndefined,
    httpUrl('the Telegram Bot API').default('https://api.telegram.org'),
  ),
  TELEGRAM_WEBHOOK_SECRET: secret(16),
  TELEGRAM_BUYER_BOT_TOKEN: botToken(),
  RETENTION_DAYS: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ error: 'expected a whole number of days from 1 to 36500 (empty: keep forever)' })
      .int({ error: 'expected a whole number of days from 1 to 36500 (empty: keep forever)' })
      .min(1, { error: 'expected a whole number of days from 1 to 36500 (empty: keep forever)' })
      .max(36500, { error: 'expected a whole number of days from 1 to 36500 (empty: keep forever)' })
      .optional(),
  ),
  GEMINI_API_KEY: optionalString(),
  GEMINI_BASE_URL: optionalUrl('the Gemini API'),
  GEMINI_MODEL: z.preprocess(emptyToUndefined, z.string().default('gemini-2.5-flash-lite')),
  GEMINI_FALLBACK_MODELS: csv(z.string()),
  GEMINI_EMBEDDING_MODEL: z.preprocess(emptyToUndefined, z.string().default('gemini-embedding-001')),
  LLM_PROVIDERS: optionalString(),
  LLM_TIMEOUT_SECONDS: integer(1, 600, 30),
  OPENAI_API_KEY: optionalString(),
  OPENAI_BASE_URL: optionalUrl('an OpenAI-compatible API, e.g. https://api.openai.com/v1'),
  OPENAI_MODEL: z.preprocess(emptyToUndefined, z.string().default('gpt-4o-mini')),
  OPENAI_FALLBACK_MODELS: csv(z.string()),
  OPENAI_EMBEDDING_MODEL: z.preprocess(emptyToUndefined, z.string().default('text-embedding-3-small')),
  ANTHROPIC_API_KEY: optionalString(),
  ANTHROPIC_BASE_URL: optionalUrl('the Anthropic API, e.g. https://api.anthropic.com'),
  ANTHROPIC_MODEL: z.preprocess(emptyToUndefined, z.string().default('claude-haiku-4-5')),
  ANTHROPIC_FALLBACK_MODELS: csv(z.string()),
  EMBEDDINGS: z.preprocess(
    emptyToUndefined,
    z
      .enum(['auto', 'openai', 'gemini', 'off'], { error: 'expected "auto", "openai", "gemini" or "off"' })
      .default('auto'),
  ),
  FILE_SEARCH_STORE: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^fileSearchStores\/[a-z0-9-]{1,40}$/, {
        error: 'expected a name like fileSearchStores/my-store-abc123',
      })
      .optional(),
  ),
  DOCS_DIR: z.preprocess(emptyToUndefined, z.string().default(DEFAULT_DOCS_DIR)),
  MODE: z.preprocess(
    emptyToUndefined,
    z.enum(['auto', 'review'], { error: 'expected "auto" or "review"' }).default('review'),
  ),
  CONTEXT_MESSAGES: integer(1, 200, 20),
  DEBOUNCE_SECONDS: integer(0, 600, 8),
  HUMAN_PAUSE_MINUTES: integer(1, 7 * 24 * 60, 60),
  FALLBACK_TEXT: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .max(1000, { error: 'expected at most 1000 characters (Avito message limit)' })
      .default('Спасибо за вопрос! Уточню детали и скоро вернусь с ответом.'),
  ),
  ESCALATION_KEYWORDS: csv(z.string().min(2)),
  SUPPORT_THRESHOLD: decimal(0, 1, 0.7, 'a share from 0 to 1, like 0.7'),
  BOT_LOCALE: z.preprocess(
    emptyToUndefined,
    z.enum(['ru', 'en'], { error: 'expected "ru" or "en"' }).default('ru'),
  ),
  ADMIN_TOKEN: secret(16),
  DATA_ENCRYPTION_KEY: dataKeySchema(),
  DATA_ENCRYPTION_KEY_PREVIOUS: dataKeySchema(),
  RATE_LIMIT_PER_MINUTE: integer(0, 1_000_000, 1200),
  SALES_CONFIG: z.preprocess(emptyToUndefined, z.string().default('./sales.yaml')),
  MAX_PDF_SIZE_MB: decimal(0.01, 1000, 10, 'a size in megabytes from 0.01 to 1000'),
  DOCUMENT_LINK_TTL_DAYS: integer(1, 365, 14),
  CONTEXT_TTL_DAYS: integer(1, 3650, 30),
  WIDGET_ORIGINS: csv(
    z
      .string()
      .refine(isSiteOrigin, {
        error:
          'expected comma-separated site origins like https://shop.example.com (scheme, host and port; no path, no "*")',
      })
      .transform((v) => new URL(v).origin),
  ),
  WIDGET_COLOR: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^#(?:[0-9a-fA-F]{3}){1,2}$/, { error: 'expected a hex colour like #2f6fed' })
      .default('#2f6fed'),
  ),
  WIDGET_TITLE: z.preprocess(
    emptyToUndefined,
    z.string().trim().max(60, { error: 'expected at most 60 characters' }).optional(),
  ),
  WIDGET_LOCALE: z.preprocess(
    emptyToUndefined,
    z.enum(['ru', 'en'], { error: 'expected "ru" or "en"' }).default('ru'),
  ),
  CONSENT_TEXT: z.preprocess(
    emptyToUndefined,
    z.string().trim().max(2000, { error: 'expected at most 2000 characters' }).optional(),
  ),
  PRIVACY_POLICY_URL: z.preprocess(emptyToUndefined, httpsUrl('https://shop.example.com/privacy').optional()),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  // ▼ sales-pipeline integrations: off until configured
  ...amoCrmEnv,
  ...yooKassaEnv,
  ...calendarEnvSchema.shape,
  ...emailEnvSchema.shape,
  // ▲ sales-pipeline integrations
});

type Env = z.infer<typeof envSchema>;

/** The service's whole configuration, parsed once at start-up. */
export interface Config {
  env: Env['NODE_ENV'];
  http: { port: number; host: string; publicUrl: string | undefined; rateLimitPerMinute: number };
  dataDir: string;
  storage: ({ kind: 'mongo'; uri: string } | { kind: 'sqlite'; path: string }) & {
    /**
     * Keys for PII at rest (see `src/security/`), undefined when neither is set. Part of the storage
     * config so that whoever opens the store (service, scripts) reads and writes it the same way.
     * Without `key` new values are written in plaintext; `previousKey` only decrypts (rotation, turning off).
     */
    encryption?: { key: string | undefined; previousKey: string | undefined } | undefined;
  };
  avito: {
    clientId: string | undefined;
    clientSecret: string | undefined;
    userId: string | undefined;
    webhookSecret: string | undefined;
    apiBase: string;
    /** Both credentials present: the Avito integration runs. */
    enabled: boolean;
  };
  telegram: {
    token: string | undefined;
    ownerIds: string[];
    notifyChatId: string | undefined;
    apiRoot: string;
    webhookSecret: string | undefined;
    /** Token and at least one owner: the bot runs. */
    enabled: boolean;
  };
  /** The optional second bot buyers write to (`src/bot/buyer/`); it never obeys owner commands. */
  telegramBuyer: {
    token: string | undefined;
    enabled: boolean;
  };
  /** Avito conversations are purged this many days after their last message (`RETENTION_DAYS`); undefined keeps them. */
  avitoRetentionDays: number | undefined;
  gemini: {
    apiKey: string | undefined;
    baseUrl: string | undefined;
    model: string;
    fallbackModels: string[];
    fileSearchStore: string | undefined;
    /** For the local index's vectors when EMBEDDINGS picks Gemini. */
    embeddingModel: string;
    /** In LLM_PROVIDERS: Gemini answers (with File Search) and documents are uploaded to it. */
    enabled: boolean;
  };
  openai: {
    apiKey: string | undefined;
    /** An OpenAI-compatible root with its version path (`…/v1`); undefined means OpenAI's own. */
    baseUrl: string | undefined;
    model: string;
    fallbackModels: string[];
    embeddingModel: string;
    /** In LLM_PROVIDERS. */
    enabled: boolean;
  };
  anthropic: {
    apiKey: string | undefined;
    baseUrl: string | undefined;
    model: string;
    fallbackModels: string[];
    /** In LLM_PROVIDERS. */
    enabled: boolean;
  };
  llm: {
    /**
     * Who writes answers, tried in this order (fallback on 404/408/409/429/5xx, timeouts and network
     * errors). Empty: no model, the local index quotes passages and every draft goes to review.
     */
    providers: LlmProvider[];
    /** Per model request. */
    timeoutMs: number;
    /**
     * Whose embeddings rank the local index's passages for providers without File Search (with BM25,
     * by reciprocal rank fusion); null: BM25 alone.
     */
    embeddings: 'openai' | 'gemini' | null;
  };
  docsDir: string;
  responder: {
    mode: 'auto' | 'review';
    contextMessages: number;
    debounceSeconds: number;
    humanPauseMinutes: number;
    fallbackText: string;
    escalationKeywords: string[];
    /**
     * Share of a sentence's words the sources must hold for the sentence to count as supported
     * (`src/rag/support.ts`); an answer with an unsupported sentence is never sent on its own.
     */
    supportThreshold: number;
  };
  sales: {
    /** The sales configuration file (price list, requisites, documents). */
    configPath: string;
    /** MAX_PDF_SIZE_MB in bytes: a larger document is an error, never a truncated file. */
    maxPdfBytes: number;
    /** DOCUMENT_LINK_TTL_DAYS: a buyer's download link (and the PDF behind it) lives this long. */
    linkTtlDays: number;
  };
  /** The sales pipeline's outside services, each off until configured (see `src/integrations/`). */
  integrations: {
    amocrm: AmoCrmConfig;
    yookassa: YooKassaConfig;
    calendar: CalendarEnvConfig;
    email: EmailEnvConfig;
  };
  locale: Locale;
  /** Web and Telegram-buyer conversations (and the widget's sessions) last this many days after their last use. */
  contextTtlDays: number;
  /** The buyer's consent to the processing of personal data (152-ФЗ), asked before a contact is taken. */
  consent: {
    /** Replaces the default text of the locale's texts module. */
    text: string | undefined;
    privacyPolicyUrl: string | undefined;
  };
  /** The website chat widget (`src/web/`). */
  widget: {
    /** Sites allowed to embed it (exact origins); empty: the widget is off. */
    origins: string[];
    color: string;
    /** Replaces the locale's default title. */
    title: string | undefined;
    locale: Locale;
    enabled: boolean;
  };
  adminToken: string | undefined;
  logLevel: Env['LOG_LEVEL'];
}

/**
 * Parses the environment into a {@link Config}. Throws {@link ConfigError} listing every bad variable.
 * Optional integrations (Avito, Telegram, model providers, MongoDB, PUBLIC_URL) switch features on; a
 * provider named in LLM_PROVIDERS needs its key.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = envProblems(parsed.error, env);
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const cross: string[] = [];
  if (Boolean(e.AVITO_CLIENT_ID) !== Boolean(e.AVITO_CLIENT_SECRET)) {
    cross.push('AVITO_CLIENT_ID / AVITO_CLIENT_SECRET: set both or neither');
  }
  if (e.TELEGRAM_BOT_TOKEN && e.TELEGRAM_OWNER_IDS.length === 0) {
    cross.push('TELEGRAM_OWNER_IDS: expected at least one owner id when TELEGRAM_BOT_TOKEN is set');
  }
  if (e.TELEGRAM_BUYER_BOT_TOKEN && e.TELEGRAM_BUYER_BOT_TOKEN === e.TELEGRAM_BOT_TOKEN) {
    cross.push('TELEGRAM_BUYER_BOT_TOKEN: expected a second bot, not the owner bot of TELEGRAM_BOT_TOKEN');
  }
  const providers = parseProviders(e.LLM_PROVIDERS, Boolean(e.GEMINI_API_KEY), cross);
  const keys: Record<LlmProvider, string | undefined> = {
    gemini: e.GEMINI_API_KEY,
    openai: e.OPENAI_API_KEY,
    anthropic: e.ANTHROPIC_API_KEY,
  };
  for (const provider of providers) {
    if (!keys[provider])
      cross.push(`${PROVIDER_KEY_VARIABLE[provider]}: required when LLM_PROVIDERS includes ${provider}`);
  }
  if ((e.EMBEDDINGS === 'openai' || e.EMBEDDINGS === 'gemini') && !keys[e.EMBEDDINGS]) {
    cross.push(`${PROVIDER_KEY_VARIABLE[e.EMBEDDINGS]}: required when EMBEDDINGS is ${e.EMBEDDINGS}`);
  }
  // ▼ sales-pipeline integrations
  const amocrm = amoCrmConfigFrom(e);
  const yookassa = yooKassaConfigFrom(e);
  const calendar = calendarEnvConfig(env);
  const email = emailEnvConfig(env);
  cross.push(...amocrm.problems, ...yookassa.problems);
  if (!calendar.enabled && calendar.missing.length === 1) {
    cross.push(
      `${calendar.missing[0]}: expected with ${calendar.missing[0] === 'GOOGLE_CALENDAR_ID' ? 'GOOGLE_SERVICE_ACCOUNT_FILE' : 'GOOGLE_CALENDAR_ID'} (set both or neither)`,
    );
  }
  if (calendar.enabled && !existsSync(calendar.serviceAccountFile)) {
    cross.push(`GOOGLE_SERVICE_ACCOUNT_FILE: no such file: ${resolve(calendar.serviceAccountFile)}`);
  }
  if (!email.enabled && email.missing.length === 1) {
    cross.push(
      `${email.missing[0]}: expected with ${email.missing[0] === 'SMTP_URL' ? 'EMAIL_FROM' : 'SMTP_URL'} (set both or neither)`,
    );
  }
  // ▲ sales-pipeline integrations
  if (cross.length > 0) throw new ConfigError(cross);

  const dataDir = resolve(e.DATA_DIR);
  const encryption =
    e.DATA_ENCRYPTION_KEY || e.DATA_ENCRYPTION_KEY_PREVIOUS
      ? { key: e.DATA_ENCRYPTION_KEY, previousKey: e.DATA_ENCRYPTION_KEY_PREVIOUS }
      : undefined;
  return {
    env: e.NODE_ENV,
    http: {
      port: e.PORT,
      host: e.HOST,
      publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
      rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    },
    dataDir,
    storage: e.MONGODB_URI
      ? { kind: 'mongo', uri: e.MONGODB_URI, encryption }
      : { kind: 'sqlite', path: resolve(dataDir, 'avito-responder.sqlite'), encryption },
    avito: {
      clientId: e.AVITO_CLIENT_ID,
      clientSecret: e.AVITO_CLIENT_SECRET,
      userId: e.AVITO_USER_ID,
      webhookSecret: e.AVITO_WEBHOOK_SECRET,
      apiBase: e.AVITO_API_BASE,
      enabled: Boolean(e.AVITO_CLIENT_ID && e.AVITO_CLIENT_SECRET),
    },
    telegram: {
      token: e.TELEGRAM_BOT_TOKEN,
      ownerIds: e.TELEGRAM_OWNER_IDS,
      notifyChatId: e.TELEGRAM_NOTIFY_CHAT_ID ?? e.TELEGRAM_OWNER_IDS[0],
      apiRoot: e.TELEGRAM_API_ROOT,
      webhookSecret: e.TELEGRAM_WEBHOOK_SECRET,
      enabled: Boolean(e.TELEGRAM_BOT_TOKEN),
    },
    telegramBuyer: {
      token: e.TELEGRAM_BUYER_BOT_TOKEN,
      enabled: Boolean(e.TELEGRAM_BUYER_BOT_TOKEN),
    },
    avitoRetentionDays: e.RETENTION_DAYS,
    gemini: {
      apiKey: e.GEMINI_API_KEY,
      baseUrl: e.GEMINI_BASE_URL,
      model: e.GEMINI_MODEL,
      fallbackModels: e.GEMINI_FALLBACK_MODELS,
      fileSearchStore: e.FILE_SEARCH_STORE,
      embeddingModel: e.GEMINI_EMBEDDING_MODEL,
      enabled: providers.includes('gemini'),
    },
    openai: {
      apiKey: e.OPENAI_API_KEY,
      baseUrl: e.OPENAI_BASE_URL,
      model: e.OPENAI_MODEL,
      fallbackModels: e.OPENAI_FALLBACK_MODELS,
      embeddingModel: e.OPENAI_EMBEDDING_MODEL,
      enabled: providers.includes('openai'),
    },
    anthropic: {
      apiKey: e.ANTHROPIC_API_KEY,
      baseUrl: e.ANTHROPIC_BASE_URL,
      model: e.ANTHROPIC_MODEL,
      fallbackModels: e.ANTHROPIC_FALLBACK_MODELS,
      enabled: providers.includes('anthropic'),
    },
    llm: {
      providers,
      timeoutMs: e.LLM_TIMEOUT_SECONDS * 1000,
      embeddings: embeddingsProvider(e.EMBEDDINGS, providers),
    },
    docsDir: resolve(e.DOCS_DIR),
    responder: {
      mode: e.MODE,
      contextMessages: e.CONTEXT_MESSAGES,
      debounceSeconds: e.DEBOUNCE_SECONDS,
      humanPauseMinutes: e.HUMAN_PAUSE_MINUTES,
      fallbackText: e.FALLBACK_TEXT,
      escalationKeywords: e.ESCALATION_KEYWORDS,
      supportThreshold: e.SUPPORT_THRESHOLD,
    },
    sales: {
      configPath: resolve(e.SALES_CONFIG),
      maxPdfBytes: Math.floor(e.MAX_PDF_SIZE_MB * 1024 * 1024),
      linkTtlDays: e.DOCUMENT_LINK_TTL_DAYS,
    },
    integrations: { amocrm: amocrm.config, yookassa: yookassa.config, calendar, email },
    locale: e.BOT_LOCALE,
    contextTtlDays: e.CONTEXT_TTL_DAYS,
    consent: { text: e.CONSENT_TEXT, privacyPolicyUrl: e.PRIVACY_POLICY_URL },
    widget: {
      origins: [...new Set(e.WIDGET_ORIGINS)],
      color: e.WIDGET_COLOR,
      title: e.WIDGET_TITLE,
      locale: e.WIDGET_LOCALE,
      enabled: e.WIDGET_ORIGINS.length > 0,
    },
    adminToken: e.ADMIN_TOKEN,
    logLevel: e.LOG_LEVEL,
  };
}

/**
 * LLM_PROVIDERS as an ordered list: unset means Gemini when its key is set, else none; `none` says
 * no model on purpose. Unknown or repeated names are reported into `problems`.
 */
function parseProviders(raw: string | undefined, geminiKey: boolean, problems: string[]): LlmProvider[] {
  if (raw === undefined) return geminiKey ? ['gemini'] : [];
  const names = raw
    .split(',')
    .map((n) => n.trim().toLowerCase())
    .filter(Boolean);
  if (names.length === 1 && names[0] === 'none') return [];
  const out: LlmProvider[] = [];
  for (const name of names) {
    if (!(LLM_PROVIDER_NAMES as readonly string[]).includes(name)) {
      problems.push(
        `LLM_PROVIDERS: unknown provider ${JSON.stringify(name)}, expected a comma-separated list of ${LLM_PROVIDER_NAMES.join(', ')} (or none)`,
      );
    } else if (out.includes(name as LlmProvider)) {
      problems.push(`LLM_PROVIDERS: ${name} is listed twice`);
    } else out.push(name as LlmProvider);
  }
  return out;
}

/**
 * Whose embeddings the local index uses. `auto`: only when some provider takes passages from the local
 * index (openai, anthropic), the first listed provider that offers embeddings (Anthropic does not).
 */
function embeddingsProvider(
  choice: 'auto' | 'openai' | 'gemini' | 'off',
  providers: readonly LlmProvider[],
): 'openai' | 'gemini' | null {
  if (choice === 'off') return null;
  if (choice !== 'auto') return choice;
  if (!providers.some((p) => p !== 'gemini')) return null;
  return providers.find((p): p is 'openai' | 'gemini' => p === 'openai' || p === 'gemini') ?? null;
}

/** Loads `.env` from the working directory into `process.env` when present (real env wins). */
export function loadDotEnv(path = resolve('.env')): boolean {
  if (!existsSync(path)) return false;
  process.loadEnvFile(path);
  return true;
}

/** Every configured secret value, for log redaction and leak checks. */
export function secretsOf(config: Config): string[] {
  return [
    config.avito.clientSecret,
    config.avito.webhookSecret,
    config.telegram.token,
    config.telegram.webhookSecret,
    config.telegramBuyer.token,
    config.gemini.apiKey,
    config.openai.apiKey,
    config.anthropic.apiKey,
    config.adminToken,
    config.storage.encryption?.key,
    config.storage.encryption?.previousKey,
    config.storage.kind === 'mongo' ? config.storage.uri : undefined,
    ...integrationSecrets(config.integrations),
  ].filter((s): s is string => typeof s === 'string' && s.length >= 8);
}

/** The integrations' secrets: tokens, keys, and the SMTP URL with its password (and the password alone). */
function integrationSecrets(i: Config['integrations']): string[] {
  const smtp = i.email.enabled ? i.email.smtpUrl : undefined;
  const smtpPassword = smtp ? decodeURIComponent(new URL(smtp).password) : undefined;
  return [
    ...amoCrmSecrets(i.amocrm),
    ...yooKassaSecrets(i.yookassa),
    ...(smtp ? [smtp] : []),
    ...(smtpPassword ? [smtpPassword] : []),
  ];
}
