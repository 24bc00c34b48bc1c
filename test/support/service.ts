import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig, secretsOf } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { pollUntil } from '../../sim/common/wait.js';
import type { Notifier } from '../../src/responder/ports.js';
import { type Service, type ServiceOptions, startService } from '../../src/service.js';

export interface TestService extends Service {
  dataDir: string;
  /** Every log line the service wrote (JSON), for leak checks and assertions. */
  logs: string[];
  /** Stops the service and removes its data dir. */
  dispose(): Promise<void>;
}

/**
 * The real service in-process on a random loopback port with a fresh embedded store. `env` is merged
 * over the defaults (e.g. a simulator's `env`).
 */
export async function startTestService(
  env: Record<string, string> = {},
  dataDir?: string,
  options: { notifier?: Notifier; integrations?: ServiceOptions['integrations'] } = {},
): Promise<TestService> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'svc-'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dir,
    DEBOUNCE_SECONDS: '0',
    LOG_LEVEL: 'debug',
    ...env,
  });
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const logger = createLogger({ level: config.logLevel, destination, secrets: secretsOf(config) });
  const service = await startService(config, logger, {
    processEvery: 50,
    notifier: options.notifier,
    ...(options.integrations ? { integrations: options.integrations } : {}),
  });
  return Object.assign(service, {
    dataDir: dir,
    logs,
    async dispose() {
      await service.stop();
      if (!dataDir) rmSync(dir, { recursive: true, force: true });
    },
  });
}

/** Polls `check` until it returns a value (not undefined/null/false), or throws after `timeoutMs`. */
export function eventually<T>(
  check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 5000,
): Promise<T> {
  return pollUntil(check, { timeoutMs, what: 'eventually: condition not met' });
}

/**
 * Subscribes the service's Avito webhook (at the simulator its config points to) and adds one text document
 * to its knowledge base, as a seller would after the first start. Returns the webhook URL.
 */
export async function subscribeAndTeach(
  svc: TestService,
  doc: { fileName: string; text: string },
): Promise<string> {
  const secret = await svc.store.kv.get<string>('avito:webhook-secret');
  const url = `${svc.http.url}/avito/webhook/${secret}`;
  await svc.avito!.client.subscribe(url);
  await svc.knowledge.ingest({
    origin: 'upload',
    fileName: doc.fileName,
    bytes: new TextEncoder().encode(doc.text),
  });
  return url;
}
