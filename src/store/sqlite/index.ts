/**
 * The embedded store: one SQLite file (WAL) through `node:sqlite`. One module per repository beside this one;
 * here they are put together on one connection.
 */
import type { Store } from '../port.js';
import { audit } from './audit.js';
import { buyerMessages } from './buyer-messages.js';
import { consultations } from './consultations.js';
import { crmDeals } from './crm-deals.js';
import { chats } from './chats.js';
import { SqliteDatabase } from './database.js';
import { documents } from './documents.js';
import { drafts } from './drafts.js';
import { events } from './events.js';
import { kv } from './kv.js';
import { leads, rewriteContactKeys } from './leads.js';
import { leases } from './leases.js';
import { listings } from './listings.js';
import { maintenance } from './maintenance.js';
import { messages } from './messages.js';
import { payments } from './payments.js';
import { salesDocuments } from './sales-documents.js';
import { sqliteRetention } from './retention.js';
import { sequences } from './sequences.js';
import { settings } from './settings.js';

export interface SqliteStoreOptions {
  /** Database file; `:memory:` for a throwaway store. */
  path: string;
  /** Clock, replaceable in tests. */
  now?: () => Date;
}

/** The embedded store: one SQLite file (WAL) through `node:sqlite`, no native dependency. */
export function openSqliteStore(options: SqliteStoreOptions): Store & { readonly path: string } {
  const db = new SqliteDatabase(options.path);
  const now = options.now ?? (() => new Date());
  return {
    kind: 'sqlite',
    path: options.path,
    chats: chats(db, now),
    messages: messages(db),
    events: events(db, now),
    drafts: drafts(db, now),
    documents: documents(db, now),
    listings: listings(db),
    settings: settings(db),
    audit: audit(db, now),
    kv: kv(db, now),
    sequences: sequences(db),
    leases: leases(db, now),
    leads: leads(db, now),
    salesDocuments: salesDocuments(db, now),
    consultations: consultations(db),
    payments: payments(db),
    crmDeals: crmDeals(db),
    buyerMessages: buyerMessages(db),
    retention: sqliteRetention(db),
    maintenance: { ...maintenance(db), rewriteContactKeys: rewriteContactKeys(db) },
    async ping() {
      db.get('SELECT 1');
    },
    async close() {
      await db.close();
    },
  };
}
