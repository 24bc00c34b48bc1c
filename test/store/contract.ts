import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Listing } from '../../src/models/records.js';
import type { MessageInput, Store } from '../../src/store/port.js';
import { StoreValidationError } from '../../src/store/validate.js';
import { describeIntegrationRecordsContract } from './integration-records-contract.js';
import { describeLeadContract } from './lead-contract.js';
import { describeSalesDocumentContract } from './sales-document-contract.js';
import { describeRetentionContract } from './retention-contract.js';

export interface ContractTarget {
  /** A fresh, empty store. */
  open(): Promise<Store>;
  /** Closes `store` and opens the same data again (restart persistence). */
  reopen?(store: Store): Promise<Store>;
}

const message = (over: Partial<MessageInput> & Pick<MessageInput, 'id' | 'chatId'>): MessageInput => ({
  direction: 'in',
  author: 'buyer',
  type: 'text',
  text: `text of ${over.id}`,
  content: null,
  createdAt: new Date(1_700_000_000_000),
  ...over,
});

/** The behaviour every Store adapter must have. Run once per adapter. */
export function describeStoreContract(name: string, target: ContractTarget): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await target.open();
    });
    afterEach(async () => {
      await store.close();
    });

    describe('chats', () => {
      it('when a chat is upserted twice, then the second call merges fields and keeps createdAt', async () => {
        const first = await store.chats.upsert({ id: 'u2i-1', itemId: '4341979279', buyerName: 'Анна' });
        expect(first.state).toBe('ai');
        expect(first.buyerName).toBe('Анна');
        const second = await store.chats.upsert({ id: 'u2i-1', state: 'human', buyerName: undefined });
        expect(second.buyerName).toBe('Анна');
        expect(second.state).toBe('human');
        expect(second.itemId).toBe('4341979279');
        expect(second.createdAt.getTime()).toBe(first.createdAt.getTime());
        expect(await store.chats.get('u2i-1')).toEqual(second);
        expect(await store.chats.get('u2i-missing')).toBeNull();
      });

      it('when chats are listed by state, then only that state comes back and expired pauses are found', async () => {
        const past = new Date(Date.now() - 60_000);
        const future = new Date(Date.now() + 3_600_000);
        await store.chats.upsert({ id: 'u2i-a', state: 'human', humanUntil: past });
        await store.chats.upsert({ id: 'u2i-b', state: 'human', humanUntil: future });
        await store.chats.upsert({ id: 'u2i-c', state: 'human' });
        await store.chats.upsert({ id: 'u2i-d' });
        const human = await store.chats.listByState('human');
        expect(human.map((c) => c.id).sort()).toEqual(['u2i-a', 'u2i-b', 'u2i-c']);
        const expired = await store.chats.listPauseExpired(new Date());
        expect(expired.map((c) => c.id)).toEqual(['u2i-a']);
      });

      it('when listing facts are stored, then they come back as given', async () => {
        const listing = { title: 'Диван', price: '54 900 ₽', url: 'https://avito.ru/1' };
        await store.chats.upsert({ id: 'u2i-l', listing });
        expect((await store.chats.get('u2i-l'))?.listing).toMatchObject(listing);
      });
    });

    describe('messages', () => {
      it('when the same message is inserted twice, then the second insert reports it already there', async () => {
        const a = await store.messages.insertOnce(message({ id: 'm1', chatId: 'u2i-1' }));
        expect(a.inserted).toBe(true);
        const b = await store.messages.insertOnce(message({ id: 'm1', chatId: 'u2i-1', text: 'changed' }));
        expect(b.inserted).toBe(false);
        if (!b.inserted) expect(b.existing.text).toBe('text of m1');
        expect((await store.messages.get('m1'))?.text).toBe('text of m1');
      });

      it('when messages arrive out of Avito time order, then lastN returns the newest N by arrival', async () => {
        const base = 1_700_000_000_000;
        for (const i of [3, 1, 4, 0, 2]) {
          await store.messages.insertOnce(
            message({ id: `m${i}`, chatId: 'u2i-1', createdAt: new Date(base + i * 1000) }),
          );
        }
        await store.messages.insertOnce(
          message({ id: 'other', chatId: 'u2i-2', createdAt: new Date(base + 9000) }),
        );
        const last3 = await store.messages.lastN('u2i-1', 3);
        expect(last3.map((m) => m.id)).toEqual(['m4', 'm0', 'm2']);
        expect((await store.messages.lastN('u2i-1', 50)).map((m) => m.id)).toEqual([
          'm3',
          'm1',
          'm4',
          'm0',
          'm2',
        ]);
      });

      it('when messages are inserted, then each gets an arrival number above every earlier one; a repeat keeps its own', async () => {
        const first = await store.messages.insertOnce(message({ id: 's1', chatId: 'u2i-a' }));
        const second = await store.messages.insertOnce(message({ id: 's2', chatId: 'u2i-b' }));
        const again = await store.messages.insertOnce(message({ id: 's1', chatId: 'u2i-a', text: 'x' }));
        const third = await store.messages.insertOnce(
          message({ id: 's3', chatId: 'u2i-a', createdAt: new Date(0) }),
        );
        if (!first.inserted || !second.inserted || again.inserted || !third.inserted)
          throw new Error('unexpected insert outcome');
        expect(second.record.seq).toBeGreaterThan(first.record.seq);
        expect(third.record.seq).toBeGreaterThan(second.record.seq);
        expect(again.existing.seq).toBe(first.record.seq);
        expect((await store.messages.get('s3'))?.seq).toBe(third.record.seq);
      });

      it('when 30 messages are inserted at once, then their arrival numbers are distinct', async () => {
        const results = await Promise.all(
          Array.from({ length: 30 }, (_, i) =>
            store.messages.insertOnce(message({ id: `c${i}`, chatId: 'u2i-c' })),
          ),
        );
        const seqs = results.map((r) => (r.inserted ? r.record.seq : r.existing.seq));
        expect(new Set(seqs).size).toBe(30);
        const stored = await store.messages.lastN('u2i-c', 30);
        expect(stored.map((m) => m.seq)).toEqual([...seqs].sort((a, b) => a - b));
      });

      it('when messages share a timestamp, then lastN keeps their arrival order', async () => {
        const at = new Date(1_700_000_000_000);
        for (const id of ['x', 'y', 'z'])
          await store.messages.insertOnce(message({ id, chatId: 'u2i-t', createdAt: at }));
        expect((await store.messages.lastN('u2i-t', 2)).map((m) => m.id)).toEqual(['y', 'z']);
      });

      it('when non-text content and a draft id are stored, then they round-trip', async () => {
        const content = { image: { sizes: { '140x105': 'https://img/1.jpg' } } };
        await store.messages.insertOnce(
          message({
            id: 'img',
            chatId: 'u2i-1',
            type: 'image',
            text: null,
            content,
            direction: 'out',
            author: 'ai',
            draftId: 'd-1',
          }),
        );
        const got = await store.messages.get('img');
        expect(got).toMatchObject({
          type: 'image',
          text: null,
          content,
          direction: 'out',
          author: 'ai',
          draftId: 'd-1',
        });
      });

      it('property: inserting any sequence with repeats stores each id exactly once', async () => {
        let round = 0;
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.integer({ min: 0, max: 15 }), { minLength: 1, maxLength: 40 }),
            async (ids) => {
              round += 1;
              const chatId = `u2i-prop-${round}`;
              let inserted = 0;
              for (const n of ids) {
                const r = await store.messages.insertOnce(message({ id: `p${round}-${n}`, chatId }));
                if (r.inserted) inserted += 1;
              }
              const distinct = new Set(ids).size;
              expect(inserted).toBe(distinct);
              expect((await store.messages.lastN(chatId, 100)).length).toBe(distinct);
            },
          ),
          { numRuns: 30, seed: 42 },
        );
      });

      it('property: lastN never returns more than N, and returns the N last to arrive, in arrival order', async () => {
        let round = 0;
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 0, maxLength: 30 }),
            fc.integer({ min: 0, max: 40 }),
            async (times, n) => {
              round += 1;
              const chatId = `u2i-last-${round}`;
              for (const [i, t] of times.entries()) {
                await store.messages.insertOnce(
                  message({ id: `l${round}-${i}`, chatId, createdAt: new Date(t * 1000) }),
                );
              }
              const got = await store.messages.lastN(chatId, n);
              const count = Math.min(n, times.length);
              expect(got.map((m) => m.id)).toEqual(
                times.map((_, i) => `l${round}-${i}`).slice(times.length - count),
              );
              const seqs = got.map((m) => m.seq);
              expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
            },
          ),
          { numRuns: 40, seed: 7 },
        );
      });

      it('property: every field of any message round-trips through insert, get and lastN', async () => {
        const json = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);
        const input = fc.record({
          id: fc.stringMatching(/^[A-Za-z0-9:_-]{1,40}$/),
          direction: fc.constantFrom('in' as const, 'out' as const),
          author: fc.constantFrom('buyer' as const, 'ai' as const, 'owner' as const, 'system' as const),
          type: fc.constantFrom('text', 'image', 'voice', 'location', 'link', 'item', 'call', 'system'),
          text: fc.option(fc.string({ unit: 'grapheme', maxLength: 200 }), { nil: null }),
          content: fc.option(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), json, { maxKeys: 4 }), {
            nil: null,
          }),
          draftId: fc.option(fc.uuid(), { nil: null }),
          createdAt: fc.date({
            min: new Date('2000-01-01T00:00:00Z'),
            max: new Date('2100-01-01T00:00:00Z'),
            noInvalidDate: true,
          }),
        });
        let round = 0;
        await fc.assert(
          fc.asyncProperty(input, async (fields) => {
            round += 1;
            const chatId = `u2i-rt-${round}`;
            const id = `rt${round}-${fields.id}`;
            const given: MessageInput = { ...fields, id, chatId };
            const result = await store.messages.insertOnce(given);
            expect(result.inserted).toBe(true);
            const seq = result.inserted ? result.record.seq : -1;
            expect(Number.isInteger(seq)).toBe(true);
            const expected = { ...given, seq };
            if (result.inserted) expect(result.record).toEqual(expected);
            expect(await store.messages.get(id)).toEqual(expected);
            expect(await store.messages.lastN(chatId, 5)).toEqual([expected]);
          }),
          { numRuns: 60, seed: 11 },
        );
      });
    });

    describe('events', () => {
      it('when an event repeats its id or its message id, then it is reported already there', async () => {
        const first = await store.events.insertOnce({ id: 'e1', messageId: 'm1', payload: { a: 1 } });
        expect(first.inserted).toBe(true);
        expect(
          (await store.events.insertOnce({ id: 'e1', messageId: 'm1', payload: { a: 2 } })).inserted,
        ).toBe(false);
        const sameMessage = await store.events.insertOnce({ id: 'e2', messageId: 'm1', payload: { a: 3 } });
        expect(sameMessage.inserted).toBe(false);
        if (!sameMessage.inserted) expect(sameMessage.existing.id).toBe('e1');
        expect(await store.events.get('e2')).toBeNull();
      });

      it('when events have no message id, then several can coexist', async () => {
        expect((await store.events.insertOnce({ id: 'ping-1', messageId: null, payload: {} })).inserted).toBe(
          true,
        );
        expect((await store.events.insertOnce({ id: 'ping-2', messageId: null, payload: {} })).inserted).toBe(
          true,
        );
      });

      it('when an event is processed, then status, attempts and cleanup follow', async () => {
        await store.events.insertOnce({ id: 'e1', messageId: 'm1', payload: { deep: { x: [1, 2] } } });
        await store.events.insertOnce({ id: 'e2', messageId: 'm2', payload: null });
        expect((await store.events.get('e1'))?.payload).toEqual({ deep: { x: [1, 2] } });
        await store.events.markAttempt('e1');
        const done = await store.events.setStatus('e1', 'processed');
        expect(done).toMatchObject({ status: 'processed', attempts: 1, error: null });
        expect(done?.processedAt).toBeInstanceOf(Date);
        await store.events.setStatus('e2', 'failed', 'boom');
        expect((await store.events.listByStatus('failed')).map((e) => [e.id, e.error])).toEqual([
          ['e2', 'boom'],
        ]);
        expect(await store.events.deleteProcessedBefore(new Date(Date.now() + 1000))).toBe(1);
        expect(await store.events.get('e1')).toBeNull();
        expect(await store.events.get('e2')).not.toBeNull();
      });

      it('property: any interleaving of duplicate deliveries stores each event once', async () => {
        let round = 0;
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 30 }),
            async (seq) => {
              round += 1;
              const results = await Promise.all(
                seq.map((n) =>
                  store.events.insertOnce({
                    id: `r${round}-e${n}`,
                    messageId: `r${round}-m${n}`,
                    payload: { n },
                  }),
                ),
              );
              expect(results.filter((r) => r.inserted).length).toBe(new Set(seq).size);
            },
          ),
          { numRuns: 25, seed: 3 },
        );
      });
    });

    describe('drafts', () => {
      it('when a draft is created, then defaults are filled and it reads back', async () => {
        const d = await store.drafts.create({ chatId: 'u2i-1', kind: 'answer', text: 'Доставка 2 дня' });
        expect(d).toMatchObject({
          status: 'pending',
          originalText: 'Доставка 2 дня',
          sources: [],
          grounded: false,
          strategy: 'none',
          card: null,
          attempts: 0,
          provider: null,
          model: null,
        });
        expect(await store.drafts.get(d.id)).toEqual(d);
      });

      it('when a draft names the model that wrote it, then provider and model read back and can be patched', async () => {
        const d = await store.drafts.create({
          chatId: 'u2i-1',
          kind: 'answer',
          text: 'Доставка 2 дня',
          provider: 'openai',
          model: 'gpt-4o-mini',
        });
        expect(await store.drafts.get(d.id)).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini' });
        const patched = await store.drafts.update(d.id, { provider: 'anthropic', model: 'claude-haiku-4-5' });
        expect(patched).toMatchObject({ provider: 'anthropic', model: 'claude-haiku-4-5' });
        expect((await store.drafts.listForChat('u2i-1'))[0]).toMatchObject({ provider: 'anthropic' });
      });

      it('when a transition matches, then it applies the patch once; a second identical one fails', async () => {
        const d = await store.drafts.create({ chatId: 'u2i-1', kind: 'answer', text: 'a' });
        const approved = await store.drafts.transition(d.id, ['pending'], 'approved', {
          approvedBy: 'tg:1',
          text: 'b',
          sources: [{ title: 'Доставка.pdf', docId: 'doc1', itemId: null, snippet: 's' }],
          card: { chatId: '100', messageId: 7 },
          grounded: true,
        });
        expect(approved).toMatchObject({
          status: 'approved',
          approvedBy: 'tg:1',
          text: 'b',
          originalText: 'a',
          grounded: true,
        });
        expect(approved?.card).toEqual({ chatId: '100', messageId: 7 });
        expect(await store.drafts.transition(d.id, ['pending'], 'approved')).toBeNull();
        expect(
          await store.drafts.transition('00000000-0000-0000-0000-000000000000', ['pending'], 'approved'),
        ).toBeNull();
      });

      it('when 50 callers race to approve one draft, then exactly one wins', async () => {
        const d = await store.drafts.create({ chatId: 'u2i-1', kind: 'answer', text: 'a' });
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            store.drafts.transition(d.id, ['pending'], 'approved', { approvedBy: `tg:${i}` }),
          ),
        );
        const winners = results.filter((r) => r !== null);
        expect(winners).toHaveLength(1);
        expect((await store.drafts.get(d.id))?.approvedBy).toBe(winners[0]?.approvedBy);
      });

      it('when drafts are listed, then status and chat filters apply, newest first per chat', async () => {
        const a = await store.drafts.create({ chatId: 'u2i-1', kind: 'answer', text: 'a' });
        await new Promise((r) => setTimeout(r, 5));
        const b = await store.drafts.create({ chatId: 'u2i-1', kind: 'fallback', text: 'b' });
        await store.drafts.create({ chatId: 'u2i-2', kind: 'escalation', text: 'c' });
        await store.drafts.transition(a.id, ['pending'], 'superseded');
        expect((await store.drafts.listForChat('u2i-1')).map((d) => d.id)).toEqual([b.id, a.id]);
        expect((await store.drafts.listForChat('u2i-1', ['pending'])).map((d) => d.id)).toEqual([b.id]);
        expect((await store.drafts.listByStatus(['pending'])).length).toBe(2);
        expect(await store.drafts.listByStatus([])).toEqual([]);
        const updated = await store.drafts.update(b.id, { attempts: 2, error: 'timeout' });
        expect(updated).toMatchObject({ status: 'pending', attempts: 2, error: 'timeout' });
      });

      it('when a transition names an unknown status, then it is rejected clearly', async () => {
        const d = await store.drafts.create({ chatId: 'u2i-1', kind: 'answer', text: 'a' });
        await expect(store.drafts.transition(d.id, ['pending'], 'shipped' as never)).rejects.toThrow(
          /draft status/,
        );
      });
    });

    describe('documents', () => {
      const doc = {
        title: 'Доставка.pdf',
        scope: 'general' as const,
        itemId: null,
        origin: 'upload' as const,
        sourceKey: 'tg-file-1',
        mimeType: 'application/pdf',
        sizeBytes: 1234,
        sha256: 'a'.repeat(64),
        state: 'indexing' as const,
      };

      it('when documents are saved, updated and listed, then filters and fields hold', async () => {
        const g = await store.documents.save(doc);
        const i = await store.documents.save({
          ...doc,
          title: 'Диван.md',
          scope: 'item',
          itemId: '4341979279',
          sourceKey: 'x',
        });
        expect(await store.documents.get(g.id)).toEqual(g);
        expect(
          (await store.documents.list({ scope: 'item', itemId: '4341979279' })).map((d) => d.id),
        ).toEqual([i.id]);
        expect((await store.documents.list()).length).toBe(2);
        const ready = await store.documents.update(g.id, {
          state: 'ready',
          remoteName: 'fileSearchStores/s/documents/d1',
        });
        expect(ready).toMatchObject({ state: 'ready', remoteName: 'fileSearchStores/s/documents/d1' });
        expect((await store.documents.list({ state: 'ready' })).map((d) => d.id)).toEqual([g.id]);
        expect((await store.documents.findBySource('upload', 'tg-file-1'))?.id).toBe(g.id);
        expect(await store.documents.findBySource('folder', 'tg-file-1')).toBeNull();
        const replaced = await store.documents.save({
          ...doc,
          id: g.id,
          sha256: 'b'.repeat(64),
          state: 'ready',
        });
        expect(replaced.createdAt.getTime()).toBe(g.createdAt.getTime());
        expect((await store.documents.get(g.id))?.sha256).toBe('b'.repeat(64));
      });

      it('when chunks are replaced and a document removed, then only ready documents chunks are retrievable', async () => {
        const g = await store.documents.save({ ...doc, state: 'ready' });
        await new Promise((r) => setTimeout(r, 3)); // chunks come in document creation order
        const i = await store.documents.save({
          ...doc,
          scope: 'item',
          itemId: '77',
          sourceKey: 'y',
          state: 'ready',
        });
        const pending = await store.documents.save({ ...doc, sourceKey: 'z' });
        await store.documents.replaceChunks(g.id, [
          { index: 0, text: 'доставка' },
          { index: 1, text: 'оплата' },
        ]);
        await store.documents.replaceChunks(g.id, [{ index: 0, text: 'только это' }]);
        await store.documents.replaceChunks(i.id, [{ index: 0, text: 'диван' }]);
        await store.documents.replaceChunks(pending.id, [{ index: 0, text: 'не готов' }]);
        expect((await store.documents.chunks()).map((c) => c.text)).toEqual(['только это', 'диван']);
        const item = await store.documents.chunks({ scope: 'item', itemId: '77' });
        expect(item).toEqual([
          { docId: i.id, index: 0, text: 'диван', title: doc.title, scope: 'item', itemId: '77' },
        ]);
        expect(await store.documents.remove(g.id)).toBe(true);
        expect(await store.documents.remove(g.id)).toBe(false);
        expect((await store.documents.chunks()).map((c) => c.text)).toEqual(['диван']);
      });

      it('when chunk vectors are saved, then they read back exactly, are replaced per chunk and follow their chunks', async () => {
        const g = await store.documents.save({ ...doc, state: 'ready' });
        const pending = await store.documents.save({ ...doc, sourceKey: 'z' });
        await store.documents.replaceChunks(g.id, [
          { index: 0, text: 'доставка' },
          { index: 1, text: 'оплата' },
          { index: 2, text: 'гарантия' },
        ]);
        await store.documents.replaceChunks(pending.id, [{ index: 0, text: 'не готов' }]);
        const vector = (...v: number[]) => Float32Array.from(v);
        const row = (index: number, v: Float32Array, model = 'openai:m1', docId = g.id) => ({
          docId,
          index,
          model,
          textHash: String(index).repeat(64),
          vector: v,
        });
        await store.documents.saveEmbeddings([
          row(0, vector(0.5, -0.25, 1e-7)),
          row(1, vector(1, 0, 0)),
          row(2, vector(0, 1, 0)),
          row(0, vector(1, 1, 1), 'openai:m1', pending.id),
          // No such chunk: skipped, not an error.
          row(9, vector(1, 2, 3)),
        ]);
        const saved = await store.documents.embeddings();
        expect(saved.map((e) => [e.docId, e.index])).toEqual([
          [g.id, 0],
          [g.id, 1],
          [g.id, 2],
        ]);
        expect(saved[0]).toEqual(row(0, vector(0.5, -0.25, 1e-7)));
        expect(saved[0]?.vector).toBeInstanceOf(Float32Array);

        await store.documents.saveEmbeddings([row(1, vector(0, 0, 1), 'gemini:e1')]);
        expect((await store.documents.embeddings())[1]).toEqual(row(1, vector(0, 0, 1), 'gemini:e1'));

        // Re-chunked shorter: the vector of the dropped chunk goes, the others stay for their hash check.
        await store.documents.replaceChunks(g.id, [
          { index: 0, text: 'доставка' },
          { index: 1, text: 'оплата изменилась' },
        ]);
        expect((await store.documents.embeddings()).map((e) => e.index)).toEqual([0, 1]);
        await store.documents.remove(g.id);
        await store.documents.update(pending.id, { state: 'ready' });
        expect((await store.documents.embeddings()).map((e) => e.docId)).toEqual([pending.id]);
        await expect(
          store.documents.saveEmbeddings([{ ...row(0, vector(1)), textHash: 'short' }]),
        ).rejects.toThrow(StoreValidationError);
        await expect(
          store.documents.saveEmbeddings([row(0, vector(Number.NaN), 'm', pending.id)]),
        ).rejects.toThrow(StoreValidationError);
      });

      it('when an item document has no listing id, then it is rejected', async () => {
        await expect(store.documents.save({ ...doc, scope: 'item', itemId: null })).rejects.toThrow(
          StoreValidationError,
        );
      });
    });

    describe('listings', () => {
      const listing = (id: string, over: Partial<Listing> = {}): Listing => ({
        id,
        title: `Объявление ${id}`,
        price: 54900,
        url: `https://www.avito.ru/moskva/${id}`,
        status: 'active',
        category: 'Мебель',
        address: 'Москва',
        syncedAt: new Date(1_700_000_000_000),
        ...over,
      });

      it('when listings are upserted, listed and removed, then ids beyond int32 and null prices survive', async () => {
        await store.listings.upsert(listing('4341979279', { title: 'Диван' }));
        await store.listings.upsert(listing('2', { title: 'Абажур', price: null, status: 'old' }));
        await store.listings.upsert(listing('4341979279', { title: 'Диван угловой' }));
        expect((await store.listings.list()).map((l) => l.title)).toEqual(['Абажур', 'Диван угловой']);
        expect((await store.listings.list({ status: 'active' })).map((l) => l.id)).toEqual(['4341979279']);
        expect(await store.listings.get('2')).toEqual(
          listing('2', { title: 'Абажур', price: null, status: 'old' }),
        );
        expect(await store.listings.remove('2')).toBe(true);
        expect(await store.listings.remove('2')).toBe(false);
        expect(await store.listings.get('2')).toBeNull();
      });
    });

    describe('settings, audit, kv', () => {
      it('when settings are updated in parts, then they merge', async () => {
        expect(await store.settings.get()).toEqual({});
        await store.settings.update({ mode: 'auto' });
        await store.settings.update({ paused: true, mode: undefined });
        expect(await store.settings.get()).toEqual({ mode: 'auto', paused: true });
        expect(await store.settings.update({ escalationKeywords: ['юрист'] })).toEqual({
          mode: 'auto',
          paused: true,
          escalationKeywords: ['юрист'],
        });
      });

      it('when audit entries are appended, then queries filter and return newest first', async () => {
        const t0 = new Date(Date.now() - 10_000);
        await store.audit.append({
          actor: 'tg:1',
          action: 'draft.approve',
          draftId: 'd1',
          chatId: 'u2i-1',
          at: t0,
        });
        await store.audit.append({
          actor: 'auto',
          action: 'draft.send',
          draftId: 'd1',
          chatId: 'u2i-1',
          before: 'a',
          after: 'b',
        });
        await store.audit.append({
          actor: 'system',
          action: 'chat.pause',
          chatId: 'u2i-2',
          details: { minutes: 60 },
        });
        const all = await store.audit.query();
        expect(all.map((e) => e.action)).toEqual(['chat.pause', 'draft.send', 'draft.approve']);
        expect((await store.audit.query({ draftId: 'd1' })).length).toBe(2);
        expect((await store.audit.query({ chatId: 'u2i-2' }))[0]?.details).toEqual({ minutes: 60 });
        expect((await store.audit.query({ action: 'draft.send' }))[0]).toMatchObject({
          before: 'a',
          after: 'b',
        });
        expect((await store.audit.query({ since: new Date(t0.getTime() + 1) })).length).toBe(2);
        expect((await store.audit.query({ limit: 1 })).length).toBe(1);
      });

      it('when kv values are set with and without ttl, then expiry and setIfAbsent behave', async () => {
        await store.kv.set('avito:token', { token: 't', expiresAt: 1 });
        expect(await store.kv.get('avito:token')).toEqual({ token: 't', expiresAt: 1 });
        await store.kv.set('short', 'v', 30);
        expect(await store.kv.get('short')).toBe('v');
        expect(await store.kv.setIfAbsent('short', 'w')).toBe(false);
        await new Promise((r) => setTimeout(r, 60));
        expect(await store.kv.get('short')).toBeNull();
        expect(await store.kv.setIfAbsent('short', 'w')).toBe(true);
        expect(await store.kv.get('short')).toBe('w');
        expect(await store.kv.setIfAbsent('avito:token', 'x')).toBe(false);
        expect(await store.kv.delete('avito:token')).toBe(true);
        expect(await store.kv.delete('avito:token')).toBe(false);
        expect(await store.kv.get('avito:token')).toBeNull();
      });

      it('when 20 callers race on setIfAbsent, then exactly one stores its value', async () => {
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => store.kv.setIfAbsent('lock', i, 10_000)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
      });
    });

    describeRetentionContract(() => store);

    describe('sequences', () => {
      it('when 30 callers take numbers at once, then they get 1 to 30, each once', async () => {
        const taken = await Promise.all(
          Array.from({ length: 30 }, () => store.sequences.next('document.invoice.2026')),
        );
        expect([...taken].sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
        expect(await store.sequences.next('document.invoice.2026')).toBe(31);
      });

      it('when counters have different names, then each counts on its own', async () => {
        expect(await store.sequences.next('document.offer.2026')).toBe(1);
        expect(await store.sequences.next('document.invoice.2027')).toBe(1);
        expect(await store.sequences.next('document.offer.2026')).toBe(2);
        await expect(store.sequences.next('')).rejects.toThrow(StoreValidationError);
      });

      if (target.reopen) {
        const reopen = target.reopen;
        it('when the store is reopened, then a counter goes on from where it was', async () => {
          await store.sequences.next('document.contract.2026');
          await store.sequences.next('document.contract.2026');
          store = await reopen(store);
          expect(await store.sequences.next('document.contract.2026')).toBe(3);
        });
      }
    });

    describe('leases', () => {
      it('when a lease is held, then others cannot take it until it is released or expires', async () => {
        expect(await store.leases.acquire('respond:u2i-1', 'a', 10_000)).toBe(true);
        expect(await store.leases.acquire('respond:u2i-1', 'b', 10_000)).toBe(false);
        expect(await store.leases.acquire('respond:u2i-1', 'a', 10_000)).toBe(true);
        expect(await store.leases.acquire('respond:u2i-2', 'b', 10_000)).toBe(true);
        expect(await store.leases.renew('respond:u2i-1', 'a', 10_000)).toBe(true);
        expect(await store.leases.renew('respond:u2i-1', 'b', 10_000)).toBe(false);
        await store.leases.release('respond:u2i-1', 'b');
        expect(await store.leases.acquire('respond:u2i-1', 'b', 10_000)).toBe(false);
        await store.leases.release('respond:u2i-1', 'a');
        expect(await store.leases.acquire('respond:u2i-1', 'b', 10_000)).toBe(true);
        expect(await store.leases.renew('respond:u2i-1', 'a', 10_000)).toBe(false);
      });

      it('when a holder stops renewing, then its lease expires and another takes it; the old holder cannot renew', async () => {
        expect(await store.leases.acquire('respond:u2i-x', 'dead', 30)).toBe(true);
        expect(await store.leases.acquire('respond:u2i-x', 'live', 10_000)).toBe(false);
        await new Promise((r) => setTimeout(r, 60));
        expect(await store.leases.acquire('respond:u2i-x', 'live', 10_000)).toBe(true);
        expect(await store.leases.renew('respond:u2i-x', 'dead', 10_000)).toBe(false);
      });

      it('when 20 holders race for a lease, then exactly one gets it', async () => {
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => store.leases.acquire('respond:race', `h${i}`, 10_000)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it('when a lease ttl is not a positive whole number of ms, then it is rejected', async () => {
        await expect(store.leases.acquire('respond:bad', 'a', 0)).rejects.toThrow(StoreValidationError);
        await expect(store.leases.renew('respond:bad', 'a', 1.5)).rejects.toThrow(StoreValidationError);
      });
    });

    describe('bad input', () => {
      it('when ids are empty, too long, not strings or contain spaces, then a clear validation error is thrown', async () => {
        await expect(store.chats.get('')).rejects.toThrow(/Invalid chat id: must not be empty/);
        await expect(store.chats.upsert({ id: 'a b' })).rejects.toThrow(StoreValidationError);
        await expect(store.messages.get('x'.repeat(201))).rejects.toThrow(/at most 200/);
        await expect(store.drafts.get(42 as unknown as string)).rejects.toThrow(
          /expected a string, got number/,
        );
        await expect(store.events.insertOnce({ id: '', messageId: null, payload: {} })).rejects.toThrow(
          StoreValidationError,
        );
        await expect(
          store.messages.insertOnce(message({ id: 'm', chatId: 'c', createdAt: new Date('nope') })),
        ).rejects.toThrow(/valid Date/);
        await expect(store.messages.lastN('c', -1)).rejects.toThrow(/limit/);
        await expect(store.kv.get('')).rejects.toThrow(StoreValidationError);
      });
    });

    describeLeadContract({
      store: () => store,
      ...(target.reopen
        ? {
            reopen: async () => {
              store = await target.reopen!(store);
            },
          }
        : {}),
    });

    describeSalesDocumentContract({
      store: () => store,
      ...(target.reopen
        ? {
            reopen: async () => {
              store = await target.reopen!(store);
            },
          }
        : {}),
    });

    describeIntegrationRecordsContract({
      store: () => store,
      ...(target.reopen
        ? {
            reopen: async () => {
              store = await target.reopen!(store);
            },
          }
        : {}),
    });

    it('when the store is pinged, then it answers', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    if (target.reopen) {
      const reopen = target.reopen;
      it('when the store is closed and reopened, then nothing written is lost', async () => {
        await store.chats.upsert({ id: 'u2i-keep', state: 'human' });
        await store.messages.insertOnce(message({ id: 'keep-m', chatId: 'u2i-keep' }));
        await store.events.insertOnce({ id: 'keep-e', messageId: 'keep-m', payload: { x: 1 } });
        const d = await store.drafts.create({ chatId: 'u2i-keep', kind: 'answer', text: 'keep' });
        await store.drafts.transition(d.id, ['pending'], 'sending');
        const docRec = await store.documents.save({
          title: 't',
          scope: 'general',
          itemId: null,
          origin: 'folder',
          sourceKey: 'a.md',
          mimeType: 'text/markdown',
          sizeBytes: 1,
          sha256: 'c'.repeat(64),
          state: 'ready',
        });
        await store.documents.replaceChunks(docRec.id, [{ index: 0, text: 'chunk' }]);
        await store.settings.update({ mode: 'auto' });
        await store.audit.append({ actor: 'system', action: 'boot' });
        await store.kv.set('k', { v: 1 });
        await store.leases.acquire('respond:u2i-keep', 'a', 60_000);
        const keptSeq = (await store.messages.get('keep-m'))!.seq;

        store = await reopen(store);

        expect((await store.chats.get('u2i-keep'))?.state).toBe('human');
        expect(await store.messages.get('keep-m')).not.toBeNull();
        expect(
          (await store.events.insertOnce({ id: 'keep-e', messageId: 'keep-m', payload: {} })).inserted,
        ).toBe(false);
        expect((await store.drafts.get(d.id))?.status).toBe('sending');
        expect((await store.documents.chunks()).map((c) => c.text)).toEqual(['chunk']);
        expect((await store.settings.get()).mode).toBe('auto');
        expect((await store.audit.query()).map((e) => e.action)).toEqual(['boot']);
        expect(await store.kv.get('k')).toEqual({ v: 1 });
        expect(await store.leases.acquire('respond:u2i-keep', 'b', 60_000)).toBe(false);
        expect((await store.messages.get('keep-m'))?.seq).toBe(keptSeq);
        const next = await store.messages.insertOnce(message({ id: 'after-m', chatId: 'u2i-keep' }));
        expect(next.inserted && next.record.seq).toBeGreaterThan(keptSeq);
      });
    }
  });
}
