import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { AVITO_TEXT_LIMIT } from '../../src/avito/channel.js';
import { splitText } from '../../src/lib/split-text.js';
import { deliverDraft } from '../../src/responder/deliver.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { responderHarness } from '../support/responder-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'deliver-'));
const store = openSqliteStore({ path: join(dir, 'store.sqlite') });
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Answer texts from one word to several Avito messages long, with the spaces, line breaks and emoji buyers see. */
const answerText = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        'Доставка',
        'по',
        'Москве',
        '500',
        'рублей.',
        'Гарантия',
        '18 месяцев!',
        '🙂',
        '\n',
        '  ',
      ),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
    ),
    { minLength: 1, maxLength: 700 },
  )
  .map((words) => words.join(' '))
  .filter((text) => text.trim().length > 0);

let round = 0;

describe('delivery (deliverDraft on a real SQLite store, Avito in the test’s hands)', () => {
  it('property: every sent answer is stored part by part as ours, the chat is marked read and the owner sees the final state', async () => {
    await fc.assert(
      fc.asyncProperty(
        answerText,
        fc.constantFrom('answer' as const, 'fallback' as const, 'reply' as const),
        fc.constantFrom('auto', 'tg:1'),
        fc.boolean(),
        async (text, kind, approvedBy, echoFirst) => {
          round += 1;
          const chatId = `u2i-d${round}`;
          const h = responderHarness(store, { mode: 'auto', dataDir: dir });
          await store.chats.upsert({ id: chatId });
          const draft = await store.drafts.create({
            chatId,
            kind,
            text,
            status: 'approved',
            approvedBy: kind === 'reply' ? 'tg:1' : approvedBy,
          });

          h.start(() => deliverDraft(h.deps, draft.id));
          await h.settle();
          const send = h.channel.sends.at(-1)!;
          if (echoFirst) {
            // Avito's echo of every part overtakes the answer to our send.
            for (const part of send.parts)
              h.start(() => h.inbound({ id: part.id, chatId, text: part.text, outgoing: true }));
            await h.settle();
          }
          h.gates.release(0);
          await h.settle();

          const sent = (await store.drafts.get(draft.id))!;
          const parts = splitText(text, AVITO_TEXT_LIMIT);
          expect(sent.status).toBe('sent');
          expect(send.text).toBe(text);
          expect(sent.sentMessageIds).toEqual(send.parts.map((p) => p.id));
          // Not edited here: the AI's words whoever approved them; the owner's own reply is the owner's.
          const author = kind === 'reply' ? 'owner' : 'ai';
          const stored = await store.messages.lastN(chatId, 100);
          expect(stored.map((m) => [m.id, m.direction, m.author, m.draftId, m.text])).toEqual(
            send.parts.map((p, i) => [p.id, 'out', author, draft.id, parts[i]]),
          );
          expect(h.channel.markedRead).toEqual([chatId]);
          if (sent.approvedBy === 'auto') {
            const notices = h.notifier.notices.filter((n) => 'view' in n && n.view.draft.id === draft.id);
            expect(notices.map((n) => [n.kind, 'view' in n && n.view.draft.status])).toEqual([
              [kind === 'fallback' ? 'fallback-sent' : 'auto-sent', 'sent'],
            ]);
          } else {
            expect(h.notifier.statesOf(draft.id).at(-1)).toBe('sent');
          }
          expect(await store.audit.query({ chatId, action: 'chat.paused' })).toEqual([]);
        },
      ),
      { numRuns: 60, seed: 5 },
    );
  }, 60_000);
});
