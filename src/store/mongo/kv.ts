/** The `kv` collection: small JSON values with an optional expiry. */
import type { Models } from '../../models/mongo-schemas.js';
import type { KvRepository } from '../port.js';
import { prefixEnd } from '../activity.js';
import { checkKey, checkLimit } from '../validate.js';
import { type Doc, isDuplicateKey } from './lean.js';

export function kv(m: Models, now: () => Date): KvRepository {
  return {
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
    async keys(prefix, page = {}) {
      const from = checkKey('kv prefix', prefix);
      const after = page.after === undefined ? '' : checkKey('kv key', page.after);
      const docs = await m.Kv.find({ _id: { $gte: from, $lt: prefixEnd(from), $gt: after } })
        .sort({ _id: 1 })
        .limit(checkLimit(page.limit, 100))
        .select({ _id: 1 })
        .lean<Doc[]>();
      return docs.map((doc) => String(doc._id));
    },
  };
}
