/** The `buyer_messages` collection: where each integration message to a buyer stands, by idempotence key. */
import type { Models } from '../../models/mongo-schemas.js';
import type { BuyerMessageState } from '../../models/records.js';
import { checkSending, checkSent } from '../integration-records.js';
import type { BuyerMessageRepository } from '../port.js';
import { checkKey } from '../validate.js';
import { type Doc, isDuplicateKey } from './lean.js';

const toState = (doc: Doc): BuyerMessageState =>
  doc.state === 'sent'
    ? { key: String(doc._id), state: 'sent', draftId: String(doc.draftId) }
    : { key: String(doc._id), state: 'sending', since: doc.since as Date };

export function buyerMessages(m: Models): BuyerMessageRepository {
  return {
    async get(key) {
      const doc = await m.BuyerMessage.findById(checkKey('message key', key)).lean<Doc>();
      return doc ? toState(doc) : null;
    },
    async markSending(key, since) {
      const s = checkSending(key, since);
      try {
        // A sent one does not match, and the upsert then collides on `_id`: nothing changes.
        await m.BuyerMessage.updateOne(
          { _id: s.key, state: { $ne: 'sent' } },
          { $set: { state: 'sending', since: s.since, draftId: null } },
          { upsert: true },
        );
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },
    async markSent(key, draftId) {
      const s = checkSent(key, draftId);
      await m.BuyerMessage.updateOne(
        { _id: s.key },
        { $set: { state: 'sent', since: null, draftId: s.draftId } },
        { upsert: true },
      );
    },
    async clear(key) {
      const res = await m.BuyerMessage.deleteOne({ _id: checkKey('message key', key) });
      return res.deletedCount === 1;
    },
  };
}
