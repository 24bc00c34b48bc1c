/**
 * The MongoDB store (mongoose on the schemas in `models/`). One module per repository beside this one; here
 * they are put together on one connection.
 */
import mongoose from 'mongoose';
import { type Models, registerModels } from '../../models/mongo-schemas.js';
import type { Store } from '../port.js';
import { audit, nextSeq } from './audit.js';
import { buyerMessages } from './buyer-messages.js';
import { consultations } from './consultations.js';
import { crmDeals } from './crm-deals.js';
import { chats } from './chats.js';
import { documents } from './documents.js';
import { drafts } from './drafts.js';
import { events } from './events.js';
import { kv } from './kv.js';
import type { Doc } from './lean.js';
import { mongoLeads, rewriteMongoContactKeys } from './leads.js';
import { leases } from './leases.js';
import { listings } from './listings.js';
import { maintenance } from './maintenance.js';
import { messages } from './messages.js';
import { payments } from './payments.js';
import { salesDocuments } from './sales-documents.js';
import { mongoRetention } from './retention.js';
import { mongoSequences } from './sequences.js';
import { settings } from './settings.js';

export interface MongoStoreOptions {
  uri: string;
  now?: () => Date;
}

/** The MongoDB store (mongoose on the schemas in `models/`). Connects and builds indexes before returning. */
export async function openMongoStore(
  options: MongoStoreOptions,
): Promise<Store & { connection: mongoose.Connection }> {
  const connection = await mongoose
    .createConnection(options.uri, { serverSelectionTimeoutMS: 5000 })
    .asPromise();
  const m: Models = registerModels(connection);
  await Promise.all(Object.values(m).map((model) => model.init()));
  const now = options.now ?? (() => new Date());
  // The message counter starts above every message stored so far (older versions numbered them by clock).
  const newest = await m.Message.findOne().sort({ seq: -1 }).select({ seq: 1 }).lean<Doc>();
  await m.Counter.updateOne(
    { _id: 'messages' },
    { $max: { value: Number(newest?.seq ?? 0) } },
    { upsert: true },
  );
  /** The next message arrival number: one atomic increment, so processes never share a number. */
  const nextMessageSeq = async (): Promise<number> => {
    const counter = await m.Counter.findOneAndUpdate(
      { _id: 'messages' },
      { $inc: { value: 1 } },
      { upsert: true, returnDocument: 'after' },
    ).lean<Doc>();
    return Number(counter?.value);
  };

  const leads = mongoLeads(m, { now, nextSeq });
  await leads.flushPendingAudit();

  return {
    kind: 'mongo',
    connection,
    chats: chats(m, now),
    messages: messages(m, nextMessageSeq),
    events: events(m, now),
    drafts: drafts(m, now),
    documents: documents(m, now),
    listings: listings(m),
    settings: settings(m),
    audit: audit(m, now),
    kv: kv(m, now),
    sequences: await mongoSequences(connection),
    leases: leases(m, now),
    leads,
    salesDocuments: salesDocuments(m, now),
    consultations: consultations(m),
    payments: payments(m),
    crmDeals: crmDeals(m),
    buyerMessages: buyerMessages(m),
    retention: mongoRetention(m, now),
    maintenance: { ...maintenance(m), rewriteContactKeys: rewriteMongoContactKeys(m) },
    async ping() {
      const db = connection.db;
      if (!db) throw new Error('MongoDB connection is not open');
      await db.admin().ping();
    },
    async close() {
      await connection.close();
    },
  };
}
