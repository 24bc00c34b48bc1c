import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chats } from '../../src/store/sqlite/chats.js';
import { SqliteDatabase } from '../../src/store/sqlite/database.js';
import { documents } from '../../src/store/sqlite/documents.js';
import { drafts } from '../../src/store/sqlite/drafts.js';
import { events } from '../../src/store/sqlite/events.js';
import { kv } from '../../src/store/sqlite/kv.js';
import { leads } from '../../src/store/sqlite/leads.js';
import { messages } from '../../src/store/sqlite/messages.js';
import { preparationsDuring } from '../support/sqlite-preparations.js';

const dir = mkdtempSync(join(tmpdir(), 'store-statements-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SQLite store statements', () => {
  it('when the reads every chat makes run again and again, then SQLite prepares each statement once, never again per call', async () => {
    const db = new SqliteDatabase(join(dir, 'statements.sqlite'));
    const now = () => new Date();
    const repos = {
      chats: chats(db, now),
      documents: documents(db, now),
      drafts: drafts(db, now),
      events: events(db, now),
      kv: kv(db, now),
      leads: leads(db, now),
      messages: messages(db),
    };
    try {
      // The lookups a buyer's message costs (and the sweeps beside it), each with this chat's own values.
      const chat = async (n: number) => {
        await repos.messages.lastN(`chat-${n}`, 10 + n);
        await repos.drafts.listForChat(`chat-${n}`);
        await repos.drafts.listForChat(`chat-${n}`, ['pending', 'approved']);
        await repos.drafts.listByStatus(['sending'], 50 + n);
        await repos.leads.findOpenByConversation('avito', `chat-${n}`);
        await repos.kv.keys(`lead-brief:${n}`, { limit: 10 + n });
        await repos.events.listByStatus('pending', 100 + n);
        await repos.chats.listByState('human', 20 + n);
        // The answer's look at the listing's own documents.
        await repos.documents.list({ scope: 'item', itemId: `item-${n}` });
        await repos.documents.chunks({ scope: 'item', itemId: `item-${n}` });
      };
      const chats = async () => {
        for (let n = 1; n <= 5; n += 1) await chat(n);
      };
      expect(await preparationsDuring(db.db, () => chat(0), chats)).toBe(0);
    } finally {
      await db.close();
    }
  });
});
