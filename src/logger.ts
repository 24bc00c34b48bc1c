import { createRequire } from 'node:module';
import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger } from 'pino';

/** Field names whose values are always secrets, wherever they appear in a log object. */
const SECRET_KEYS = new Set(
  [
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
  ].map((k) => k.toLowerCase()),
);

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

/** Replaces values under secret-named keys; errors become plain objects so the output scrub sees them. */
function redactFields(value: unknown, depth: number): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { type: value.name, message: value.message, stack: value.stack };
  if (Array.isArray(value)) return value.map((v) => redactFields(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SECRET_KEYS.has(key.toLowerCase()) ? REDACTED : redactFields(v, depth + 1);
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

function prettyStream(): DestinationStream | undefined {
  // pino-pretty is a dev dependency: a production install simply logs JSON.
  try {
    const pretty = createRequire(import.meta.url)('pino-pretty') as (opts: object) => DestinationStream;
    return pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
  } catch {
    return undefined;
  }
}

/** Scrubs each finished line on its way out: catches secrets in child bindings and in any field. */
function scrubbing(sink: DestinationStream, secrets: readonly string[]): DestinationStream {
  return { write: (line: string) => sink.write(scrubText(line, secrets)) };
}

/**
 * The service logger: pino with secret-named fields redacted and every known secret value or
 * token-shaped substring scrubbed from the output. Make a child per request or job: `logger.child({ reqId })`.
 */
export function createLogger(options: LoggerOptions): Logger {
  const secrets = [...(options.secrets ?? [])].sort((a, b) => b.length - a.length);
  const sink = options.destination ?? (options.pretty ? prettyStream() : undefined) ?? pino.destination(1);
  return pino(
    {
      level: options.level,
      base: undefined,
      formatters: { log: (object) => redactFields(object, 0) as Record<string, unknown> },
      serializers: { err: (err: unknown) => redactFields(err, 0) },
    },
    scrubbing(sink, secrets),
  );
}
