import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import type { Agenda } from 'agenda';
import {
  createBot,
  createOwnerTelegram,
  type BotHandle,
  type BotKnowledge,
  type Decision,
  type StatusSnapshot,
} from '../../src/bot/index.js';
import { type Config, loadConfig } from '../../src/config.js';
import { createAgenda } from '../../src/jobs/index.js';
import { createLogger, type Logger } from '../../src/logger.js';
import type { Chat, Draft, KnowledgeDocument, Message } from '../../src/models/records.js';
import { createOwnerControls } from '../../src/responder/owner.js';
import type { ActionResult, CardView, DraftActions, Notifier } from '../../src/responder/ports.js';
import type { DraftInput, Store } from '../../src/store/port.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { startTelegramSim, type TelegramSim, type TelegramSimOptions } from '../../sim/telegram/index.js';
import type { BotSales } from '../../src/bot/deps.js';
import { LeadCardRegistry } from '../../src/bot/cards/lead.js';
import { loadSalesConfig } from '../../src/sales/config.js';
import { createDocumentDesk } from '../../src/sales/delivery/desk.js';
import { createPdfFiles } from '../../src/sales/delivery/files.js';
import { createDocumentLinks } from '../../src/sales/delivery/links.js';
import { createLeads, createRuleBriefExtractor } from '../../src/sales/leads/index.js';

/** The sample sales configuration the sales screens are tested with. */
export const EXAMPLE_SALES = fileURLToPath(new URL('../../examples/sales.yaml', import.meta.url));

export interface Call {
  method: string;
  args: unknown[];
}

/**
 * A recording stand-in for the responder: transitions drafts with compare-and-set in the real store and
 * re-renders the card through the notifier, as the responder does. `stale` when the draft moved on.
 */
export class FakeActions implements DraftActions {
  calls: Call[] = [];
  notifier: Notifier | undefined;
  constructor(private readonly store: Store) {}

  private async view(draft: Draft): Promise<CardView> {
    const chat = (await this.store.chats.get(draft.chatId))!;
    const buyerMessages = (
      await Promise.all(draft.coversMessageIds.map((id) => this.store.messages.get(id)))
    ).filter((m): m is Message => m !== null);
    return { draft, chat, buyerMessages };
  }

  private async move(id: string, to: Draft['status'], patch: Partial<Draft> = {}): Promise<ActionResult> {
    const before = await this.store.drafts.get(id);
    if (!before) return { ok: false, reason: 'not_found' };
    const draft = await this.store.drafts.transition(id, ['pending'], to, patch);
    if (!draft) return { ok: false, reason: 'stale', draft: before };
    const ref = await this.notifier?.syncCard(await this.view(draft));
    if (ref) await this.store.drafts.update(id, { card: ref });
    return { ok: true, draft };
  }

  async approve(draftId: string, actor: string) {
    this.calls.push({ method: 'approve', args: [draftId, actor] });
    return this.move(draftId, 'approved', { approvedBy: actor });
  }
  async editAndApprove(draftId: string, text: string, actor: string) {
    this.calls.push({ method: 'editAndApprove', args: [draftId, text, actor] });
    return this.move(draftId, 'approved', { approvedBy: actor, text });
  }
  async dismiss(draftId: string, actor: string) {
    this.calls.push({ method: 'dismiss', args: [draftId, actor] });
    return this.move(draftId, 'dismissed');
  }
  async regenerate(draftId: string, actor: string) {
    this.calls.push({ method: 'regenerate', args: [draftId, actor] });
    return this.move(draftId, 'superseded');
  }
  async retry(draftId: string, actor: string): Promise<ActionResult> {
    this.calls.push({ method: 'retry', args: [draftId, actor] });
    const draft = await this.store.drafts.transition(draftId, ['failed'], 'approved');
    return draft ? { ok: true, draft } : { ok: false, reason: 'stale' };
  }
  async letAiAnswer(draftId: string, actor: string) {
    this.calls.push({ method: 'letAiAnswer', args: [draftId, actor] });
    return this.move(draftId, 'superseded');
  }
  async feedback(draftId: string, actor: string, verdict: 'bad'): Promise<ActionResult> {
    this.calls.push({ method: 'feedback', args: [draftId, actor, verdict] });
    const draft = await this.store.drafts.get(draftId);
    return draft ? { ok: true, draft } : { ok: false, reason: 'not_found' };
  }
  async takeOver(chatId: string, actor: string): Promise<Chat | null> {
    this.calls.push({ method: 'takeOver', args: [chatId, actor] });
    return this.store.chats.upsert({ id: chatId, state: 'human' });
  }
  async handBack(chatId: string, actor: string): Promise<Chat | null> {
    this.calls.push({ method: 'handBack', args: [chatId, actor] });
    return this.store.chats.upsert({ id: chatId, state: 'ai' });
  }
  async replyToBuyer(chatId: string, text: string, actor: string, draftId?: string): Promise<ActionResult> {
    this.calls.push({ method: 'replyToBuyer', args: [chatId, text, actor, draftId] });
    const draft = draftId ? await this.store.drafts.get(draftId) : null;
    return draft ? { ok: true, draft } : { ok: false, reason: 'not_found' };
  }
  async sendToBuyer(chatId: string, text: string, actor: string, source: { title: string }) {
    this.calls.push({ method: 'sendToBuyer', args: [chatId, text, actor, source] });
    const draft = await this.store.drafts.create({
      chatId,
      kind: 'reply',
      status: 'approved',
      text,
      approvedBy: actor,
      sources: [{ title: source.title, docId: null, itemId: null, snippet: null }],
      coversMessageIds: [],
    });
    return { ok: true as const, draft };
  }
  named(method: string): Call[] {
    return this.calls.filter((c) => c.method === method);
  }
}

