import { ConfigError, loadConfig, loadDotEnv, secretsOf } from './config.js';
import { describeError } from './errors.js';
import { createLogger } from './logger.js';
import { startService } from './service.js';

/** Process entry point: environment → logger → service, plus signal and crash handling. */
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

  const service = await startService(config, logger).catch((err: unknown) => {
    logger.fatal({ err }, `start-up failed: ${describeError(err)}`);
    process.exit(1);
  });

  let exiting = false;
  const shutdown = async (reason: string, code: number) => {
    if (exiting) return;
    exiting = true;
    logger.info({ reason }, 'shutting down');
    const force = setTimeout(() => process.exit(code || 1), 20_000);
    force.unref();
    await service.stop().catch((err: unknown) => logger.error({ err }, 'error during shutdown'));
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown('SIGINT', 0));
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception');
    void shutdown('uncaughtException', 1);
  });
}

await main();
