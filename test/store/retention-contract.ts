import { describe, expect, it } from 'vitest';
import type { MessageInput, Store } from '../../src/store/port.js';
import { StoreValidationError } from '../../src/store/validate.js';

const DAY = 24 * 3600_000;
const now = Date.now();
const daysAgo = (n: number) => new Date(now - n * DAY);

const message = (id: string, chatId: string, createdAt: Date): MessageInput => ({
  id,
  chatId,
  direction: 'in',
  author: 'buyer',
  type: 'text',
  text: `text of ${id}`,
  content: null,
  createdAt,
});

/** A conversation as a channel leaves it: chat record, messages, the events that delivered them, a draft. */
async function conversation(store: Store, chatId: string, lastMessageDaysAgo: number): Promise<void> {
  const at = daysAgo(lastMessageDaysAgo);
  await store.chats.upsert({ id: chatId, buyerName: 'Анна', lastInboundAt: at });
  await store.messages.insertOnce(message(`${chatId}/1`, chatId, daysAgo(lastMessageDaysAgo + 1)));
  await store.messages.insertOnce(message(`${chatId}/2`, chatId, at));
  await store.events.insertOnce({ id: `ev-${chatId}/2`, messageId: `${chatId}/2`, payload: { chatId } });
  await store.drafts.create({ chatId, kind: 'answer', text: 'Да, есть', coversMessageIds: [`${chatId}/2`] });
}

/** Retention (conversations deleted once idle): part of the Store contract, run for every adapter. */
export function describeRetentionContract(storeOf: () => Store): void {
  describe('retention', () => {
    it('when conversations are idle past the cutoff, then only those in scope are listed, longest idle first', async () => {
      const store = storeOf();
      await conversation(store, 'tg:1', 40);
      await conversation(store, 'web:s1', 31);
      await conversation(store, 'tg:2', 5);
      await conversation(store, 'u2i-old', 400);
      const cutoff = daysAgo(30);
      expect(await store.retention.idleChats({ prefixes: ['tg:', 'web:'] }, cutoff)).toEqual([
        'tg:1',
        'web:s1',
      ]);
      expect(await store.retention.idleChats({ prefixes: ['web:'] }, cutoff)).toEqual(['web:s1']);
      expect(await store.retention.idleChats({ exceptPrefixes: ['tg:', 'web:'] }, cutoff)).toEqual([
        'u2i-old',
      ]);
      expect(await store.retention.idleChats({ prefixes: ['tg:', 'web:'] }, cutoff, 1)).toEqual(['tg:1']);
      expect(await store.retention.idleChats({ prefixes: [] }, cutoff)).toEqual([]);
    });

    it('when the owner changed an old chat lately, then it is still idle; a chat without messages counts from its record', async () => {
      const store = storeOf();
      await conversation(store, 'tg:10', 40);
      await store.chats.upsert({ id: 'tg:10', mode: 'auto' });
      await store.chats.upsert({ id: 'tg:11' });
      const scope = { prefixes: ['tg:'] };
      expect(await store.retention.idleChats(scope, daysAgo(30))).toEqual(['tg:10']);
      expect(await store.retention.idleChats(scope, new Date(now + 60_000))).toEqual(['tg:10', 'tg:11']);
    });

    it('when an idle conversation is purged, then its messages, events, drafts and chat go and nothing else does', async () => {
      const store = storeOf();
      await conversation(store, 'tg:20', 40);
      await conversation(store, 'tg:21', 1);
      await store.audit.append({ actor: 'auto', action: 'draft.sent', chatId: 'tg:20' });
      await store.kv.set('other', 1);
      // The buyer's lead keeps the contact they left (the brief and contact outlive the conversation).
      const created = await store.leads.create(
        {
          channel: 'telegram',
          conversationId: 'tg:20',
          contact: { name: 'Анна', phone: '+79123456789', email: null },
        },
        [{ actor: 'system', action: 'lead.created' }],
      );
      if (!created.inserted) throw new Error('expected a new lead');
      const purged = await store.retention.purgeChat('tg:20', daysAgo(30));
      expect(purged).toEqual({ chatId: 'tg:20', messages: 2, events: 1, drafts: 1, chat: true });
      expect(await store.chats.get('tg:20')).toBeNull();
      expect(await store.messages.lastN('tg:20', 10)).toEqual([]);
      expect(await store.messages.get('tg:20/2')).toBeNull();
      expect(await store.events.get('ev-tg:20/2')).toBeNull();
      expect(await store.drafts.listForChat('tg:20')).toEqual([]);
      // The other conversation and unrelated records are untouched.
      expect((await store.messages.lastN('tg:21', 10)).map((m) => m.id)).toEqual(['tg:21/1', 'tg:21/2']);
      expect(await store.events.get('ev-tg:21/2')).not.toBeNull();
      expect(await store.drafts.listForChat('tg:21')).toHaveLength(1);
      expect(await store.chats.get('tg:21')).not.toBeNull();
      expect(await store.audit.query({ chatId: 'tg:20' })).toHaveLength(1);
      expect(await store.kv.get('other')).toBe(1);
      expect((await store.leads.get(created.record.id))?.contact).toEqual({
        name: 'Анна',
        phone: '+79123456789',
        email: null,
      });
      expect(await store.retention.idleChats({ prefixes: ['tg:'] }, daysAgo(30))).toEqual([]);
    });

    it('when the buyer writes again between the listing and the purge, then nothing of the conversation is deleted', async () => {
      const store = storeOf();
      await conversation(store, 'tg:30', 40);
      const cutoff = daysAgo(30);
      expect(await store.retention.idleChats({ prefixes: ['tg:'] }, cutoff)).toEqual(['tg:30']);
      await store.messages.insertOnce(message('tg:30/3', 'tg:30', new Date()));
      await store.chats.upsert({ id: 'tg:30', lastInboundAt: new Date() });
      expect(await store.retention.purgeChat('tg:30', cutoff)).toBeNull();
      expect(await store.messages.lastN('tg:30', 10)).toHaveLength(3);
      expect(await store.drafts.listForChat('tg:30')).toHaveLength(1);
      expect(await store.chats.get('tg:30')).not.toBeNull();
    });

    it('when kv entries have expired, then purging removes them and only them', async () => {
      const store = storeOf();
      await store.kv.set('expiring', { phone: '+79161234567' }, 1);
      await store.kv.set('later', 2, 3600_000);
      await store.kv.set('forever', 3);
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(await store.retention.purgeExpiredKv(new Date())).toBe(1);
      expect(await store.retention.purgeExpiredKv(new Date())).toBe(0);
      expect(await store.kv.get('later')).toBe(2);
      expect(await store.kv.get('forever')).toBe(3);
      // The key is free again, as it was when it read as absent.
      expect(await store.kv.setIfAbsent('expiring', 'new')).toBe(true);
    });

    it('when a chat is unknown or a scope prefix is not an id, then nothing happens or a clear error is thrown', async () => {
      const store = storeOf();
      expect(await store.retention.purgeChat('tg:missing', daysAgo(30))).toBeNull();
      await expect(store.retention.idleChats({ prefixes: ['has space'] }, daysAgo(1))).rejects.toThrow(
        StoreValidationError,
      );
      await expect(store.retention.purgeChat('', daysAgo(1))).rejects.toThrow(StoreValidationError);
    });
  });
}
