import type { Agenda } from 'agenda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mode } from '../../src/models/records.js';
import type { ResponderDeps } from '../../src/responder/deps.js';
import { respondToChat } from '../../src/responder/respond.js';
import type { Store } from '../../src/store/port.js';
import { localKnowledge, silentLogger, tempStore, testConfig } from '../rag/helpers.js';
import { escalatingMessages, LISTING_PRICE } from '../support/escalation-messages.js';
import { RecordingNotifier } from '../support/recording-notifier.js';

/** An Agenda that only records what would have been scheduled. */
function recordingAgenda(scheduled: string[]): Agenda {
  const agenda = {
    create(name: string) {
      scheduled.push(name);
      const job = {
        unique: () => job,
        schedule: () => job,
        debounce: () => job,
        save: () => Promise.resolve(job),
      };
      return job;
    },
  };
  return agenda as unknown as Agenda;
}

describe('the responder and escalations (properties)', () => {
  let store: Store;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ store, cleanup } = await tempStore());
  });
  afterAll(async () => {
    await cleanup();
  });

  it('property: when a buyer message matches the escalation rules, then the draft waits for the owner in any mode', async () => {
    let chats = 0;
    await fc.assert(
      fc.asyncProperty(
        escalatingMessages,
        fc.constantFrom<Mode | null>('auto', 'review', null),
        fc.constantFrom<Mode | undefined>('auto', 'review', undefined),
        fc.boolean(),
        async (m, chatMode, ownerMode, paused) => {
          const chatId = `u2i-escalation-${++chats}`;
          const scheduled: string[] = [];
          const notifier = new RecordingNotifier();
          const config = testConfig({ MODE: 'auto' });
          const deps: ResponderDeps = {
            config,
            store,
            agenda: recordingAgenda(scheduled),
            channels: new Map(),
            knowledge: localKnowledge(store, { MODE: 'auto' }),
            notifier,
            logger: silentLogger,
          };
          await store.settings.update({ mode: ownerMode, paused, escalationKeywords: m.keywords });
          await store.chats.upsert({
            id: chatId,
            itemId: '4242',
            listing: { title: 'Кресло офисное', price: `${LISTING_PRICE} ₽`, url: null },
            state: 'ai',
            mode: chatMode,
          });
          const start = Date.parse('2026-03-01T10:00:00Z');
          for (const [i, text] of m.questions.entries()) {
            await store.messages.insertOnce({
              id: `${chatId}-m${i}`,
              chatId,
              direction: 'in',
              author: 'buyer',
              type: 'text',
              text,
              content: null,
              createdAt: new Date(start + i * 1000),
            });
          }

          expect(await respondToChat(deps, chatId)).toBe('escalated');
          const drafts = await store.drafts.listForChat(chatId);
          expect(drafts).toHaveLength(1);
          expect(drafts[0]).toMatchObject({
            kind: 'escalation',
            status: 'pending',
            approvedBy: null,
            text: '',
          });
          expect(drafts[0]!.findings[0]).toBe(m.reason);
          expect(scheduled).toEqual([]);
          expect(notifier.cards.map((d) => d.id)).toContain(drafts[0]!.id);
        },
      ),
      { numRuns: 60 },
    );
  });
});
