import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Agenda } from 'agenda';
import { AVITO_CAPABILITIES } from '../../src/avito/channel.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createAgenda } from '../../src/jobs/index.js';
import { createLogger } from '../../src/logger.js';
import type { AnswerInput, Decision } from '../../src/rag/answer.js';
import type { Message } from '../../src/models/records.js';
import { createResponder, type Responder, type ResponderDeps } from '../../src/responder/index.js';
import { answerChat } from '../../src/responder/respond.js';
import type { LeadSink, LeadSinkInput, PriceQuotes } from '../../src/responder/ports.js';
import type { Store } from '../../src/store/port.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { RecordingNotifier } from '../support/recording-notifier.js';
import { dyingProcess } from '../support/dying-process.js';
import { eventually } from '../support/service.js';

let dir: string;
let store: Store;
let agenda: Agenda;
let responder: Responder;
let asked: AnswerInput[];
let calls: Array<{ kind: 'message' | 'burst'; input: LeadSinkInput }>;

/** A sink that fails its first `failures` calls of each kind, as a sales side with a store hiccup would. */
function flakySink(failures: number): LeadSink {
  const failed = { message: 0, burst: 0 };
  const call = async (kind: 'message' | 'burst', input: LeadSinkInput) => {
    calls.push({ kind, input });
    if (failed[kind] < failures) {
      failed[kind] += 1;
      throw new Error(`sales side down (${kind})`);
    }
  };
  return { buyerMessage: (i) => call('message', i), buyerBurst: (i) => call('burst', i) };
}

/** What the responder is built with here; `over` replaces parts (a dying process's store and notifier). */
function depsWith(leads: LeadSink, over: Partial<ResponderDeps> = {}): ResponderDeps {
  return {
    config: loadConfig({ DATA_DIR: dir, DEBOUNCE_SECONDS: '0', MODE: 'review' }),
    store,
    agenda,
    channels: new Map([
      [
        'avito',
        {
          id: 'avito',
          capabilities: AVITO_CAPABILITIES,
          send: async () => ({ kind: 'sent', messageIds: [] }),
          markRead: async () => {},
          recentOutgoing: async () => [],
        },
      ],
    ]),
    knowledge: {
      async answer(input): Promise<Decision> {
        asked.push(input);
        const text = input.computed?.[0] ? `По прайсу: ${input.computed[0].text}` : 'Есть в наличии.';
        return { kind: 'answer', text, sources: [], grounded: true, findings: [], strategy: 'general' };
      },
    },
    notifier: new RecordingNotifier(),
    logger: createLogger({ level: 'silent' }),
    leads,
    ...over,
  };
}

async function start(leads: LeadSink, prices?: PriceQuotes, over: Partial<ResponderDeps> = {}) {
  agenda = await createAgenda({ kind: 'sqlite', path: join(dir, 'store.sqlite') }, { processEvery: 50 });
  responder = createResponder(depsWith(leads, { ...(prices ? { prices } : {}), ...over }));
  await agenda.start();
}

const autoMode = () => loadConfig({ DATA_DIR: dir, DEBOUNCE_SECONDS: '0', MODE: 'auto' });

/**
 * The first process: the buyer writes, its run answers until the process dies where `dying` says, the brief still
 * on the way; then the dead process's chat lease runs out (released here rather than waited for).
 */
async function firstProcessDies(
  dying: ReturnType<typeof dyingProcess>,
  over: Partial<ResponderDeps>,
  text: string,
): Promise<Message> {
  const firstAgenda = await createAgenda({ kind: 'sqlite', path: join(dir, 'store.sqlite') });
  const first = depsWith(briefNeverRead(), { agenda: firstAgenda, store: dying.store, ...over });
  responder = createResponder(first);
  const message = await buyerWrites(text);
  void answerChat(first, 'u2i-lead~1');
  await eventually(() => dying.isDead() && dying.holders.length === 1, 10_000);
  await store.leases.release('respond:u2i-lead~1', dying.holders[0]!);
  await firstAgenda.stop().catch(() => {});
  return message;
}

/** A sink whose brief never comes back: the brief is being read when its process dies. */
const briefNeverRead = (): LeadSink => ({
  buyerMessage: async () => {},
  buyerBurst: () => new Promise(() => {}),
});

