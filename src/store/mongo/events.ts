/** The `events` collection: webhook deliveries kept once for deduplication, processing status and audit. */
import type { Models } from '../../models/mongo-schemas.js';
import type { InboxEvent } from '../../models/records.js';
import type { EventRepository } from '../port.js';
import { newEvent } from '../records.js';
import { checkDate, checkId, checkLimit } from '../validate.js';
import { type Doc, isDuplicateKey, plain } from './lean.js';

export function events(m: Models, now: () => Date): EventRepository {
  return {
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
  };
}
