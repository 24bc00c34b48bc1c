/** The `listings` table: the seller's listings as the last sync saw them. */
import type { ListingRepository } from '../port.js';
import { checkDate, checkId } from '../validate.js';
import { placeholders, type SqliteDatabase } from './database.js';
import { listingFromRow } from './rows.js';

export function listings(db: SqliteDatabase): ListingRepository {
  return {
    upsert(l) {
      return db.groupWrite(() => {
        checkId('listing id', l.id);
        checkDate('listing syncedAt', l.syncedAt);
        db.run(
          `INSERT OR REPLACE INTO listings (id, title, price, url, status, category, address, synced_at)
           VALUES (${placeholders(8)})`,
          l.id,
          l.title,
          l.price,
          l.url,
          l.status,
          l.category,
          l.address,
          l.syncedAt.getTime(),
        );
        return l;
      });
    },
    async get(id) {
      const row = db.get('SELECT * FROM listings WHERE id = ?', checkId('listing id', id));
      return row ? listingFromRow(row) : null;
    },
    async list(filter = {}) {
      const rows =
        filter.status === undefined
          ? db.all('SELECT * FROM listings ORDER BY title, id')
          : db.all('SELECT * FROM listings WHERE status = ? ORDER BY title, id', filter.status);
      return rows.map(listingFromRow);
    },
    remove(id) {
      return db.groupWrite(() => {
        return db.run('DELETE FROM listings WHERE id = ?', checkId('listing id', id)) === 1;
      });
    },
  };
}