/** A knowledge stand-in: records uploads and reports every progress stage. */
export class FakeKnowledge implements BotKnowledge {
  ingested: Array<{
    title: string;
    fileName: string;
    scope: string;
    itemId: string | null;
    bytes: number;
    text: string;
  }> = [];
  removed: string[] = [];
  decision: Decision = {
    kind: 'answer',
    text: 'Да, <есть> & в наличии',
    sources: [{ title: 'Прайс', docId: 'd1', itemId: null, snippet: null }],
    grounded: true,
    findings: [],
    strategy: 'general',
  };
  constructor(private readonly store: Store) {}
  async ingest(
    input: Parameters<BotKnowledge['ingest']>[0],
    onProgress?: Parameters<BotKnowledge['ingest']>[1],
  ): Promise<KnowledgeDocument> {
    this.ingested.push({
      title: input.title,
      fileName: input.fileName,
      scope: input.scope,
      itemId: input.itemId,
      bytes: input.bytes.length,
      text: Buffer.from(input.bytes).toString('utf8'),
    });
    onProgress?.({ stage: 'extracting' });
    onProgress?.({ stage: 'indexing', percent: 50 });
    const doc = await this.store.documents.save({
      title: input.title,
      scope: input.scope,
      itemId: input.itemId,
      origin: 'upload',
      sourceKey: input.sourceKey,
      mimeType: input.mimeType ?? 'text/plain',
      sizeBytes: input.bytes.length,
      sha256: 'x',
      state: 'ready',
    });
    onProgress?.({ stage: 'ready' });
    return doc;
  }
  async removeDocument(id: string) {
    this.removed.push(id);
    return this.store.documents.remove(id);
  }
  async answer(): Promise<Decision> {
    return this.decision;
  }
}

export interface Harness {
  sim: TelegramSim;
  store: Store;
  agenda: Agenda;
  config: Config;
  logs: string[];
  logger: Logger;
  actions: FakeActions;
  knowledge: FakeKnowledge;
  handle: BotHandle;
  owner: number;
  /** The sales core the bot was given (`sales: true`). */
  sales: BotSales | undefined;
  /** The lead card's extension point shared by every bot built (restarts too). */
  leadCard: LeadCardRegistry;
  /** Builds another bot on the same store and simulator (a restart). */
  restart(): Promise<BotHandle>;
  dispose(): Promise<void>;
}

export const STATUS: StatusSnapshot = {
  checks: { store: { status: 'ok' }, avito: { status: 'degraded', detail: 'token refresh failed' } },
  queue: { pendingDrafts: 2, humanChats: 1, jobsQueued: 0 },
  mode: 'review',
  paused: false,
};

