import type { Agenda } from 'agenda';
import { AVITO_CAPABILITIES } from '../../src/avito/channel.js';
import { processInboundEvent } from '../../src/avito/inbound.js';
import { loadConfig } from '../../src/config.js';
import { splitText } from '../../src/lib/split-text.js';
import { createLogger } from '../../src/logger.js';
import type { Mode } from '../../src/models/records.js';
import type { Decision } from '../../src/rag/answer.js';
import { createDraftActions } from '../../src/responder/actions.js';
import type { Channel } from '../../src/responder/channel.js';
import type { Answerer, ResponderDeps } from '../../src/responder/deps.js';
import { deliverDraft } from '../../src/responder/deliver.js';
import { receiveInbound } from '../../src/responder/inbound.js';
import type { DraftActions } from '../../src/responder/ports.js';
import { answerChat } from '../../src/responder/respond.js';
import type { Store } from '../../src/store/port.js';
import type { Json } from './avito-envelope.js';
import { RecordingNotifier } from './recording-notifier.js';

/** Our Avito account id in the harness's webhook payloads. */
const OUR_USER_ID = 3098765432;
const BUYER_ID = 777;

/** A point where a running operation waits until the test lets it go on (the model answering, a send returning…). */
interface Gate {
  kind: 'model' | 'send' | 'sleep';
  release(): void;
}

/**
 * The jobs the responder asked for, as Agenda would keep them: one due `respond` per chat (unique), one
 * `deliver` per draft. Nothing runs by itself: the test decides when a job runs.
 */
export class JobBook {
  readonly respond = new Set<string>();
  readonly deliver = new Set<string>();

  readonly agenda = {
    create: (name: string, data: Record<string, unknown>) => {
      const job = {
        unique: () => job,
        debounce: () => job,
        schedule: () => job,
        save: async () => {
          if (name === 'respond') this.respond.add(String(data.chatId));
          else if (name === 'deliver') this.deliver.add(String(data.draftId));
          return job;
        },
      };
      return job;
    },
  } as unknown as Agenda;
}

/**
 * The Avito channel as the responder uses it: every send gets its message ids at once (Avito stores the message
 * before answering), then waits at a gate until the test lets the answer through. Records mark-read calls.
 */
export class FakeChannel implements Channel {
  readonly id = 'avito';
  readonly capabilities = AVITO_CAPABILITIES;
  readonly sends: Array<{
    chatId: string;
    text: string;
    parts: Array<{ id: string; text: string }>;
    /** The send call has answered (the sender knows the ids). */
    returned: boolean;
  }> = [];
  readonly markedRead: string[] = [];
  private nextId = 1;

  constructor(private readonly gates: Gates) {}

  async send(chatId: string, text: string) {
    // Avito message ids are unique across chats.
    const parts = splitText(text, this.capabilities.maxTextLength).map((part) => ({
      id: `${chatId}-out-${this.nextId++}`,
      text: part,
    }));
    const send = { chatId, text, parts, returned: false };
    this.sends.push(send);
    await this.gates.park('send');
    send.returned = true;
    return { kind: 'sent' as const, messageIds: parts.map((p) => p.id) };
  }

  async markRead(chatId: string) {
    this.markedRead.push(chatId);
  }

  async recentOutgoing() {
    return [];
  }
}

export class Gates {
  readonly parked: Gate[] = [];

  /** Resolves once the test releases this gate. */
  park(kind: Gate['kind']): Promise<void> {
    return new Promise((resolve) => this.parked.push({ kind, release: resolve }));
  }

  /** Lets the `index`-th parked operation go on (modulo the number parked). */
  release(index: number): boolean {
    if (this.parked.length === 0) return false;
    const [gate] = this.parked.splice(index % this.parked.length, 1);
    gate!.release();
    return true;
  }
}

/** Answers every question it is asked by quoting it (so a test can see what the model saw); «менеджер» escalates. */
export function quotingAnswerer(gates: Gates, calls: string[][]): Answerer {
  return {
    async answer(input, options): Promise<Decision> {
      calls.push(input.questions);
      await gates.park('model');
      if (!options?.skipEscalation && input.questions.some((q) => /менеджер/i.test(q)))
        return { kind: 'escalate', reason: 'human_request', matched: 'менеджер' };
      return {
        kind: 'answer',
        text: `Ответ на: ${input.questions.join(' | ')}`,
        sources: [{ title: 'Условия', docId: null, itemId: null, snippet: null }],
        grounded: true,
        findings: [],
        strategy: 'general',
      };
    },
  };
}

/** A message as the harness delivers it to the webhook. */
export interface InboundMessage {
  id: string;
  chatId: string;
  text?: string;
  type?: string;
  outgoing?: boolean;
  created?: number;
  /** Its own event id, when Avito delivers the same message again. */
  delivery?: string;
}

