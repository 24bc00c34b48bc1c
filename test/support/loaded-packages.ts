/**
 * Child-process probe (`node --import tsx test/support/loaded-packages.ts`): starts the service from its
 * composition root with the environment it is given, then prints, as one JSON line, every npm package that
 * got loaded. Tests use it to check what a configuration pulls into memory.
 */
import { registerHooks } from 'node:module';

const packages = new Set<string>();
registerHooks({
  resolve(specifier, context, next) {
    const resolved = next(specifier, context);
    const name = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(resolved.url)?.[1];
    if (name) packages.add(name);
    return resolved;
  },
});

// Imported only now, so the hook sees the whole graph.
const { loadConfig } = await import('../../src/config.js');
const { createLogger } = await import('../../src/logger.js');
const { startService } = await import('../../src/service.js');

const service = await startService(loadConfig(), createLogger({ level: 'silent' }));
await service.readiness.report();
process.stdout.write(`${JSON.stringify([...packages].sort())}\n`);
await service.stop();
// As serve.ts does: Agenda's liveness checks of jobs that ran keep timers for up to a lock lifetime.
process.exit(0);
