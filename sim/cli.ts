/**
 * `npm run sim`: starts the Avito, Telegram and Gemini simulators on loopback, prints the `.env` lines that
 * point the service at them and lets you play the buyer, the seller and the owner from a prompt:
 *
 *   npm run sim                        # ports 8081/8082/8083; the service on 3000
 *   npm run sim -- --random-ports --write-env .env
 *
 * Commands come one per line on stdin (a pipe works too); `help` lists them.
 */
import { openPrompt, runPrompt } from './cli/prompt.js';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { formatEnv, mergeEnvFile } from './cli/format.js';
import { parseCliOptions, USAGE, UsageError } from './cli/options.js';
import { SAMPLE_LISTINGS, type SimSession, startSession, tryoutServiceEnv } from './cli/session.js';

let stdoutClosed = false;

/** Writes to stdout unless the reader went away (`npm run sim | head`). */
function write(text: string): void {
  if (!stdoutClosed) process.stdout.write(text);
}

async function main(): Promise<number> {
  let options: ReturnType<typeof parseCliOptions>;
  try {
    options = parseCliOptions(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options.help) {
    write(`${USAGE}\n`);
    return 0;
  }

  let session: SimSession;
  try {
    session = await startSession(options.ports);
  } catch (error) {
    process.stderr.write(`npm run sim: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const { avito, telegram, gemini } = session;
  // Everything the service needs for the tryout: the simulators' side and its own address.
  const env = { ...session.env, ...tryoutServiceEnv(options.servicePort) };
  const { rl, lines, interactive } = openPrompt('sim');

  /** Prints without mangling a half-typed line at an interactive prompt. */
  const log = (text: string): void => {
    if (!interactive) {
      write(`${text}\n`);
      return;
    }
    write(`\r\x1b[K${text}\n`);
    rl.prompt(true);
  };

  let stopping: Promise<void> | undefined;
  const stop = (why: string): Promise<void> => {
    stopping ??= (async () => {
      rl.close();
      await session.close();
      write(`Simulators stopped (${why}).\n`);
    })();
    return stopping;
  };
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    stdoutClosed = true;
    void stop('output closed').then(() => process.exit(0));
  });
  const onSignal = (signal: string) => () => {
    void stop(signal).then(() => process.exit(0));
  };
  process.once('SIGINT', onSignal('SIGINT'));
  process.once('SIGTERM', onSignal('SIGTERM'));
  // At a TTY readline swallows Ctrl+C and reports it here instead of as a process signal.
  rl.once('SIGINT', onSignal('SIGINT'));

  const listings = SAMPLE_LISTINGS.length;
  write(
    [
      `Avito simulator     ${avito.url}   (seller ${avito.userId}, ${listings} listings)`,
      `Telegram simulator  ${telegram.url}   (bot @${telegram.bot.username}, owner ${telegram.user.id})`,
      `Gemini simulator    ${gemini.url}`,
      '',
      `# .env for the service (it listens on ${options.servicePort}):`,
      formatEnv(env),
      '',
    ].join('\n'),
  );
  if (options.envFile !== undefined) {
    const existing = existsSync(options.envFile) ? readFileSync(options.envFile, 'utf8') : '';
    writeFileSync(options.envFile, mergeEnvFile(existing, env));
    write(`Wrote these lines to ${options.envFile}.\n`);
  }
  write(`Listings:\n${await session.run({ kind: 'listings' })}\nType "help" for commands.\n`);
  if (options.watch) session.watch(log);

  await runPrompt({
    rl,
    lines,
    name: 'sim',
    interactive,
    write,
    log,
    run: (command) => session.run(command),
    stop,
    isStopping: () => stopping !== undefined,
  });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `npm run sim: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
