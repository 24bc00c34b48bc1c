/** Whole-store maintenance: rewriting protected fields (key rotation) in batches, compare-and-set per value. */
import type mongoose from 'mongoose';
import type { Models } from '../../models/mongo-schemas.js';
import { BINARY_PROTECTED_FIELDS, type ProtectedField, type StoreMaintenance } from '../port.js';
import { StoreValidationError } from '../validate.js';
import { toBytes } from './lean.js';

const REWRITE_BATCH = 500;

/** Protected fields as collection + path; `json` fields are Mixed and may hold any JSON value. */
function protectedPaths(
  m: Models,
): Record<ProtectedField, { model: mongoose.Model<never>; path: string; json: boolean }> {
  const at = (model: unknown, path: string, json = false) => ({
    model: model as mongoose.Model<never>,
    path,
    json,
  });
  return {
    'chats.buyerName': at(m.Chat, 'buyerName'),
    'messages.text': at(m.Message, 'text'),
    'messages.content': at(m.Message, 'content', true),
    'events.payload': at(m.Event, 'payload', true),
    'drafts.text': at(m.Draft, 'text'),
    'drafts.originalText': at(m.Draft, 'originalText'),
    'audit.before': at(m.Audit, 'before'),
    'audit.after': at(m.Audit, 'after'),
    'kv.value': at(m.Kv, 'value', true),
    'leads.contact': at(m.Lead, 'contact', true),
    'leads.brief': at(m.Lead, 'brief', true),
    'leads.lostReason': at(m.Lead, 'lostReason'),
    'documentFiles.pdf': at(m.DocumentFile, 'pdf'),
  };
}

/** The maintenance of every collection but the leads' (their contact keys are rewritten by leads.ts). */
export function maintenance(m: Models): Omit<StoreMaintenance, 'rewriteContactKeys'> {
  return {
    async rewriteProtected(rewrite, onProgress) {
      // WiredTiger reuses the space of old values but offers no purge here: compacted stays false.
      const report = { visited: 0, rewritten: 0, skipped: 0, compacted: false };
      const fields = Object.entries(protectedPaths(m)) as [
        ProtectedField,
        ReturnType<typeof protectedPaths>[ProtectedField],
      ][];
      // The native collections: no schema casting of the raw values we compare and set.
      let total = 0;
      for (const [, { model, path }] of fields)
        total += await model.collection.countDocuments({ [path]: { $ne: null } });
      for (const [field, { model, path, json }] of fields) {
        let after: unknown;
        for (;;) {
          const filter: Record<string, unknown> = { [path]: { $ne: null } };
          if (after !== undefined) filter._id = { $gt: after };
          const docs = await model.collection
            .find(filter, { projection: { [path]: 1 } })
            .sort({ _id: 1 })
            .limit(REWRITE_BATCH)
            .toArray();
          if (docs.length === 0) break;
          for (const doc of docs) {
            report.visited += 1;
            const raw: unknown = doc[path];
            const binary = BINARY_PROTECTED_FIELDS.includes(field);
            const next = rewrite(field, binary ? new Uint8Array(toBytes(raw, field)) : raw);
            if (next === undefined) continue;
            if (binary ? !(next instanceof Uint8Array) : !json && typeof next !== 'string')
              throw new StoreValidationError(
                field,
                `a rewrite must return ${binary ? 'bytes' : 'a string'}, got ${typeof next}`,
              );
            // Compare-and-set on the raw value: a concurrent write wins over the rewrite.
            const res = await model.collection.updateOne(
              { _id: doc._id, [path]: raw },
              { $set: { [path]: binary ? Buffer.from(next as Uint8Array) : next } },
            );
            if (res.modifiedCount === 1) report.rewritten += 1;
            else report.skipped += 1;
          }
          after = docs[docs.length - 1]!._id;
          onProgress?.(report.visited, total);
        }
      }
      return report;
    },
  };
}
