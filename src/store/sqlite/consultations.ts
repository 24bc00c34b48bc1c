/** The `consultation_offers` and `consultation_bookings` tables: one offer and one booking per lead. */
import type { ConsultationBooking, ConsultationOffer, TimeRange } from '../../models/records.js';
import { checkBooking, checkOffer } from '../integration-records.js';
import { type ConsultationRepository, StoreConflictError } from '../port.js';
import { checkId } from '../validate.js';
import { fromMs, type Row, type SqliteDatabase } from './database.js';

const toOffer = (row: Row): ConsultationOffer => ({
  leadId: String(row.lead_id),
  chatId: String(row.chat_id),
  slots: (JSON.parse(String(row.slots)) as [number, number][]).map(([start, end]) => ({
    start: new Date(start),
    end: new Date(end),
  })),
  at: new Date(Number(row.at)),
  booked:
    row.booked_event_id === null
      ? null
      : { eventId: String(row.booked_event_id), start: new Date(Number(row.booked_start)) },
});

const toBooking = (row: Row): ConsultationBooking => ({
  leadId: String(row.lead_id),
  eventId: String(row.event_id),
  chatId: String(row.chat_id),
  start: fromMs(row.start_at) as Date,
  end: fromMs(row.end_at) as Date,
  sequence: Number(row.sequence),
  status: row.status as ConsultationBooking['status'],
});

const slotsJson = (slots: TimeRange[]) =>
  JSON.stringify(slots.map((s) => [s.start.getTime(), s.end.getTime()]));

export function consultations(db: SqliteDatabase): ConsultationRepository {
  return {
    async offer(leadId) {
      const row = db.get('SELECT * FROM consultation_offers WHERE lead_id = ?', checkId('lead id', leadId));
      return row ? toOffer(row) : null;
    },
    async saveOffer(input) {
      const offer = checkOffer(input);
      await db.groupWrite(
        () =>
          db.run(
            `INSERT OR REPLACE INTO consultation_offers (lead_id, chat_id, slots, at, booked_event_id, booked_start)
             VALUES (?, ?, ?, ?, ?, ?)`,
            offer.leadId,
            offer.chatId,
            slotsJson(offer.slots),
            offer.at.getTime(),
            offer.booked?.eventId ?? null,
            offer.booked?.start.getTime() ?? null,
          ),
        { oneStatement: true },
      );
    },
    async booking(leadId) {
      const row = db.get('SELECT * FROM consultation_bookings WHERE lead_id = ?', checkId('lead id', leadId));
      return row ? toBooking(row) : null;
    },
    async saveBooking(input) {
      const b = checkBooking(input);
      await db.groupWrite(() => {
        const owner = db.get('SELECT lead_id FROM consultation_bookings WHERE event_id = ?', b.eventId);
        if (owner && String(owner.lead_id) !== b.leadId)
          throw new StoreConflictError('calendar event', b.eventId, `lead ${String(owner.lead_id)}`);
        db.run(
          `INSERT INTO consultation_bookings (lead_id, event_id, chat_id, start_at, end_at, sequence, status)
           VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (lead_id) DO UPDATE SET event_id = excluded.event_id, chat_id = excluded.chat_id,
             start_at = excluded.start_at, end_at = excluded.end_at, sequence = excluded.sequence,
             status = excluded.status`,
          b.leadId,
          b.eventId,
          b.chatId,
          b.start.getTime(),
          b.end.getTime(),
          b.sequence,
          b.status,
        );
      });
    },
  };
}
