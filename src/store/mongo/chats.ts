/** The `chats` collection: merged with an optimistic loop on `updatedAt`. */
import type { Models } from '../../models/mongo-schemas.js';
import type { Chat } from '../../models/records.js';
import type { ChatRepository } from '../port.js';
import { mergeChat, newChat } from '../records.js';
import { checkDate, checkId, checkLimit } from '../validate.js';
import { type Doc, isDuplicateKey, plain } from './lean.js';

export function chats(m: Models, now: () => Date): ChatRepository {
  return {
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
  };
}
