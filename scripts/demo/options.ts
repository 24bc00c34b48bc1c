import { z } from 'zod';
import {
  assertDistinctPorts,
  blankToUndefined,
  checkFlags,
  portFlag,
  readFlags,
} from '../../sim/cli/flags.js';

/** What `npm run demo` was asked to do. */
export interface DemoOptions {
  /** Ports of the three simulators and of the service (0 = a free one). */
  ports: { avito: number; telegram: number; gemini: number; service: number };
  /** A new or empty folder that keeps the store and log after exit; by default a temporary one, removed. */
  dataDir: string | undefined;
  /** Play the scripted tour before handing over the prompt. */
  tour: boolean;
  /** End after the tour instead of reading commands (tests, CI). */
  exit: boolean;
  /** Also print the service's JSON log lines on stderr. */
  verbose: boolean;
  /** How long each tour step may take before the demo fails, in ms. */
  stepTimeoutMs: number;
  help: boolean;
}

/** Usage text of `npm run demo`. */
export const DEMO_USAGE = `Usage: npm run demo -- [options]

Starts the Avito, Telegram and Gemini simulators and the real service wired to them, loads the sample
documents and listings from examples/, plays a short tour and then lets you keep playing from a prompt.
No account, token or network is needed.

Options:
  --avito-port N      Avito simulator port (default: a free one)
  --telegram-port N   Telegram simulator port (default: a free one)
  --gemini-port N     Gemini simulator port (default: a free one)
  --port N            the service's HTTP port (default: a free one)
  --data-dir PATH     a new or empty folder where the service's store (SQLite) and log stay after exit
                      (default: a temporary folder, removed on exit)
  --no-tour           skip the scripted tour, go straight to the prompt
  --exit              end after the tour (for scripts and CI)
  --step-timeout S    seconds each tour step may take (default 15)
  --verbose           also print the service's log on stderr
  -h, --help          this text`;

const Flags = z.object({
  avitoPort: z.preprocess(blankToUndefined, portFlag('--avito-port').default(0)),
  telegramPort: z.preprocess(blankToUndefined, portFlag('--telegram-port').default(0)),
  geminiPort: z.preprocess(blankToUndefined, portFlag('--gemini-port').default(0)),
  servicePort: z.preprocess(blankToUndefined, portFlag('--port').default(0)),
  dataDir: z.preprocess(blankToUndefined, z.string().optional()),
  tour: z.boolean().default(true),
  exit: z.boolean().default(false),
  stepTimeout: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: '--step-timeout: expected seconds from 1 to 600' })
      .min(1, { error: '--step-timeout: expected seconds from 1 to 600' })
      .max(600, { error: '--step-timeout: expected seconds from 1 to 600' })
      .default(15),
  ),
  verbose: z.boolean().default(false),
  help: z.boolean().default(false),
});

/** Parses the command line. Throws `UsageError` (sim/cli/flags.ts) with one line per problem. */
export function parseDemoOptions(argv: readonly string[]): DemoOptions {
  const values = readFlags(argv, {
    'avito-port': { type: 'string' },
    'telegram-port': { type: 'string' },
    'gemini-port': { type: 'string' },
    port: { type: 'string' },
    'data-dir': { type: 'string' },
    tour: { type: 'boolean' },
    exit: { type: 'boolean' },
    'step-timeout': { type: 'string' },
    verbose: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  const f = checkFlags(Flags, {
    avitoPort: values['avito-port'],
    telegramPort: values['telegram-port'],
    geminiPort: values['gemini-port'],
    servicePort: values.port,
    dataDir: values['data-dir'],
    tour: values.tour,
    exit: values.exit,
    stepTimeout: values['step-timeout'],
    verbose: values.verbose,
    help: values.help,
  });
  const ports = {
    avito: f.avitoPort,
    telegram: f.telegramPort,
    gemini: f.geminiPort,
    service: f.servicePort,
  };
  assertDistinctPorts(ports, 'the simulators and the service');
  return {
    ports,
    dataDir: f.dataDir,
    tour: f.tour,
    exit: f.exit,
    verbose: f.verbose,
    stepTimeoutMs: Math.round(f.stepTimeout * 1000),
    help: f.help,
  };
}
