/** The `messages` collection: stored once by id, numbered by arrival (`seq`, from the `messages` counter). */
import type { Models } from '../../models/mongo-schemas.js';
import type { Message } from '../../models/records.js';
import type { MessageRepository } from '../port.js';
import { newMessage } from '../records.js';
import { checkId, checkLimit } from '../validate.js';
import { type Doc, isDuplicateKey, plain } from './lean.js';

const messageOf = (d: Doc | null) => plain<Message>(d);

export function messages(m: Models, nextSeq: () => Promise<number>): MessageRepository {
  return {
    async insertOnce(input) {
      newMessage(input, 0); // validates before a number is taken
      const msg = newMessage(input, await nextSeq());
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
  };
}
