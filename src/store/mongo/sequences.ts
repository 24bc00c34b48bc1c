import { type Connection, Schema } from 'mongoose';
import type { SequenceRepository } from '../port.js';
import { checkKey } from '../validate.js';

const sequenceSchema = new Schema(
  {
    _id: { type: String, required: true },
    value: { type: Number, required: true },
  },
  { versionKey: false, collection: 'sequences' },
);

const isDuplicateKey = (err: unknown) =>
  typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;

/**
 * Counters in the `sequences` collection: `findOneAndUpdate` with `$inc` and upsert is atomic on one
 * document. Two first calls can race to insert the same new counter; the loser gets a duplicate-key
 * error and simply increments the one that won.
 */
export async function mongoSequences(connection: Connection): Promise<SequenceRepository> {
  const Sequence = connection.model('Sequence', sequenceSchema);
  await Sequence.init();
  return {
    async next(name) {
      const key = checkKey('sequence name', name);
      for (let attempt = 0; ; attempt++) {
        try {
          const doc = await Sequence.findOneAndUpdate(
            { _id: key },
            { $inc: { value: 1 } },
            { upsert: true, returnDocument: 'after', lean: true },
          );
          return Number(doc!.value);
        } catch (err) {
          if (!isDuplicateKey(err) || attempt >= 3) throw err;
        }
      }
    },
  };
}
