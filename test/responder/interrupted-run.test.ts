import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Agenda } from 'agenda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AVITO_CAPABILITIES } from '../../src/avito/channel.js';
import { loadConfig } from '../../src/config.js';
import { createAgenda } from '../../src/jobs/index.js';
import { createLogger } from '../../src/logger.js';
import type { Decision } from '../../src/rag/answer.js';
import { createResponder, type ResponderDeps } from '../../src/responder/index.js';
import { scheduleDeliver } from '../../src/responder/jobs/deliver.js';
import { SENDING_SWEEP_JOB } from '../../src/responder/jobs/reconcile.js';
import { answerChat } from '../../src/responder/respond.js';
import type { Store } from '../../src/store/port.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { type DeathPoint, dyingProcess } from '../support/dying-process.js';
import { RecordingNotifier } from '../support/recording-notifier.js';
import { eventually } from '../support/service.js';

const CHAT = 'u2i-interrupted~1';
let dir: string;
let store: Store;
let agendas: Agenda[];
let sent: string[];

/** A responder on `over.store` (default: the real one) with an answerer whose answers may go out on their own. */
function depsWith(mode: 'auto' | 'review', over: Partial<ResponderDeps>): ResponderDeps {
  return {
    config: loadConfig({ DATA_DIR: dir, DEBOUNCE_SECONDS: '0', MODE: mode }),
    store,
    agenda: agendas.at(-1)!,
    channels: new Map([
      [
        'avito',
        {
          id: 'avito',
          capabilities: AVITO_CAPABILITIES,
          send: async (_chat: string, text: string) => {
            sent.push(text);
            return { kind: 'sent', messageIds: [`out-${sent.length}`] };
          },
          markRead: async () => {},
          recentOutgoing: async () => [],
        },
      ],
    ]),
    knowledge: {
      answer: async (): Promise<Decision> => ({
        kind: 'answer',
        text: 'Да, диван в наличии.',
        sources: [],
        grounded: true,
        findings: [],
        strategy: 'general',
        provider: 'gemini',
        model: 'gemini-2.5-flash',
      }),
    },
    notifier: new RecordingNotifier(),
    logger: createLogger({ level: 'silent' }),
    ...over,
  };
}

/**
 * The buyer writes to a process whose respond job dies at `death`; then the service restarts on the same store
 * (the dead run's chat lease released rather than waited for) and its job processor takes up the queued job.
 */
async function diesThenRestarts(mode: 'auto' | 'review', death: DeathPoint): Promise<RecordingNotifier> {
  const dying = dyingProcess(store, death);
  agendas.push(await createAgenda({ kind: 'sqlite', path: join(dir, 'store.sqlite') }, { processEvery: 50 }));
  const firstDeps = depsWith(mode, { store: dying.store });
  const first = createResponder(firstDeps);
  await first.inbound.receive({
    channel: 'avito',
    chatId: CHAT,
    messageId: 'm-1',
    direction: 'in',
    type: 'text',
    text: 'Диван ещё в наличии?',
    content: null,
    at: new Date(),
    context: {
      buyer: { id: null, name: 'Анна' },
      listing: { itemId: '4341979279', title: 'Диван угловой «Милан»', price: '32 900 ₽', url: null },
    },
  });
  // Its job processor has not taken the respond job up yet: the run is started here, and the job stays queued.
  void answerChat(firstDeps, CHAT);
  await eventually(() => dying.isDead() && dying.holders.length === 1, 10_000);
  // What the dead process left: a draft nobody saw, on its way nowhere.
  expect(await store.drafts.listForChat(CHAT)).toMatchObject([
    { status: death.method === 'create' ? 'pending' : 'approved', card: null },
  ]);
  expect(sent).toEqual([]);
  await agendas[0]!.stop().catch(() => {});
  await store.leases.release(`respond:${CHAT}`, dying.holders[0]!);

  const notifier = new RecordingNotifier();
  agendas.push(await createAgenda({ kind: 'sqlite', path: join(dir, 'store.sqlite') }, { processEvery: 50 }));
  createResponder(depsWith(mode, { notifier }));
  await agendas[1]!.start();
  return notifier;
}

