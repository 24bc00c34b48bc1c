import { parseArgs } from 'node:util';
import { z } from 'zod';

/** Default loopback ports of `npm run sim`. */
export const DEFAULT_PORTS = { avito: 8081, telegram: 8082, gemini: 8083 } as const;

/** What `npm run sim` was asked to do. */
export interface CliOptions {
  ports: { avito: number; telegram: number; gemini: number };
  /** Write (merge) the env lines into this file too. */
  envFile: string | undefined;
  /** Print new bot messages and our service's Avito sends as they appear. */
  watch: boolean;
  help: boolean;
}

/** Usage text of `npm run sim`. */
export const USAGE = `Usage: npm run sim -- [options]

Starts the Avito, Telegram and Gemini simulators on loopback and reads commands on stdin.

Options:
  --avito-port N      Avito API port (env AVITO_SIM_PORT, default ${DEFAULT_PORTS.avito})
  --telegram-port N   Telegram Bot API port (env TELEGRAM_SIM_PORT, default ${DEFAULT_PORTS.telegram})
  --gemini-port N     Gemini API port (env GEMINI_SIM_PORT, default ${DEFAULT_PORTS.gemini})
  --random-ports      pick free ports (same as every port 0)
  --env-file PATH     also write the env lines into PATH (other lines of the file are kept)
  --no-watch          do not print bot messages and service sends as they appear
  -h, --help          this text`;

const port = (flag: string) =>
  z.coerce
    .number({ error: `${flag}: expected a port from 0 to 65535` })
    .int({ error: `${flag}: expected a port from 0 to 65535` })
    .min(0, { error: `${flag}: expected a port from 0 to 65535` })
    .max(65535, { error: `${flag}: expected a port from 0 to 65535` });

/** A string flag may arrive empty (`--env-file=`): treat blank as not given. */
const blankToUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const Flags = z.object({
  avitoPort: z.preprocess(blankToUndefined, port('--avito-port').default(DEFAULT_PORTS.avito)),
  telegramPort: z.preprocess(blankToUndefined, port('--telegram-port').default(DEFAULT_PORTS.telegram)),
  geminiPort: z.preprocess(blankToUndefined, port('--gemini-port').default(DEFAULT_PORTS.gemini)),
  randomPorts: z.boolean().default(false),
  envFile: z.preprocess(blankToUndefined, z.string().optional()),
  watch: z.boolean().default(true),
  help: z.boolean().default(false),
});

/** Thrown for bad flags; `message` is meant for the user as is. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Parses the command line (flags win over env: `AVITO_SIM_PORT`, `TELEGRAM_SIM_PORT`, `GEMINI_SIM_PORT`).
 * Throws {@link UsageError} with one line per problem.
 */
export function parseCliOptions(
  argv: readonly string[],
  env: Record<string, string | undefined> = {},
): CliOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      allowNegative: true,
      options: {
        'avito-port': { type: 'string' },
        'telegram-port': { type: 'string' },
        'gemini-port': { type: 'string' },
        'random-ports': { type: 'boolean' },
        'env-file': { type: 'string' },
        watch: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const parsed = Flags.safeParse({
    avitoPort: values['avito-port'] ?? env.AVITO_SIM_PORT,
    telegramPort: values['telegram-port'] ?? env.TELEGRAM_SIM_PORT,
    geminiPort: values['gemini-port'] ?? env.GEMINI_SIM_PORT,
    randomPorts: values['random-ports'],
    envFile: values['env-file'],
    watch: values.watch,
    help: values.help,
  });
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join('\n'));
  const f = parsed.data;
  const ports = f.randomPorts
    ? { avito: 0, telegram: 0, gemini: 0 }
    : { avito: f.avitoPort, telegram: f.telegramPort, gemini: f.geminiPort };
  const fixed = Object.values(ports).filter((p) => p !== 0);
  if (new Set(fixed).size !== fixed.length) {
    throw new UsageError(`the three simulators need different ports, got ${Object.values(ports).join(', ')}`);
  }
  return { ports, envFile: f.envFile, watch: f.watch, help: f.help };
}
