/** The `crm_deals` collection: one amoCRM deal per lead (`_id`) and one lead per deal (unique `dealId`). */
import type { Models } from '../../models/mongo-schemas.js';
import type { CrmDeal } from '../../models/records.js';
import { checkDeal, checkDealId } from '../integration-records.js';
import { type CrmDealRepository, StoreConflictError } from '../port.js';
import { checkId, checkKey } from '../validate.js';
import { type Doc, isDuplicateKey } from './lean.js';

const toDeal = (doc: Doc): CrmDeal => {
  const status = doc.status as CrmDeal['status'] | undefined;
  return {
    leadId: String(doc._id),
    dealId: Number(doc.dealId),
    contactId: (doc.contactId as number | null | undefined) ?? null,
    tags: [...((doc.tags as string[] | undefined) ?? [])],
    status: status
      ? { stage: status.stage, statusId: status.statusId ?? null, confirmed: status.confirmed }
      : null,
  };
};

export function crmDeals(m: Models): CrmDealRepository {
  return {
    async get(leadId) {
      const doc = await m.CrmDeal.findById(checkId('lead id', leadId)).lean<Doc>();
      return doc ? toDeal(doc) : null;
    },
    async put(input) {
      const { leadId, ...deal } = checkDeal(input);
      try {
        await m.CrmDeal.updateOne({ _id: leadId }, { $set: deal }, { upsert: true });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const owner = await m.CrmDeal.findOne({ dealId: deal.dealId }).lean<Doc>();
        throw new StoreConflictError('amoCRM deal', String(deal.dealId), `lead ${String(owner?._id)}`);
      }
    },
    async leadOf(dealId) {
      const doc = await m.CrmDeal.findOne({ dealId: checkDealId(dealId) }).lean<Doc>();
      return doc ? String(doc._id) : null;
    },
    async briefNoted(leadId) {
      const doc = await m.CrmDeal.findById(checkId('lead id', leadId)).lean<Doc>();
      return (doc?.briefDigest as string | null | undefined) ?? null;
    },
    async setBriefNoted(leadId, digest) {
      const res = await m.CrmDeal.updateOne(
        { _id: checkId('lead id', leadId) },
        { $set: { briefDigest: checkKey('brief digest', digest) } },
      );
      return res.matchedCount === 1;
    },
  };
}