/** Runs one statement on the store's file beside the store (a count, or a change of the clock's past). */
function sql(statement: string): number {
  const db = new DatabaseSync(join(dir, 'store.sqlite'));
  try {
    if (statement.startsWith('SELECT')) return Number((db.prepare(statement).get() as { n: number }).n);
    return Number(db.prepare(statement).run().changes);
  } finally {
    db.close();
  }
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'interrupted-run-'));
  store = openSqliteStore({ path: join(dir, 'store.sqlite') });
  agendas = [];
  sent = [];
});
afterEach(async () => {
  for (const agenda of agendas) await agenda.stop().catch(() => {});
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a respond run that dies between making a draft and presenting it', () => {
  it('when the process dies right after the draft is stored in auto mode, then after a restart the answer is sent once and audited once', async () => {
    await diesThenRestarts('auto', { repo: 'drafts', method: 'create' });
    await eventually(async () => (await store.drafts.listForChat(CHAT, ['sent'])).length === 1, 10_000);
    expect(sent).toEqual(['Да, диван в наличии.']);
    const drafts = await store.drafts.listForChat(CHAT);
    expect(drafts.map((d) => [d.status, d.approvedBy])).toEqual([['sent', 'auto']]);
    const audit = await store.audit.query({ draftId: drafts[0]!.id, action: 'draft.created.answer' });
    expect(audit).toHaveLength(1);
  });

  it('when the process dies right after the draft is stored in review mode, then after a restart the owner gets its card', async () => {
    const notifier = await diesThenRestarts('review', { repo: 'drafts', method: 'create' });
    await eventually(
      async () => (await store.drafts.listForChat(CHAT, ['pending']))[0]?.card != null,
      10_000,
    );
    const [draft] = await store.drafts.listForChat(CHAT, ['pending']);
    expect(notifier.statesOf(draft!.id)).toEqual(['pending']);
    expect(sent).toEqual([]);
    expect(await store.drafts.listForChat(CHAT)).toHaveLength(1);
  });

  it('when the process dies between approving an answer and queueing its delivery, then the drafts sweep delivers it once', async () => {
    await diesThenRestarts('auto', { repo: 'drafts', method: 'transition' });
    // The restarted run finds the approved draft answering the buyer: it drafts nothing more, sends nothing.
    await eventually(
      () =>
        sql("SELECT COUNT(*) AS n FROM agenda_jobs WHERE name = 'respond' AND last_finished_at IS NULL") ===
        0,
      10_000,
    );
    expect(sent).toEqual([]);
    expect((await store.drafts.listForChat(CHAT)).map((d) => d.status)).toEqual(['approved']);
    // A minute and more later, the sweep finds the draft left approved.
    sql('UPDATE drafts SET updated_at = updated_at - 120000');
    await agendas[1]!.now(SENDING_SWEEP_JOB.name, {});
    await eventually(async () => (await store.drafts.listForChat(CHAT, ['sent'])).length === 1, 10_000);
    expect(sent).toEqual(['Да, диван в наличии.']);
  });

  it('when an approved draft waits for its delivery retry, then the drafts sweep leaves its delivery as scheduled', async () => {
    agendas.push(
      await createAgenda({ kind: 'sqlite', path: join(dir, 'store.sqlite') }, { processEvery: 50 }),
    );
    createResponder(depsWith('auto', {}));
    const draft = await store.drafts.create({
      chatId: CHAT,
      kind: 'answer',
      status: 'approved',
      approvedBy: 'auto',
      text: 'Да, диван в наличии.',
      grounded: true,
      coversMessageIds: [],
    });
    const retryAt = new Date(Date.now() + 3_600_000);
    await scheduleDeliver(agendas[0]!, draft.id, retryAt);
    sql('UPDATE drafts SET updated_at = updated_at - 120000');
    await agendas[0]!.start();
    await agendas[0]!.now(SENDING_SWEEP_JOB.name, {});
    await eventually(
      () =>
        sql(
          `SELECT COUNT(*) AS n FROM agenda_jobs WHERE name = '${SENDING_SWEEP_JOB.name}' AND last_finished_at IS NOT NULL`,
        ) > 0,
      10_000,
    );
    expect(sql(`SELECT next_run_at AS n FROM agenda_jobs WHERE name = 'deliver'`)).toBe(retryAt.getTime());
    expect(sent).toEqual([]);
  });
});
