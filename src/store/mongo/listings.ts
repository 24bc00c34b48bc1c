/** The `listings` collection: the seller's listings as the last sync saw them. */
import type { Models } from '../../models/mongo-schemas.js';
import type { Listing } from '../../models/records.js';
import type { ListingRepository } from '../port.js';
import { checkDate, checkId } from '../validate.js';
import { type Doc, plain } from './lean.js';

export function listings(m: Models): ListingRepository {
  return {
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
  };
}
