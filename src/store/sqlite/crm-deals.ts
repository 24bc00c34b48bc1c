/** The `crm_deals` table: one amoCRM deal per lead and one lead per deal (both keys unique). */
import type { CrmDeal } from '../../models/records.js';
import { checkDeal, checkDealId } from '../integration-records.js';
import { type CrmDealRepository, StoreConflictError } from '../port.js';
import { checkId, checkKey } from '../validate.js';
import { fromJson, type Row, type SqliteDatabase, str } from './database.js';

const toDeal = (row: Row): CrmDeal => ({
  leadId: String(row.lead_id),
  dealId: Number(row.deal_id),
  contactId: row.contact_id === null ? null : Number(row.contact_id),
  tags: fromJson(row.tags, []),
  status: fromJson(row.status, null),
});

export function crmDeals(db: SqliteDatabase): CrmDealRepository {
  return {
    async get(leadId) {
      const row = db.get('SELECT * FROM crm_deals WHERE lead_id = ?', checkId('lead id', leadId));
      return row ? toDeal(row) : null;
    },
    async put(input) {
      const d = checkDeal(input);
      await db.groupWrite(() => {
        const owner = db.get('SELECT lead_id FROM crm_deals WHERE deal_id = ?', d.dealId);
        if (owner && String(owner.lead_id) !== d.leadId)
          throw new StoreConflictError('amoCRM deal', String(d.dealId), `lead ${String(owner.lead_id)}`);
        db.run(
          `INSERT INTO crm_deals (lead_id, deal_id, contact_id, tags, status) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (lead_id) DO UPDATE SET deal_id = excluded.deal_id, contact_id = excluded.contact_id,
             tags = excluded.tags, status = excluded.status`,
          d.leadId,
          d.dealId,
          d.contactId,
          JSON.stringify(d.tags),
          d.status === null ? null : JSON.stringify(d.status),
        );
      });
    },
    async leadOf(dealId) {
      const row = db.get('SELECT lead_id FROM crm_deals WHERE deal_id = ?', checkDealId(dealId));
      return row ? String(row.lead_id) : null;
    },
    async briefNoted(leadId) {
      const row = db.get('SELECT brief_digest FROM crm_deals WHERE lead_id = ?', checkId('lead id', leadId));
      return row ? str(row.brief_digest) : null;
    },
    async setBriefNoted(leadId, digest) {
      const id = checkId('lead id', leadId);
      const value = checkKey('brief digest', digest);
      return db.groupWrite(
        () => db.run('UPDATE crm_deals SET brief_digest = ? WHERE lead_id = ?', value, id) === 1,
        { oneStatement: true },
      );
    },
  };
}
