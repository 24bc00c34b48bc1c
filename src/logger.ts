import { createRequire } from 'node:module';
import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger } from 'pino';

/** Field names whose values are always secrets, wherever they appear in a log object. */
const SECRET_KEYS = [
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'clientSecret',
  'client_secret',
  'apiKey',
  'api_key',
  'secret',
  'password',
  'authorization',
  'cookie',
  'x-telegram-bot-api-secret-token',
  'x-goog-api-key',
];

const REDACTED = '[redacted]';
/** A Telegram bot token inside a URL (`/bot123:ABC…/` or `/file/bot123:ABC…/`). */
const TELEGRAM_TOKEN_IN_TEXT = /\bbot\d{3,}:[A-Za-z0-9_-]{20,}/g;
const BEARER_IN_TEXT = /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi;

/** Replaces every known secret value and token-shaped substring in `text`. */
export function scrubText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const value of secrets) if (value && out.includes(value)) out = out.split(value).join(REDACTED);
  return out.replace(TELEGRAM_TOKEN_IN_TEXT, `bot${REDACTED}`).replace(BEARER_IN_TEXT, `Bearer ${REDACTED}`);
}

function scrubValue(value: unknown, secrets: readonly string[], depth: number): unknown {
  if (typeof value === 'string') return scrubText(value, secrets);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return {
      type: value.name,
      message: scrubText(value.message, secrets),
      stack: scrubText(value.stack ?? '', secrets),
    };
  }
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] =
      SECRET_KEYS.includes(key.toLowerCase()) || SECRET_KEYS.includes(key)
        ? REDACTED
        : scrubValue(v, secrets, depth + 1);
  }
  return out;
}

export interface LoggerOptions {
  level: string;
  /** Pretty, human-readable lines (development); JSON otherwise. */
  pretty?: boolean;
  /** Values that must never appear in a log line (tokens, keys, the webhook secrets). */
  secrets?: readonly string[];
  /** Where lines go (tests capture them); default stdout. */
  destination?: DestinationStream;
}

function prettyTransport(): pino.TransportSingleOptions | undefined {
  // pino-pretty is a dev dependency: a production install simply logs JSON.
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return {
      target: 'pino-pretty',
      options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
    };
  } catch {
    return undefined;
  }
}

/**
 * The service logger: pino with every secret scrubbed from objects, error messages and the message text.
 * Make a child per request or job: `logger.child({ reqId })`.
 */
export function createLogger(options: LoggerOptions): Logger {
  const secrets = [...(options.secrets ?? [])].sort((a, b) => b.length - a.length);
  const transport = options.pretty && !options.destination ? prettyTransport() : undefined;
  const config: pino.LoggerOptions = {
    level: options.level,
    base: undefined,
    formatters: {
      log: (object) => scrubValue(object, secrets, 0) as Record<string, unknown>,
      bindings: (bindings) => scrubValue(bindings, secrets, 0) as Record<string, unknown>,
    },
    hooks: {
      logMethod(args, method) {
        const scrubbed = args.map((a) => (typeof a === 'string' ? scrubText(a, secrets) : a)) as Parameters<
          typeof method
        >;
        method.apply(this, scrubbed);
      },
    },
    serializers: { err: (err: unknown) => scrubValue(err, secrets, 0) },
    ...(transport ? { transport } : {}),
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}
