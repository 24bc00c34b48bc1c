import mongoose from 'mongoose';
import { type Models, registerModels } from '../../models/mongo-schemas.js';
import type {
  AuditEntry,
  Chat,
  Draft,
  DraftStatus,
  InboxEvent,
  KnowledgeDocument,
  Listing,
  Message,
  Settings,
} from '../../models/records.js';
import type { DocumentFilter, ProtectedField, Store, StoreMaintenance } from '../port.js';
import {
  checkDraftStatus,
  mergeChat,
  newAuditEntry,
  newChat,
  newDocument,
  newDraft,
  newEvent,
  newMessage,
} from '../records.js';
import {
  checkDate,
  checkDuration,
  checkId,
  checkKey,
  checkLimit,
  StoreValidationError,
} from '../validate.js';
import { mongoRetention } from './retention.js';
import { mongoSequences } from './sequences.js';

type Doc = Record<string, unknown> & { _id?: unknown };

/** Lean document → plain record: `_id` becomes `id`, nothing of mongoose leaks out. */
function plain<T>(doc: Doc | null | undefined, drop: string[] = []): T | null {
  if (!doc) return null;
  const { _id, ...rest } = doc;
  for (const key of drop) delete rest[key];
  return { id: String(_id), ...rest } as T;
}

const isDuplicateKey = (err: unknown) =>
  typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;

/** Monotonic within a process: breaks ties between audit entries written in the same millisecond. */
let lastSeq = 0;
function nextSeq(): number {
  lastSeq = Math.max(lastSeq + 1, Date.now() * 1000);
  return lastSeq;
}

