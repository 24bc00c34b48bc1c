import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { type InboundMessage, responderHarness, runUntilQuiet } from '../support/responder-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'inbound-filter-'));
const store = openSqliteStore({ path: join(dir, 'store.sqlite') });
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What Avito can deliver to the webhook, and the job runners, in any order. */
type Step =
  | { kind: 'buyer' }
  /** An Avito system message (auto-answer, deal status…), from no one or about our own action. */
  | { kind: 'system'; ours: boolean }
  /** The echo of one of our sent parts, possibly before our send call returned. */
  | { kind: 'echo'; pick: number }
  /** A message Avito delivers again (same message id, a new delivery). */
  | { kind: 'again'; pick: number }
  | { kind: 'run-respond' }
  | { kind: 'run-deliver' }
  | { kind: 'release'; pick: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'buyer' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('system' as const), ours: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('echo' as const), pick: fc.nat(5) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('again' as const), pick: fc.nat(20) }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'run-respond' as const }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'run-deliver' as const }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat(5) }) },
);

let round = 0;

describe('inbound filtering (real inbound and responder code on a real SQLite store)', () => {
  it('property: for any mix of buyer, system and our own messages, only buyer messages are ever answered', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 40, size: 'large' }), async (steps) => {
        round += 1;
        const chatId = `u2i-f${round}`;
        const h = responderHarness(store, { mode: 'auto', dataDir: dir });
        const delivered: InboundMessage[] = [];
        const deliver = (m: InboundMessage) => {
          delivered.push(m);
          h.start(() => h.inbound(m));
        };
        let n = 0;
        for (const s of steps) {
          n += 1;
          switch (s.kind) {
            case 'buyer':
              deliver({ id: `${chatId}-in-${n}`, chatId, text: `Вопрос ${n}` });
              break;
            case 'system':
              deliver({
                id: `${chatId}-sys-${n}`,
                chatId,
                type: 'system',
                text: `Системное ${n}`,
                outgoing: s.ours,
              });
              break;
            case 'echo': {
              const echo = h.echo(chatId, s.pick);
              if (echo) delivered.push(echo);
              break;
            }
            case 'again': {
              const earlier = delivered[s.pick % Math.max(1, delivered.length)];
              // A new delivery (its own event id) of a message already seen.
              if (earlier) h.start(() => h.inbound({ ...earlier, delivery: `again-${n}` }));
              break;
            }
            case 'run-respond':
              h.runRespond(chatId);
              break;
            case 'run-deliver':
              h.runDeliver();
              break;
            case 'release':
              h.gates.release(s.pick);
              break;
          }
          await h.settle();
        }
        await runUntilQuiet(h, chatId);

        const history = await store.messages.lastN(chatId, 200);
        const buyer = history.filter((m) => m.author === 'buyer');
        const buyerIds = new Set(buyer.map((m) => m.id));
        const buyerTexts = new Set(buyer.map((m) => m.text));
        const drafts = await store.drafts.listForChat(chatId);
        for (const d of drafts) for (const id of d.coversMessageIds) expect(buyerIds.has(id), id).toBe(true);
        for (const questions of h.modelCalls)
          for (const q of questions) expect(buyerTexts.has(q), q).toBe(true);
        if (buyer.length === 0) {
          expect(drafts).toEqual([]);
          expect(h.modelCalls).toEqual([]);
        }
        // What is not the buyer's was recognised: system messages as system, echoes as ours, nothing as the seller.
        for (const m of history.filter((x) => x.id.includes('-sys-'))) expect(m.author).toBe('system');
        for (const m of history.filter((x) => x.id.includes('-out-'))) expect(m.author).toBe('ai');
        expect(history.filter((m) => m.author === 'owner')).toEqual([]);
        expect(await store.audit.query({ chatId, action: 'chat.paused' })).toEqual([]);
      }),
      { numRuns: 150, seed: 31 },
    );
  }, 120_000);
});