export interface ResponderHarness {
  store: Store;
  deps: ResponderDeps;
  actions: DraftActions;
  notifier: RecordingNotifier;
  channel: FakeChannel;
  jobs: JobBook;
  gates: Gates;
  /** The questions of every model call, in order. */
  modelCalls: string[][];
  /** Starts an operation in the background (a job run, a webhook being processed, an owner's tap). */
  start(op: () => Promise<unknown>): void;
  /** Waits until every started operation has finished or waits at a gate; throws what an operation threw. */
  settle(): Promise<void>;
  /** Starts the chat's due `respond` job, as Agenda would; false when none is due. */
  runRespond(chatId: string): boolean;
  /** Starts the first due `deliver` job; false when none is due. */
  runDeliver(): boolean;
  /**
   * Avito echoes the `pick`-th of our sent parts not echoed yet (modulo their number), possibly before our send
   * call has returned; the echo delivered, or null when every part was echoed.
   */
  echo(chatId: string, pick: number): InboundMessage | null;
  /** Delivers a webhook message as Avito would and processes it with the real inbound code. */
  inbound(message: InboundMessage): Promise<unknown>;
}

/** The responder's own functions on a real store, with the model, Avito and the job queue in the test's hands. */
export function responderHarness(store: Store, options: { mode: Mode; dataDir: string }): ResponderHarness {
  const gates = new Gates();
  const jobs = new JobBook();
  const channel = new FakeChannel(gates);
  const notifier = new RecordingNotifier();
  const modelCalls: string[][] = [];
  const config = loadConfig({
    DATA_DIR: options.dataDir,
    MODE: options.mode,
    DEBOUNCE_SECONDS: '0',
    CONTEXT_MESSAGES: '200',
  });
  const deps: ResponderDeps = {
    config,
    store,
    agenda: jobs.agenda,
    channels: new Map([['avito', channel]]),
    knowledge: quotingAnswerer(gates, modelCalls),
    notifier,
    logger: createLogger({ level: 'silent' }),
    sleep: () => gates.park('sleep'),
  };
  const running = new Set<Promise<unknown>>();
  const failures: unknown[] = [];
  const echoed = new Set<string>();
  const h: ResponderHarness = {
    store,
    deps,
    actions: createDraftActions(deps),
    notifier,
    channel,
    jobs,
    gates,
    modelCalls,
    start(op) {
      const p: Promise<unknown> = op()
        .catch((err: unknown) => void failures.push(err))
        .finally(() => running.delete(p));
      running.add(p);
    },
    async settle() {
      for (let turn = 0; turn < 100_000; turn += 1) {
        await new Promise((resolve) => setImmediate(resolve));
        if (failures.length > 0) throw failures[0];
        if (running.size === gates.parked.length) return;
      }
      throw new Error('operations neither finished nor waited at a gate');
    },
    runRespond(chatId) {
      if (!jobs.respond.delete(chatId)) return false;
      h.start(() => answerChat(deps, chatId));
      return true;
    },
    runDeliver() {
      const [draftId] = jobs.deliver;
      if (draftId === undefined) return false;
      jobs.deliver.delete(draftId);
      h.start(() => deliverDraft(deps, draftId));
      return true;
    },
    echo(chatId, pick) {
      const parts = channel.sends.flatMap((send) => send.parts).filter((p) => !echoed.has(p.id));
      const part = parts[pick % Math.max(1, parts.length)];
      if (!part) return null;
      echoed.add(part.id);
      const echo = { id: part.id, chatId, text: part.text, outgoing: true };
      h.start(() => h.inbound(echo));
      return echo;
    },
    async inbound(m) {
      const value: { [key: string]: Json } = {
        id: m.id,
        chat_id: m.chatId,
        user_id: OUR_USER_ID,
        // Avito's system messages come from no one in particular (author 0) unless they are about our own action.
        author_id: m.outgoing ? OUR_USER_ID : m.type === 'system' ? 0 : BUYER_ID,
        created: m.created ?? 1_700_000_000,
        type: m.type ?? 'text',
        chat_type: 'u2i',
        item_id: 4341979279,
        content:
          m.type === 'system'
            ? { text: m.text ?? '', flow_id: 'auto_answer' }
            : m.type && m.type !== 'text'
              ? {}
              : { text: m.text ?? '' },
      };
      const eventId = m.delivery ?? `ev-${m.id}`;
      // A repeat delivery skips the event layer's deduplication by message id: inbound itself must cope.
      await store.events.insertOnce({
        id: eventId,
        messageId: m.delivery ? null : m.id,
        payload: {
          id: eventId,
          version: 'v3.0.0',
          timestamp: 1_700_000_000,
          payload: { type: 'message', value },
        },
      });
      return processInboundEvent(eventId, {
        store,
        avito: {
          getChat: async () => {
            throw new Error('no chat details in the harness');
          },
        },
        inbound: { receive: (event) => receiveInbound(deps, event) },
        logger: deps.logger,
      });
    },
  };
  return h;
}

/**
 * Runs the due jobs and lets every gate go until nothing is left to do; `each` (the owner's part) runs whenever
 * the responder is idle. `deliverFirst` picks which due job runs first when both kinds wait.
 */
export async function runUntilQuiet(
  h: ResponderHarness,
  chatId: string,
  options: { deliverFirst?: boolean; each?: () => Promise<void> } = {},
): Promise<void> {
  for (let round = 0; round < 1000; round += 1) {
    await h.settle();
    if (h.gates.release(0)) continue;
    const ran = options.deliverFirst
      ? h.runDeliver() || h.runRespond(chatId)
      : h.runRespond(chatId) || h.runDeliver();
    if (ran) continue;
    await options.each?.();
    await h.settle();
    if (h.jobs.respond.size + h.jobs.deliver.size === 0 && h.gates.parked.length === 0) return;
  }
  throw new Error('the responder never came to rest');
}
