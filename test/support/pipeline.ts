import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Chat } from '../../src/models/records.js';
import { WON_STATUS_ID } from '../../sim/amocrm/index.js';
import { RecordingNotifier } from './recording-notifier.js';
import { startTestService, type TestService } from './service.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/sales.yaml', import.meta.url));
const ALL_DAY = '["00:00-24:00"]';

/**
 * The sample catalogue with consultations round the clock (any time a test runs has free slots), plus `extra`
 * YAML sections (e.g. an amoCRM status map).
 */
export function pipelineSalesYaml(extra = ''): string {
  const base = readFileSync(EXAMPLE, 'utf8').replace(/\n(calendar|amocrm):[\s\S]*?(?=\n[a-z]|$)/g, '\n');
  const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => `${d}: ${ALL_DAY}`).join(', ');
  return `${base}
calendar:
  timeZone: Europe/Moscow
  workingHours: { ${days} }
  slotMinutes: 60
  bufferMinutes: 0
  horizonDays: 3
  minNoticeMinutes: 0
${extra}`;
}

/** The stages our leads move the deal through in the amoCRM simulator's pipeline (paid is amoCRM's «won»). */
export const PIPELINE_STATUS_MAP = `amocrm:
  statuses:
    new: Первичный контакт
    offer_sent: Переговоры
    booked: Принимают решение
    invoiced: Согласование договора
    paid: ${WON_STATUS_ID}
`;

export interface PipelineService {
  svc: TestService;
  notifier: RecordingNotifier;
  dir: string;
  dispose(): Promise<void>;
}

/**
 * The real service with the given simulators' env, a sales configuration with round-the-clock consultations,
 * a recording notifier and an outbox that retries within milliseconds.
 */
export async function startPipelineService(
  env: Record<string, string>,
  options: { salesYaml?: string; dir?: string } = {},
): Promise<PipelineService> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'pipeline-'));
  writeFileSync(join(dir, 'sales.yaml'), options.salesYaml ?? pipelineSalesYaml());
  const notifier = new RecordingNotifier();
  const svc = await startTestService({ SALES_CONFIG: join(dir, 'sales.yaml'), ...env }, undefined, {
    notifier,
    integrations: {
      retry: { baseMs: 40, maxMs: 300, maxAttempts: 10_000 },
      briefDelayMs: 0,
      amoClient: { maxAttempts: 1, timeoutMs: 3000 },
    },
  });
  return {
    svc,
    notifier,
    dir,
    async dispose() {
      await svc.dispose();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A buyer's chat as the Avito inbound job would store it, so replies to it can be delivered (or fail to be). */
export function avitoChat(svc: TestService, id: string, buyerName = 'Анна'): Promise<Chat> {
  return svc.store.chats.upsert({ id, buyerName, itemId: '4341979279', state: 'ai' });
}