async function buyerWrites(text: string, id = `m-${Math.random().toString(36).slice(2)}`) {
  await responder.inbound.receive({
    channel: 'avito',
    chatId: 'u2i-lead~1',
    messageId: id,
    direction: 'in',
    type: 'text',
    text,
    content: null,
    at: new Date(),
    context: {
      buyer: { id: null, name: 'Анна' },
      listing: { itemId: '4341979279', title: 'Диван угловой «Милан»', price: '32 900 ₽', url: null },
    },
  });
  const message = await store.messages.get(id);
  if (!message) throw new Error('the buyer message was not stored');
  return message;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lead-capture-'));
  store = openSqliteStore({ path: join(dir, 'store.sqlite') });
  asked = [];
  calls = [];
});
afterEach(async () => {
  await agenda.stop().catch(() => {});
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('leads from buyer conversations', () => {
  it('when a buyer writes, then the sink hears the message with the chat’s channel, listing and name, and the burst after it', async () => {
    await start(flakySink(0));
    const message = await buyerWrites('Здравствуйте! Мой телефон +7 916 123-45-67');
    const expected = {
      channel: 'avito',
      conversationId: 'u2i-lead~1',
      listing: { itemId: '4341979279', title: 'Диван угловой «Милан»' },
      buyer: { name: 'Анна' },
      messages: [{ id: message.id, text: message.text, at: message.createdAt }],
    };
    expect(calls[0]).toEqual({ kind: 'message', input: expected });
    await eventually(() => calls.some((c) => c.kind === 'burst'), 10_000);
    expect(calls.find((c) => c.kind === 'burst')?.input).toEqual(expected);
  });

  it('when the sales side fails, then the buyer is still answered and the lead is retried by a job until it is made', async () => {
    await start(flakySink(1));
    await buyerWrites('Есть в наличии?');
    // The answer does not wait for the sales side.
    await eventually(
      async () => (await store.drafts.listForChat('u2i-lead~1', ['pending'])).length === 1,
      10_000,
    );
    await eventually(() => calls.filter((c) => c.kind === 'message').length === 2, 15_000);
    await eventually(() => calls.filter((c) => c.kind === 'burst').length === 2, 15_000);
    const [first, second] = calls.filter((c) => c.kind === 'message');
    expect(second!.input).toEqual(first!.input);
  });

  it('when a price quote is available, then the answerer is given it as a computed source', async () => {
    const quoted: unknown[] = [];
    await start(flakySink(0), {
      async quoteFor(input) {
        quoted.push(input);
        return { title: 'Прайс-лист: Диван', text: 'Итого: 32 900 ₽.' };
      },
    });
    await buyerWrites('Сколько стоит?');
    await eventually(
      async () => (await store.drafts.listForChat('u2i-lead~1', ['pending'])).length === 1,
      10_000,
    );
    expect(quoted).toEqual([
      { questions: ['Сколько стоит?'], listing: { itemId: '4341979279', title: 'Диван угловой «Милан»' } },
    ]);
    expect(asked[0]?.computed).toEqual([{ title: 'Прайс-лист: Диван', text: 'Итого: 32 900 ₽.' }]);
    const [draft] = await store.drafts.listForChat('u2i-lead~1', ['pending']);
    expect(draft?.text).toContain('32 900 ₽');
  });

  it('when the price quote fails, then the buyer is answered without it', async () => {
    await start(flakySink(0), {
      quoteFor: () => Promise.reject(new Error('price list unreadable')),
    });
    await buyerWrites('Сколько стоит?');
    await eventually(
      async () => (await store.drafts.listForChat('u2i-lead~1', ['pending'])).length === 1,
      10_000,
    );
    expect(asked[0]?.computed).toBeUndefined();
  });

  it('when the answer fails, then the burst’s brief is still read', async () => {
    await start(flakySink(0), undefined, {
      knowledge: { answer: () => Promise.reject(new Error('every model is down')) },
    });
    const message = await buyerWrites('Нужен диван к 20 декабря');
    await eventually(() => calls.some((c) => c.kind === 'burst'), 10_000);
    expect(calls.find((c) => c.kind === 'burst')?.input.messages.map((m) => m.id)).toEqual([message.id]);
    expect(await store.drafts.listForChat('u2i-lead~1', ['pending'])).toEqual([]);
  });

  it('when the process dies after the draft, before the brief is read, then after a restart the chat’s brief is read', async () => {
    // The first process: its run drafts the answer, then dies while showing the card, its brief still on the way.
    const dying = dyingProcess(store);
    const message = await firstProcessDies(
      dying,
      { notifier: Object.assign(new RecordingNotifier(), { syncCard: () => dying.dies() }) },
      'Нужен диван к 20 декабря, доставка в Химки',
    );
    expect(await store.drafts.listForChat('u2i-lead~1', ['pending'])).toHaveLength(1);

    // The service restarts on the same store, and its job processor takes up the chat's respond job the first
    // process never finished.
    await start(flakySink(0));
    await eventually(() => calls.some((c) => c.kind === 'burst'), 10_000);
    expect(calls.filter((c) => c.kind === 'burst').map((c) => c.input.messages)).toEqual([
      [{ id: message.id, text: message.text, at: message.createdAt }],
    ]);
    // The answer was not drafted twice.
    expect(await store.drafts.listForChat('u2i-lead~1', ['pending'])).toHaveLength(1);
  });

  it('when a run dies before the brief of an answer sent automatically and the buyer writes again, then the next brief includes the dead run’s messages', async () => {
    // Auto mode: the first answer is approved (and the process dies) before its brief is read, and its message
    // leaves what waits for an answer.
    const dying = dyingProcess(store, { repo: 'drafts', method: 'transition' });
    const before = await firstProcessDies(dying, { config: autoMode() }, 'Нужен диван к 20 декабря');
    expect(await store.drafts.listForChat('u2i-lead~1', ['approved'])).toHaveLength(1);

    // The restarted service hears the buyer again before its job processor starts: one run answers the new
    // message, and the brief it reads covers both bursts.
    agenda = await createAgenda({ kind: 'sqlite', path: join(dir, 'store.sqlite') }, { processEvery: 50 });
    responder = createResponder(depsWith(flakySink(0), { config: autoMode() }));
    const after = await buyerWrites('И доставка в Химки');
    await agenda.start();
    await eventually(() => calls.some((c) => c.kind === 'burst'), 10_000);
    expect(calls.filter((c) => c.kind === 'burst').map((c) => c.input.messages.map((m) => m.id))).toEqual([
      [before.id, after.id],
    ]);
  });
});