function documentQuery(filter: DocumentFilter): Record<string, string> {
  const q: Record<string, string> = {};
  if (filter.scope !== undefined) q.scope = filter.scope;
  if (filter.itemId !== undefined) q.itemId = filter.itemId;
  if (filter.state !== undefined) q.state = filter.state;
  if (filter.origin !== undefined) q.origin = filter.origin;
  return q;
}

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
  const messageOf = (d: Doc | null) => plain<Message>(d);
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
  const auditOf = (d: Doc | null) => plain<AuditEntry>(d, ['seq']);

  return {
    kind: 'mongo',
    connection,
    chats: {
      async upsert(input) {
        checkId('chat id', input.id);
        // Optimistic loop: merge onto what is stored, write only if it did not change meanwhile.
        for (;;) {
          const existing = plain<Chat>(await m.Chat.findById(input.id).lean<Doc>());
          if (!existing) {
            const chat = newChat(input, now());
            try {
              const { id, ...rest } = chat;
              await m.Chat.create({ _id: id, ...rest });
              return chat;
            } catch (err) {
              if (isDuplicateKey(err)) continue;
              throw err;
            }
          }
          const chat = mergeChat(existing, input, now());
          const { id, createdAt: _createdAt, ...rest } = chat;
          const res = await m.Chat.updateOne({ _id: id, updatedAt: existing.updatedAt }, { $set: rest });
          if (res.matchedCount === 1) return chat;
        }
      },
      async get(id) {
        return plain<Chat>(await m.Chat.findById(checkId('chat id', id)).lean<Doc>());
      },
      async listByState(state, limit) {
        const docs = await m.Chat.find({ state })
          .sort({ updatedAt: -1 })
          .limit(checkLimit(limit, 100))
          .lean<Doc[]>();
        return docs.map((d) => plain<Chat>(d)!);
      },
      async listPauseExpired(at) {
        const docs = await m.Chat.find({
          state: 'human',
          humanUntil: { $ne: null, $lte: checkDate('now', at) },
        })
          .sort({ humanUntil: 1 })
          .lean<Doc[]>();
        return docs.map((d) => plain<Chat>(d)!);
      },
    },
    messages: {
      async insertOnce(input) {
        newMessage(input, 0); // validates before a number is taken
        const msg = newMessage(input, await nextMessageSeq());
        const { id, ...rest } = msg;
        try {
          await m.Message.create({ _id: id, ...rest });
          return { inserted: true, record: msg };
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          return { inserted: false, existing: messageOf(await m.Message.findById(id).lean<Doc>())! };
        }
      },
      async get(id) {
        return messageOf(await m.Message.findById(checkId('message id', id)).lean<Doc>());
      },
      async lastN(chatId, limit) {
        const docs = await m.Message.find({ chatId: checkId('chat id', chatId) })
          .sort({ seq: -1 })
          .limit(checkLimit(limit, 20))
          .lean<Doc[]>();
        return docs.reverse().map((d) => messageOf(d)!);
      },
    },
    events: {
      async insertOnce(input) {
        const record = newEvent(input, now());
        const { id, messageId } = record;
        try {
          const { id: _id, ...rest } = record;
          await m.Event.create({ _id, ...rest });
          return { inserted: true, record };
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          const or: Record<string, unknown>[] = [{ _id: id }];
          if (messageId !== null) or.push({ messageId });
          return {
            inserted: false,
            existing: plain<InboxEvent>(await m.Event.findOne({ $or: or }).lean<Doc>())!,
          };
        }
      },
      async get(id) {
        return plain<InboxEvent>(await m.Event.findById(checkId('event id', id)).lean<Doc>());
      },
      async setStatus(id, status, error = null) {
        const doc = await m.Event.findByIdAndUpdate(
          checkId('event id', id),
          { $set: { status, error, processedAt: status === 'pending' ? null : now() } },
          { returnDocument: 'after' },
        ).lean<Doc>();
        return plain<InboxEvent>(doc);
      },
      async markAttempt(id) {
        const doc = await m.Event.findByIdAndUpdate(
          checkId('event id', id),
          { $inc: { attempts: 1 } },
          { returnDocument: 'after' },
        ).lean<Doc>();
        return plain<InboxEvent>(doc);
      },
      async listByStatus(status, limit) {
        const docs = await m.Event.find({ status })
          .sort({ receivedAt: 1 })
          .limit(checkLimit(limit, 100))
          .lean<Doc[]>();
        return docs.map((d) => plain<InboxEvent>(d)!);
      },
      async deleteProcessedBefore(before) {
        const res = await m.Event.deleteMany({
          status: { $in: ['processed', 'ignored'] },
          receivedAt: { $lt: checkDate('before', before) },
        });
        return res.deletedCount;
      },
    },
    drafts: {
      async create(input) {
        const draft = newDraft(input, now());
        const { id, ...rest } = draft;
        await m.Draft.create({ _id: id, ...rest });
        return draft;
      },
      async get(id) {
        return plain<Draft>(await m.Draft.findById(checkId('draft id', id)).lean<Doc>());
      },
      async transition(id, from, to, patch = {}) {
        checkId('draft id', id);
        const fromStates = from.map(checkDraftStatus);
        if (fromStates.length === 0) return null;
        const doc = await m.Draft.findOneAndUpdate(
          { _id: id, status: { $in: fromStates } },
          { $set: { ...definedOnly(patch), status: checkDraftStatus(to), updatedAt: now() } },
          { returnDocument: 'after' },
        ).lean<Doc>();
        return plain<Draft>(doc);
      },
      async update(id, patch) {
        const doc = await m.Draft.findByIdAndUpdate(
          checkId('draft id', id),
          { $set: { ...definedOnly(patch), updatedAt: now() } },
          { returnDocument: 'after' },
        ).lean<Doc>();
        return plain<Draft>(doc);
      },
      async listByStatus(statuses, limit) {
        const s = statuses.map(checkDraftStatus);
        if (s.length === 0) return [];
        const docs = await m.Draft.find({ status: { $in: s } })
          .sort({ createdAt: 1 })
          .limit(checkLimit(limit, 100))
          .lean<Doc[]>();
        return docs.map((d) => plain<Draft>(d)!);
      },
      async listForChat(chatId, statuses?: readonly DraftStatus[]) {
        const q: Record<string, unknown> = { chatId: checkId('chat id', chatId) };
        if (statuses) {
          if (statuses.length === 0) return [];
          q.status = { $in: statuses.map(checkDraftStatus) };
        }
        const docs = await m.Draft.find(q).sort({ createdAt: -1 }).lean<Doc[]>();
        return docs.map((d) => plain<Draft>(d)!);
      },
    },
    documents: {
      async save(input) {
        const previous = input.id
          ? plain<KnowledgeDocument>(await m.Document.findById(input.id).lean<Doc>())
          : null;
        const doc = newDocument(input, now(), previous?.createdAt);
        const { id, ...rest } = doc;
        await m.Document.replaceOne({ _id: id }, rest, { upsert: true });
        return doc;
      },
      async get(id) {
        return plain<KnowledgeDocument>(await m.Document.findById(checkId('document id', id)).lean<Doc>());
      },
      async findBySource(origin, sourceKey) {
        const doc = await m.Document.findOne({ origin, sourceKey: checkKey('sourceKey', sourceKey) })
          .sort({ updatedAt: -1 })
          .lean<Doc>();
        return plain<KnowledgeDocument>(doc);
      },
      async list(filter = {}) {
        const docs = await m.Document.find(documentQuery(filter)).sort({ createdAt: 1 }).lean<Doc[]>();
        return docs.map((d) => plain<KnowledgeDocument>(d)!);
      },
      async update(id, patch) {
        const doc = await m.Document.findByIdAndUpdate(
          checkId('document id', id),
          { $set: { ...definedOnly(patch), updatedAt: now() } },
          { returnDocument: 'after' },
        ).lean<Doc>();
        return plain<KnowledgeDocument>(doc);
      },
      async remove(id) {
        checkId('document id', id);
        const res = await m.Document.deleteOne({ _id: id });
        await m.Chunk.deleteMany({ docId: id });
        return res.deletedCount === 1;
      },
      async replaceChunks(docId, chunks) {
        checkId('document id', docId);
        await m.Chunk.deleteMany({ docId });
        if (chunks.length > 0)
          await m.Chunk.insertMany(chunks.map((c) => ({ docId, index: c.index, text: c.text })));
      },
      async chunks(filter = {}) {
        const docs = await m.Document.find({ ...documentQuery(filter), state: 'ready' })
          .sort({ createdAt: 1 })
          .lean<Doc[]>();
        const byId = new Map(docs.map((d) => [String(d._id), plain<KnowledgeDocument>(d)!]));
        const chunks = await m.Chunk.find({ docId: { $in: [...byId.keys()] } })
          .sort({ docId: 1, index: 1 })
          .lean<Doc[]>();
        const order = [...byId.keys()];
        return chunks
          .map((c) => {
            const d = byId.get(String(c.docId))!;
            return {
              docId: d.id,
              index: Number(c.index),
              text: String(c.text),
              title: d.title,
              scope: d.scope,
              itemId: d.itemId,
            };
          })
          .sort((a, b) => order.indexOf(a.docId) - order.indexOf(b.docId) || a.index - b.index);
      },
    },
    listings: {
      async upsert(listing) {
        checkId('listing id', listing.id);
        checkDate('listing syncedAt', listing.syncedAt);
        const { id, ...rest } = listing;
        await m.Listing.replaceOne({ _id: id }, rest, { upsert: true });
        return listing;
      },
      async get(id) {
        return plain<Listing>(await m.Listing.findById(checkId('listing id', id)).lean<Doc>());
      },
      async list(filter = {}) {
        const q = filter.status === undefined ? {} : { status: filter.status };
        const docs = await m.Listing.find(q).sort({ title: 1, _id: 1 }).lean<Doc[]>();
        return docs.map((d) => plain<Listing>(d)!);
      },
      async remove(id) {
        const res = await m.Listing.deleteOne({ _id: checkId('listing id', id) });
        return res.deletedCount === 1;
      },
    },
    settings: {
      async get() {
        const doc = await m.Settings.findById('settings').lean<Doc>();
        return (doc?.value ?? {}) as Settings;
      },
      async update(patch) {
        const set: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(patch)) if (v !== undefined) set[`value.${k}`] = v;
        const doc = await m.Settings.findByIdAndUpdate(
          'settings',
          Object.keys(set).length ? { $set: set } : { $setOnInsert: { value: {} } },
          { upsert: true, returnDocument: 'after' },
        ).lean<Doc>();
        return (doc?.value ?? {}) as Settings;
      },
    },
    audit: {
      async append(input) {
        const entry = newAuditEntry(input, now());
        const { id, ...rest } = entry;
        await m.Audit.create({ _id: id, ...rest, seq: nextSeq() });
        return entry;
      },
      async query(q = {}) {
        const filter: Record<string, unknown> = {};
        if (q.chatId !== undefined) filter.chatId = checkId('chat id', q.chatId);
        if (q.draftId !== undefined) filter.draftId = checkId('draft id', q.draftId);
        if (q.action !== undefined) filter.action = q.action;
        if (q.since !== undefined) filter.at = { $gte: checkDate('since', q.since) };
        const docs = await m.Audit.find(filter)
          .sort({ at: -1, seq: -1 })
          .limit(checkLimit(q.limit, 100))
          .lean<Doc[]>();
        return docs.map((d) => auditOf(d)!);
      },
    },
    kv: {
      async get<T>(key: string) {
        const doc = await m.Kv.findOne({
          _id: checkKey('kv key', key),
          $or: [{ expiresAt: null }, { expiresAt: { $gt: now() } }],
        }).lean<Doc>();
        return doc ? ((doc.value ?? null) as T) : null;
      },
      async set(key, value, ttlMs) {
        const expiresAt = ttlMs === undefined ? null : new Date(now().getTime() + ttlMs);
        await m.Kv.updateOne(
          { _id: checkKey('kv key', key) },
          { $set: { value: value ?? null, expiresAt } },
          { upsert: true },
        );
      },
      async setIfAbsent(key, value, ttlMs) {
        checkKey('kv key', key);
        const expiresAt = ttlMs === undefined ? null : new Date(now().getTime() + ttlMs);
        try {
          // Matches only an expired entry; a live one makes the upsert collide on _id.
          const res = await m.Kv.updateOne(
            { _id: key, expiresAt: { $ne: null, $lte: now() } },
            { $set: { value: value ?? null, expiresAt } },
            { upsert: true },
          );
          return res.modifiedCount + res.upsertedCount === 1;
        } catch (err) {
          if (isDuplicateKey(err)) return false;
          throw err;
        }
      },
      async delete(key) {
        const res = await m.Kv.deleteOne({ _id: checkKey('kv key', key) });
        return res.deletedCount === 1;
      },
    },
    sequences: await mongoSequences(connection),
    leases: {
      async acquire(name, holder, ttlMs) {
        checkKey('lease name', name);
        checkKey('lease holder', holder);
        const at = now();
        const expiresAt = new Date(at.getTime() + checkDuration('lease ttl', ttlMs));
        try {
          // Matches a lease that is expired or already ours; one held by another makes the upsert collide on _id.
          const res = await m.Lease.updateOne(
            { _id: name, $or: [{ expiresAt: { $lte: at } }, { holder }] },
            { $set: { holder, expiresAt } },
            { upsert: true },
          );
          return res.matchedCount + res.upsertedCount === 1;
        } catch (err) {
          if (isDuplicateKey(err)) return false;
          throw err;
        }
      },
      async renew(name, holder, ttlMs) {
        const expiresAt = new Date(now().getTime() + checkDuration('lease ttl', ttlMs));
        const res = await m.Lease.updateOne(
          { _id: checkKey('lease name', name), holder: checkKey('lease holder', holder) },
          { $set: { expiresAt } },
        );
        return res.matchedCount === 1;
      },
      async release(name, holder) {
        await m.Lease.deleteOne({
          _id: checkKey('lease name', name),
          holder: checkKey('lease holder', holder),
        });
      },
    },
    retention: mongoRetention(m, now),
    maintenance: maintenance(m),
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

