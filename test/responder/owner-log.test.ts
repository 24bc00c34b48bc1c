import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Agenda } from 'agenda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AVITO_CAPABILITIES, AVITO_TEXT_LIMIT } from '../../src/avito/channel.js';
import { renderCard, renderNotice } from '../../src/bot/cards/render.js';
import { escapeHtml } from '../../src/bot/html.js';
import { textsFor } from '../../src/texts/index.js';
import { loadConfig } from '../../src/config.js';
import { createAgenda } from '../../src/jobs/index.js';
import { splitText } from '../../src/lib/split-text.js';
import { createLogger } from '../../src/logger.js';
import type { DraftSource, Mode } from '../../src/models/records.js';
import type { Decision } from '../../src/rag/answer.js';
import { deliverDraft } from '../../src/responder/deliver.js';
import type { ResponderDeps } from '../../src/responder/deps.js';
import { respondToChat } from '../../src/responder/respond.js';
import type { Store } from '../../src/store/port.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { RecordingNotifier } from '../support/recording-notifier.js';

const ru = textsFor('ru');

/** Titles as documents have them: words, with characters HTML must escape now and then. */
const title = fc
  .array(fc.constantFrom('Доставка', 'и', 'оплата', 'Гарантия', 'A&B', '<прайс>', '2025', 'Диван'), {
    minLength: 1,
    maxLength: 3,
  })
  .map((words) => words.join(' '));
const source: fc.Arbitrary<DraftSource> = fc.record({
  title,
  docId: fc.option(fc.uuid(), { nil: null }),
  itemId: fc.constant(null),
  snippet: fc.constant(null),
});
const sources = fc.uniqueArray(source, { maxLength: 3, selector: (s) => s.title });
const text = fc.constantFrom('Доставка 500 рублей.', 'Да, есть в наличии.', 'Уточню и вернусь с ответом.');

const decision: fc.Arbitrary<Decision> = fc.oneof(
  fc.record({
    kind: fc.constant('answer' as const),
    text,
    sources,
    grounded: fc.boolean(),
    findings: fc.array(fc.constantFrom('990', 'bit.ly/x'), { maxLength: 2 }),
    strategy: fc.constantFrom('item' as const, 'general' as const, 'local' as const),
  }),
  fc.record({
    kind: fc.constant('fallback' as const),
    text,
    reason: fc.constantFrom('nothing_found' as const, 'not_covered' as const, 'unavailable' as const),
    sources,
    strategy: fc.constant('none' as const),
  }),
  fc.record({
    kind: fc.constant('escalate' as const),
    reason: fc.constantFrom('human_request', 'complaint', 'refund', 'bargaining', 'threat', 'keyword'),
    matched: fc.constantFrom('менеджер', 'верните деньги', 'скидку'),
  }) as fc.Arbitrary<Decision>,
);

describe('Telegram logging completeness (property)', () => {
  let dir: string;
  let store: Store;
  let agenda: Agenda;
  let deps: ResponderDeps;
  let owner: RecordingNotifier;
  let next: Decision;
  let sentSeq = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'owner-log-'));
    store = openSqliteStore({ path: join(dir, 'store.sqlite') });
    agenda = await createAgenda(
      { kind: 'sqlite', path: join(dir, 'store.sqlite') },
      { processEvery: 60_000 },
    );
    owner = new RecordingNotifier();
    deps = {
      config: loadConfig({ DATA_DIR: dir }),
      store,
      agenda,
      channels: new Map([
        [
          'avito',
          {
            id: 'avito',
            capabilities: AVITO_CAPABILITIES,
            send: async (_chatId: string, text: string) => ({
              kind: 'sent' as const,
              messageIds: splitText(text, AVITO_TEXT_LIMIT).map(() => `sent-${++sentSeq}`),
            }),
            markRead: async () => {},
            recentOutgoing: async () => [],
          },
        ],
      ]),
      knowledge: { answer: async () => next },
      notifier: owner,
      logger: createLogger({ level: 'silent' }),
    };
  });
  afterAll(async () => {
    await agenda.stop().catch(() => 'not started');
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Everything the owner was shown about one draft, as Telegram HTML (the bot's own rendering). */
  function ownerSees(draftId: string): string[] {
    const cards = owner.views.filter((v) => v.draft.id === draftId).map((v) => renderCard(v, ru).text);
    const notices = owner.notices
      .filter((n) => (n.kind === 'auto-sent' || n.kind === 'fallback-sent') && n.view.draft.id === draftId)
      .map((n) => renderNotice(n, ru).text);
    return [...cards, ...notices];
  }

  it('when any decision is made in review or auto mode, then the owner sees it with its sources and what the search found', async () => {
    let chatSeq = 0;
    await fc.assert(
      fc.asyncProperty(decision, fc.constantFrom<Mode>('review', 'auto'), async (made, mode) => {
        next = made;
        const chatId = `u2i-log-${++chatSeq}`;
        await store.chats.upsert({ id: chatId, mode, buyerName: 'Анна', listing: null });
        await store.messages.insertOnce({
          id: `${chatId}-m1`,
          chatId,
          direction: 'in',
          author: 'buyer',
          type: 'text',
          text: 'Сколько стоит доставка?',
          content: null,
          createdAt: new Date(),
        });

        const outcome = await respondToChat(deps, chatId);
        const draft = (await store.drafts.listForChat(chatId))[0]!;
        if (outcome === 'auto-sent') expect(await deliverDraft(deps, draft.id)).toBe('sent');

        const seen = ownerSees(draft.id);
        expect(seen.length).toBeGreaterThan(0);
        const last = seen.at(-1)!;
        switch (made.kind) {
          case 'answer':
            for (const s of made.sources) expect(last).toContain(escapeHtml(s.title));
            if (made.sources.length === 0) expect(last).toContain(ru.card.noSources);
            expect(last).toContain(ru.card.found(made.strategy));
            expect(last).toContain(made.grounded ? ru.card.grounded : ru.card.ungrounded);
            break;
          case 'fallback':
            for (const s of made.sources) expect(last).toContain(escapeHtml(s.title));
            expect(last).toContain(ru.card.notFound(made.reason, null).split(':')[0]!);
            break;
          case 'escalate':
            expect(last).toContain(ru.escalationReason(made.reason));
            break;
        }
      }),
      { numRuns: 60 },
    );
  });
});
