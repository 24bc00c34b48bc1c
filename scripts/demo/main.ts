/**
 * `npm run demo`: try the whole service without any account. Starts the Avito, Telegram and Gemini
 * simulators (and amoCRM, Google Calendar, YooKassa and SMTP ones) and the real service wired to them (embedded
 * SQLite in a temporary folder), loads the sample documents and listings from `examples/`, plays a short tour — a
 * draft approved from Telegram, a fallback, an escalation, then the sales act (scripts/demo/sales-act.ts) — and then reads the same commands as `npm run sim` so you can keep playing:
 *
 *   npm run demo
 *   npm run demo -- --no-tour          # straight to the prompt
 *   npm run demo -- --exit             # tour only (CI)
 */
import { openPrompt, runPrompt } from '../../sim/cli/prompt.js';
import { formatListings } from '../../sim/cli/format.js';
import { SIM_BUYER_BOT } from '../../sim/telegram/buyer-bot.js';
import { describeError } from '../../src/errors.js';
import { EXAMPLE_DOCS_DIR } from './examples.js';
import { UsageError } from '../../sim/cli/flags.js';
import { DEMO_USAGE, parseDemoOptions } from './options.js';
import { type DemoStack, startDemoStack } from './stack.js';
import { runSalesAct } from './sales-act.js';
import { runTour } from './tour.js';
import { watchStack } from './watch.js';
import { DemoStepError } from './wait.js';

let stdoutClosed = false;

/** Writes to stdout unless the reader went away (`npm run demo | head`). */
function write(text: string): void {
  if (!stdoutClosed) process.stdout.write(text);
}

function banner(title: string): string {
  const line = `━━ ${title} `;
  return `\n${line}${'━'.repeat(Math.max(3, 78 - line.length))}`;
}

function summary(stack: DemoStack): string {
  const { avito, telegram, gemini } = stack.session;
  const loaded = [...stack.docs.added, ...stack.docs.updated, ...stack.docs.unchanged];
  return [
    `Avito simulator     ${avito.url}   (seller ${avito.userId})`,
    `Telegram simulator  ${telegram.url}   (bot @${telegram.bot.username}, owner ${stack.ownerId})`,
    `Gemini simulator    ${gemini.url}`,
    `amoCRM, Google Calendar, YooKassa, SMTP simulators   ${stack.session.amocrm.url}, ${stack.session.calendar.url}, ${stack.session.yookassa.url}, ${stack.session.smtp.env.SMTP_URL?.replace(/\/\/[^@]*@/, '//') ?? ''}`,
    `Service             ${stack.service.http.url}   (mode review, store SQLite)`,
    ...(stack.service.web
      ? [`Website widget      ${stack.service.http.url}/widget/demo   (open it in a browser and write)`]
      : []),
    ...(stack.service.buyerBot
      ? [`Telegram buyer bot  @${SIM_BUYER_BOT.bot.username}   (write to it with: tgbuyer <text>)`]
      : []),
    `Data and log        ${stack.dataDir}${stack.temporary ? '   (temporary, removed on exit)' : '   (kept after exit)'}`,
    '',
    `Knowledge base (${EXAMPLE_DOCS_DIR}):`,
    ...loaded.map((file) => `  ${file}`),
    'Listings on Avito:',
    formatListings(stack.listings),
  ].join('\n');
}

function nextSteps(stack: DemoStack): string {
  const second = stack.listings[1] ?? stack.listings[0];
  const examples: Array<[string, string]> = [
    ['buyer new А диван раскладывается?', 'a new buyer writes about the first listing'],
    [`buyer item:${second?.id ?? 0} Можно забрать самовывозом сегодня?`, '… about another listing'],
    ['buyer 1 А подъём на этаж сколько стоит?', 'the buyer of chat 1 (see "show") writes again'],
    ['tgbuyer /start', 'a buyer opens the Telegram buyer bot …'],
    ['tgbuyer Есть доставка по Москве?', '… and asks it (the card says Telegram)'],
    ['tap Отправить', 'the owner taps a button on the latest card with it'],
    ['tap Беру на себя', '(emoji and case are optional)'],
    ['reply Подъём на 5 этаж — 1000 ₽', 'the owner replies to the latest bot message'],
    ['owner /mode auto', 'the owner talks to the bot: /status, /docs, /ask …'],
    ['show', 'the owner’s Telegram and every Avito chat'],
    ['quit', 'stop everything (also Ctrl+D, Ctrl+C)'],
  ];
  return [
    banner('Your turn'),
    'Keep playing with the commands of `npm run sim` ("help" lists them all), e.g.:',
    ...examples.map(([command, what]) => `  ${command.padEnd(52)} ${what}`),
    'New bot messages and answers sent to buyers are printed as they appear.',
    `The documents are read from ${EXAMPLE_DOCS_DIR}: edit them and tap 🔄 under "owner /docs".`,
  ].join('\n');
}

