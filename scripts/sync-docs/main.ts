/**
 * `npm run sync-docs -- [--docs DIR]` — syncs the documents folder (DOCS_DIR, default ./knowledge, created on
 * a first run) into the service's store and File Search once, and prints the summary. The service runs the
 * same sync as the `knowledge-folder-sync` job. The project's own folders are refused (see
 * src/rag/knowledge-folder.ts).
 */
import { resolve } from 'node:path';
import { pino } from 'pino';
import { loadConfig, loadDotEnv } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createKnowledge } from '../../src/rag/index.js';
import { prepareKnowledgeFolder } from '../../src/rag/knowledge-folder.js';
import { openStore } from '../../src/store/index.js';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--docs');
  loadDotEnv();
  const base = loadConfig(process.env);
  const docs = at >= 0 ? argv[at + 1] : undefined;
  if (at >= 0 && !docs) throw new Error('usage: npm run sync-docs -- [--docs DIR]');
  const config = { ...base, docsDir: docs ? resolve(docs) : base.docsDir };
  const logger = createLogger({ level: config.logLevel, destination: pino.destination(2) });
  const store = await openStore(config.storage);
  try {
    await prepareKnowledgeFolder({ dir: config.docsDir, store, logger });
    const summary = await createKnowledge({ config, store, logger }).syncFolder();
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    if (summary.failed.length > 0) process.exitCode = 1;
  } finally {
    await store.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
