import { z } from 'zod';
import { assertDistinctPorts, blankToUndefined, checkFlags, portFlag, readFlags } from './flags.js';

export { UsageError } from './flags.js';

/** Default loopback ports of `npm run sim`. */
export const DEFAULT_PORTS = { avito: 8081, telegram: 8082, gemini: 8083 } as const;
/** The service's own default PORT: where the printed PUBLIC_URL points. */
export const DEFAULT_SERVICE_PORT = 3000;

/** What `npm run sim` was asked to do. */
export interface CliOptions {
  ports: { avito: number; telegram: number; gemini: number };
  /** The port the service will listen on (PORT and PUBLIC_URL in the printed env). */
  servicePort: number;
  /** Write (merge) the env lines into this file too (`--write-env`). */
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
  --random-ports      pick free ports for the simulators (same as every port 0)
  --service-port N    the port your service will listen on: PORT and PUBLIC_URL in the env lines
                      (default ${DEFAULT_SERVICE_PORT})
  --write-env PATH    also write the env lines into PATH, e.g. .env (created when missing; other lines
                      of the file are kept)
  --no-watch          do not print bot messages and service sends as they appear
  -h, --help          this text`;

const Flags = z.object({
  avitoPort: z.preprocess(blankToUndefined, portFlag('--avito-port').default(DEFAULT_PORTS.avito)),
  telegramPort: z.preprocess(blankToUndefined, portFlag('--telegram-port').default(DEFAULT_PORTS.telegram)),
  geminiPort: z.preprocess(blankToUndefined, portFlag('--gemini-port').default(DEFAULT_PORTS.gemini)),
  randomPorts: z.boolean().default(false),
  servicePort: z.preprocess(
    blankToUndefined,
    portFlag('--service-port')
      .min(1, { error: '--service-port: expected a port from 1 to 65535' })
      .default(DEFAULT_SERVICE_PORT),
  ),
  envFile: z.preprocess(blankToUndefined, z.string().optional()),
  watch: z.boolean().default(true),
  help: z.boolean().default(false),
});

/**
 * Parses the command line (flags win over env: `AVITO_SIM_PORT`, `TELEGRAM_SIM_PORT`, `GEMINI_SIM_PORT`).
 * Throws {@link UsageError} with one line per problem.
 */
export function parseCliOptions(
  argv: readonly string[],
  env: Record<string, string | undefined> = {},
): CliOptions {
  const values = readFlags(argv, {
    'avito-port': { type: 'string' },
    'telegram-port': { type: 'string' },
    'gemini-port': { type: 'string' },
    'random-ports': { type: 'boolean' },
    'service-port': { type: 'string' },
    'write-env': { type: 'string' },
    // The old name. Node itself reads `--env-file` anywhere on the command line and stops with "not found"
    // when the file does not exist yet, before this code runs: it only works for an existing file.
    'env-file': { type: 'string' },
    watch: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  const f = checkFlags(Flags, {
    avitoPort: values['avito-port'] ?? env.AVITO_SIM_PORT,
    telegramPort: values['telegram-port'] ?? env.TELEGRAM_SIM_PORT,
    geminiPort: values['gemini-port'] ?? env.GEMINI_SIM_PORT,
    randomPorts: values['random-ports'],
    servicePort: values['service-port'],
    envFile: values['write-env'] ?? values['env-file'],
    watch: values.watch,
    help: values.help,
  });
  const ports = f.randomPorts
    ? { avito: 0, telegram: 0, gemini: 0 }
    : { avito: f.avitoPort, telegram: f.telegramPort, gemini: f.geminiPort };
  assertDistinctPorts({ ...ports, service: f.servicePort }, 'the three simulators and the service');
  return { ports, servicePort: f.servicePort, envFile: f.envFile, watch: f.watch, help: f.help };
}
