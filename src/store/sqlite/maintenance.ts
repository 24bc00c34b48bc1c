/** Whole-store maintenance: rewriting protected fields (key rotation) and compacting the file after. */
import { BINARY_PROTECTED_FIELDS, type ProtectedField, type StoreMaintenance } from '../port.js';
import { StoreValidationError } from '../validate.js';
import type { SqliteDatabase } from './database.js';

/** Where each protected field lives: table, column, and whether the column holds JSON text. */
const PROTECTED_COLUMNS: Record<ProtectedField, { table: string; column: string; json: boolean }> = {
  'chats.buyerName': { table: 'chats', column: 'buyer_name', json: false },
  'messages.text': { table: 'messages', column: 'text', json: false },
  'messages.content': { table: 'messages', column: 'content', json: true },
  'events.payload': { table: 'events', column: 'payload', json: true },
  'drafts.text': { table: 'drafts', column: 'text', json: false },
  'drafts.originalText': { table: 'drafts', column: 'original_text', json: false },
  'audit.before': { table: 'audit', column: 'before', json: false },
  'audit.after': { table: 'audit', column: 'after', json: false },
  'kv.value': { table: 'kv', column: 'value', json: true },
  'leads.contact': { table: 'leads', column: 'contact', json: true },
  'leads.brief': { table: 'leads', column: 'brief', json: true },
  'leads.lostReason': { table: 'leads', column: 'lost_reason', json: false },
  'documentFiles.pdf': { table: 'document_files', column: 'pdf', json: false },
};
const REWRITE_BATCH = 500;

/** The maintenance of every table but the leads' (their contact keys are rewritten by leads.ts). */
export function maintenance(db: SqliteDatabase): Omit<StoreMaintenance, 'rewriteContactKeys'> {
  return {
    async rewriteProtected(rewrite, onProgress) {
      const report = { visited: 0, rewritten: 0, skipped: 0, compacted: false };
      const fields = Object.entries(PROTECTED_COLUMNS) as [
        ProtectedField,
        (typeof PROTECTED_COLUMNS)[ProtectedField],
      ][];
      // JSON `null` counts as absent, like SQL NULL: there is nothing to protect in it.
      const present = (c: string) => `${c} IS NOT NULL AND ${c} != 'null'`;
      const total = fields.reduce(
        (sum, [, { table, column }]) =>
          sum + Number(db.get(`SELECT COUNT(*) AS n FROM ${table} WHERE ${present(`"${column}"`)}`)?.n ?? 0),
        0,
      );
      for (const [field, { table, column, json }] of fields) {
        const col = `"${column}"`;
        let after = 0;
        for (;;) {
          const rows = db.all(
            `SELECT rowid AS rid, ${col} AS v FROM ${table} WHERE rowid > ? AND ${present(col)} ORDER BY rowid LIMIT ?`,
            after,
            REWRITE_BATCH,
          );
          if (rows.length === 0) break;
          // One transaction per batch: fast, and short enough not to hold the write lock for long.
          db.transaction(() => {
            for (const row of rows) {
              report.visited += 1;
              const binary = BINARY_PROTECTED_FIELDS.includes(field);
              const raw = binary ? (row.v as Uint8Array) : String(row.v);
              const next = rewrite(field, json ? (JSON.parse(raw as string) as unknown) : raw);
              if (next === undefined) continue;
              if (binary ? !(next instanceof Uint8Array) : !json && typeof next !== 'string')
                throw new StoreValidationError(
                  field,
                  `a rewrite must return ${binary ? 'bytes' : 'a string'}, got ${typeof next}`,
                );
              const encoded = json ? JSON.stringify(next) : (next as string | Uint8Array);
              // Compare-and-set on the raw value: a concurrent write wins over the rewrite.
              const changed = db.run(
                `UPDATE ${table} SET ${col} = ? WHERE rowid = ? AND ${col} = ?`,
                encoded,
                Number(row.rid),
                raw,
              );
              if (changed === 1) report.rewritten += 1;
              else report.skipped += 1;
            }
          });
          after = Number(rows[rows.length - 1]!.rid);
          onProgress?.(report.visited, total);
        }
      }
      // An UPDATE leaves the old bytes in free pages and old page images in the WAL: purge both, or the
      // plaintext (or old-key ciphertext) stays readable in the file after a rotation.
      if (report.rewritten > 0) report.compacted = db.compact();
      return report;
    },
  };
}