const REWRITE_BATCH = 500;

/** Protected fields as collection + path; `json` fields are Mixed and may hold any JSON value. */
function protectedPaths(
  m: Models,
): Record<ProtectedField, { model: mongoose.Model<never>; path: string; json: boolean }> {
  const at = (model: unknown, path: string, json = false) => ({
    model: model as mongoose.Model<never>,
    path,
    json,
  });
  return {
    'chats.buyerName': at(m.Chat, 'buyerName'),
    'messages.text': at(m.Message, 'text'),
    'messages.content': at(m.Message, 'content', true),
    'events.payload': at(m.Event, 'payload', true),
    'drafts.text': at(m.Draft, 'text'),
    'drafts.originalText': at(m.Draft, 'originalText'),
    'audit.before': at(m.Audit, 'before'),
    'audit.after': at(m.Audit, 'after'),
    'kv.value': at(m.Kv, 'value', true),
  };
}

function maintenance(m: Models): StoreMaintenance {
  return {
    async rewriteProtected(rewrite, onProgress) {
      // WiredTiger reuses the space of old values but offers no purge here: compacted stays false.
      const report = { visited: 0, rewritten: 0, skipped: 0, compacted: false };
      const fields = Object.entries(protectedPaths(m)) as [
        ProtectedField,
        ReturnType<typeof protectedPaths>[ProtectedField],
      ][];
      // The native collections: no schema casting of the raw values we compare and set.
      let total = 0;
      for (const [, { model, path }] of fields)
        total += await model.collection.countDocuments({ [path]: { $ne: null } });
      for (const [field, { model, path, json }] of fields) {
        let after: unknown;
        for (;;) {
          const filter: Record<string, unknown> = { [path]: { $ne: null } };
          if (after !== undefined) filter._id = { $gt: after };
          const docs = await model.collection
            .find(filter, { projection: { [path]: 1 } })
            .sort({ _id: 1 })
            .limit(REWRITE_BATCH)
            .toArray();
          if (docs.length === 0) break;
          for (const doc of docs) {
            report.visited += 1;
            const raw: unknown = doc[path];
            const next = rewrite(field, raw);
            if (next === undefined) continue;
            if (!json && typeof next !== 'string')
              throw new StoreValidationError(field, `a rewrite must return a string, got ${typeof next}`);
            // Compare-and-set on the raw value: a concurrent write wins over the rewrite.
            const res = await model.collection.updateOne(
              { _id: doc._id, [path]: raw },
              { $set: { [path]: next } },
            );
            if (res.modifiedCount === 1) report.rewritten += 1;
            else report.skipped += 1;
          }
          after = docs[docs.length - 1]!._id;
          onProgress?.(report.visited, total);
        }
      }
      return report;
    },
  };
}

function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}
