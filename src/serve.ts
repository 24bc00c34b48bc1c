import { ConfigError, loadConfig, loadDotEnv, secretsOf } from './config.js';
import { describeError } from './errors.js';
import { createLogger } from './logger.js';
import { type Service, startService } from './service.js';

/**
 * The service as a process: environment → logger → signal handlers → service. The handlers come before the
 * service starts, so a SIGTERM during start-up still stops it gracefully (it finishes starting, then stops).
 */
async function main(): Promise<void> {
  loadDotEnv();
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      // One readable block for the operator, no stack trace.
      process.stderr.write(`${err.message}\nSee .env.example for every variable and its meaning.\n`);
      process.exit(1);
    }
    throw err;
  }

  const logger = createLogger({
    level: config.logLevel,
    pretty: config.env === 'development' && process.stdout.isTTY,
    secrets: secretsOf(config),
  });

  let starting: Promise<Service | undefined> = Promise.resolve(undefined);
  let exiting = false;
  const shutdown = async (reason: string, code: number) => {
    if (exiting) return;
    exiting = true;
    logger.info({ reason }, 'shutting down');
    const force = setTimeout(() => process.exit(code || 1), 20_000);
    force.unref();
    const service = await starting;
    await service?.stop().catch((err: unknown) => logger.error({ err }, 'error during shutdown'));
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown('SIGINT', 0));
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception');
    void shutdown('uncaughtException', 1);
  });

  starting = startService(config, logger).catch((err: unknown) => {
    logger.fatal({ err }, `start-up failed: ${describeError(err)}`);
    process.exit(1);
  });
  await starting;
}

await main();