async function main(): Promise<number> {
  let options: ReturnType<typeof parseDemoOptions>;
  try {
    options = parseDemoOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${DEMO_USAGE}\n`);
    return 2;
  }
  if (options.help) {
    write(`${DEMO_USAGE}\n`);
    return 0;
  }

  write('Starting the simulators and the service…\n');
  let stack: DemoStack;
  try {
    stack = await startDemoStack(options);
  } catch (error) {
    process.stderr.write(`npm run demo: could not start: ${describeError(error)}\n`);
    return 1;
  }

  let stopping: Promise<void> | undefined;
  const stop = (why: string, keepData = false): Promise<void> => {
    stopping ??= (async () => {
      const force = setTimeout(() => process.exit(1), 15_000);
      force.unref();
      await stack.close({ keepData });
      write(`Demo stopped (${why}).\n`);
    })();
    return stopping;
  };
  const onSignal = (signal: string) => () => {
    void stop(signal).then(() => process.exit(0));
  };
  process.once('SIGINT', onSignal('SIGINT'));
  process.once('SIGTERM', onSignal('SIGTERM'));
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    stdoutClosed = true;
    void stop('output closed').then(() => process.exit(0));
  });

  write(`${summary(stack)}\n`);

  if (options.tour) {
    try {
      await runTour(stack, (text) => write(`${text}\n`), options.stepTimeoutMs);
      await runSalesAct(stack, (text) => write(`${text}\n`), options.stepTimeoutMs);
    } catch (error) {
      if (stopping) {
        // A signal closed the simulators under the tour: not a failure.
        await stopping;
        return 0;
      }
      const why = error instanceof DemoStepError ? error.message : describeError(error);
      const problems = stack.problems();
      process.stderr.write(
        [
          `\nnpm run demo: the tour failed: ${why}`,
          ...(problems.length ? ['The service’s last warnings and errors:', ...problems.slice(-10)] : []),
          `Full service log: ${stack.logFile} (kept)`,
          '',
        ].join('\n'),
      );
      await stop('tour failed', true);
      return 1;
    }
    write(`${banner('Tour done')}\n`);
  }
  if (options.exit) {
    await stop('--exit');
    return 0;
  }
  return repl(stack, { stop, isStopping: () => stopping !== undefined });
}

/** How the prompt ends the demo. */
interface Shutdown {
  stop(why: string): Promise<void>;
  /** Whether shutdown has begun (a signal while a command ran). */
  isStopping(): boolean;
}

/** Reads `npm run sim` commands until quit or end of input; prints what the bot and the service do. */
async function repl(stack: DemoStack, shutdown: Shutdown): Promise<number> {
  const { session } = stack;
  const { stop } = shutdown;
  const { rl, lines, interactive } = openPrompt('demo');
  // At a TTY readline swallows Ctrl+C and reports it here instead of as a process signal.
  rl.once('SIGINT', () => void stop('SIGINT').then(() => process.exit(0)));

  /** Prints without mangling a half-typed line at an interactive prompt. */
  const log = (text: string): void => {
    if (!interactive) {
      write(`${text}\n`);
      return;
    }
    write(`\r\x1b[K${text}\n`);
    rl.prompt(true);
  };

  write(`${nextSteps(stack)}\n`);
  const unwatch = watchStack(stack, log);
  try {
    await runPrompt({
      rl,
      lines,
      name: 'demo',
      interactive,
      write,
      log,
      run: (command) => session.run(command),
      stop,
      isStopping: () => shutdown.isStopping(),
    });
  } finally {
    unwatch();
    rl.close();
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `npm run demo: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