/** A bot on the Telegram simulator with a fresh SQLite store; `start: false` leaves it unstarted. */
export async function startHarness(
  opts: {
    env?: Record<string, string>;
    sim?: TelegramSimOptions;
    start?: boolean;
    jobs?: boolean;
    /** Leads, /quote and documents on the sample price list, sending through the fake actions. */
    sales?: boolean;
  } = {},
): Promise<Harness> {
  const sim = await startTelegramSim(opts.sim);
  const dir = mkdtempSync(join(tmpdir(), 'bot-test-'));
  const config = loadConfig({
    DATA_DIR: dir,
    TELEGRAM_BOT_TOKEN: sim.token,
    TELEGRAM_OWNER_IDS: String(sim.user.id),
    TELEGRAM_API_ROOT: sim.url,
    LOG_LEVEL: 'debug',
    ...opts.env,
  });
  const store = openSqliteStore({ path: join(dir, 'store.sqlite') });
  const agenda = await createAgenda(
    { kind: 'sqlite', path: join(dir, 'store.sqlite') },
    { processEvery: 50 },
  );
  const logs: string[] = [];
  const logger = createLogger({
    level: 'debug',
    secrets: [sim.token],
    destination: new Writable({
      write(chunk, _enc, cb) {
        logs.push(String(chunk));
        cb();
      },
    }),
  });
  const actions = new FakeActions(store);
  const leadCard = new LeadCardRegistry();
  let sales: BotSales | undefined;
  if (opts.sales) {
    const salesConfig = await loadSalesConfig(EXAMPLE_SALES);
    const leads = createLeads({
      store,
      now: () => new Date(),
      extractor: createRuleBriefExtractor(),
      sales: salesConfig,
      logger,
    });
    const desk = createDocumentDesk({
      sales: salesConfig,
      documents: store.salesDocuments,
      sequences: store.sequences,
      leads,
      files: createPdfFiles(join(dir, 'documents')),
      links: createDocumentLinks({
        documents: store.salesDocuments,
        publicUrl: () => 'https://shop.example',
        ttlDays: 14,
        now: () => new Date(),
      }),
      deliver: (chatId, text, actor, source) => actions.sendToBuyer(chatId, text, actor, source),
      maxPdfBytes: 10 * 1024 * 1024,
      ttlDays: 14,
      now: () => new Date(),
      logger,
      locale: config.locale,
    });
    sales = { leads, config: salesConfig, desk };
  }
  const knowledge = new FakeKnowledge(store);
  const handles: BotHandle[] = [];
  const build = () => {
    // In the service's order: the owner's Telegram output, the responder's use cases, then the bot's features.
    const telegram = createOwnerTelegram({ config, store, logger });
    const owner = createOwnerControls({ store, config, logger, notifier: telegram.notifier });
    const handle = createBot(telegram, {
      config,
      store,
      logger,
      actions,
      owner,
      knowledge,
      agenda,
      status: async () => STATUS,
      leadCard,
      ...(sales ? { sales } : {}),
    });
    actions.notifier = handle.notifier;
    handles.push(handle);
    return handle;
  };
  const handle = build();
  if (opts.start !== false) await handle.start();
  if (opts.jobs) await agenda.start();
  return {
    sim,
    store,
    agenda,
    config,
    logs,
    logger,
    actions,
    knowledge,
    handle,
    owner: sim.user.id,
    sales,
    leadCard,
    async restart() {
      await handles.at(-1)?.stop();
      const next = build();
      await next.start();
      return next;
    },
    async dispose() {
      for (const h of handles) await h.stop();
      await agenda.stop().catch(() => {});
      await sim.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let seq = 0;

/** A chat with buyer messages and a draft answering them. */
export async function seedDraft(
  store: Store,
  draft: Partial<DraftInput> = {},
  chat: Partial<Chat> = {},
  messages: Array<Partial<Message>> = [{ text: 'Есть в наличии?' }],
): Promise<{ draft: Draft; chat: Chat; buyerMessages: Message[] }> {
  seq++;
  const chatId = chat.id ?? `u2i-chat${seq}~x`;
  const storedChat = await store.chats.upsert({
    id: chatId,
    itemId: '1234567890',
    buyerName: 'Иван',
    listing: { title: 'Велосипед Stels', price: '12 000 ₽', url: null },
    ...chat,
  });
  const buyerMessages: Message[] = [];
  for (const [i, m] of messages.entries()) {
    const inserted = await store.messages.insertOnce({
      id: `m${seq}-${i}`,
      chatId,
      direction: 'in',
      author: 'buyer',
      type: 'text',
      text: null,
      content: null,
      createdAt: new Date(),
      ...m,
    });
    buyerMessages.push(inserted.inserted ? inserted.record : inserted.existing);
  }
  const created = await store.drafts.create({
    chatId,
    kind: 'answer',
    text: 'Да, есть. Цена 12 000 ₽.',
    grounded: true,
    strategy: 'item',
    sources: [{ title: 'Каталог', docId: null, itemId: null, snippet: null }],
    coversMessageIds: buyerMessages.map((m) => m.id),
    ...draft,
  });
  return { draft: created, chat: storedChat, buyerMessages };
}

/** Sends (or syncs) the card for a seeded draft and stores its ref, as the responder would. */
export async function showCard(h: Harness, seeded: { draft: Draft; chat: Chat; buyerMessages: Message[] }) {
  const ref = await h.handle.notifier.syncCard(seeded);
  if (!ref) throw new Error('no card sent');
  const draft = (await h.store.drafts.update(seeded.draft.id, { card: ref }))!;
  return { ref, draft };
}
