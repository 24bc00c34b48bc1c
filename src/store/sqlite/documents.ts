/** The `documents` and `chunks` tables: the knowledge base and the local index's text. */
import type { DocumentFilter, DocumentRepository } from '../port.js';
import { checkEmbedding, newDocument, vectorBytes, vectorFromBytes } from '../records.js';
import { checkId, checkKey } from '../validate.js';
import { placeholders, type SqliteDatabase, SqlParts, toMs } from './database.js';
import { documentFromRow } from './rows.js';

/** `+?`: an answer reads a listing's documents per chat (why: SqliteDatabase's comment). */
function documentWhere(filter: DocumentFilter, alias = ''): SqlParts {
  return new SqlParts()
    .add(`${alias}scope = +?`, filter.scope)
    .add(`${alias}item_id = +?`, filter.itemId)
    .add(`${alias}state = +?`, filter.state)
    .add(`${alias}origin = +?`, filter.origin);
}

export function documents(db: SqliteDatabase, now: () => Date): DocumentRepository {
  const get = (id: string) => {
    const row = db.get('SELECT * FROM documents WHERE id = ?', checkId('document id', id));
    return row ? documentFromRow(row) : null;
  };
  return {
    save(input) {
      return db.groupWrite(() => {
        const previous = input.id ? get(input.id) : null;
        const d = newDocument(input, now(), previous?.createdAt);
        db.run(
          `INSERT INTO documents (id, title, scope, item_id, origin, source_key, mime_type, size_bytes, sha256,
            remote_name, state, error, created_at, updated_at) VALUES (${placeholders(14)})
           ON CONFLICT (id) DO UPDATE SET title = excluded.title, scope = excluded.scope, item_id = excluded.item_id,
            origin = excluded.origin, source_key = excluded.source_key, mime_type = excluded.mime_type,
            size_bytes = excluded.size_bytes, sha256 = excluded.sha256, remote_name = excluded.remote_name,
            state = excluded.state, error = excluded.error, updated_at = excluded.updated_at`,
          d.id,
          d.title,
          d.scope,
          d.itemId,
          d.origin,
          d.sourceKey,
          d.mimeType,
          d.sizeBytes,
          d.sha256,
          d.remoteName,
          d.state,
          d.error,
          toMs(d.createdAt),
          toMs(d.updatedAt),
        );
        return d;
      });
    },
    async get(id) {
      return get(id);
    },
    async findBySource(origin, sourceKey) {
      const row = db.get(
        'SELECT * FROM documents WHERE origin = ? AND source_key = ? ORDER BY updated_at DESC LIMIT 1',
        origin,
        checkKey('sourceKey', sourceKey),
      );
      return row ? documentFromRow(row) : null;
    },
    async list(filter = {}) {
      const where = documentWhere(filter);
      return db
        .all(`SELECT * FROM documents ${where.where()} ORDER BY created_at, rowid`, ...where.values)
        .map(documentFromRow);
    },
    update(id, patch) {
      return db.groupWrite(() => {
        const sets = new SqlParts()
          .add('updated_at = ?', now().getTime())
          .add('state = ?', patch.state)
          .add('error = ?', patch.error)
          .add('remote_name = ?', patch.remoteName)
          .add('title = ?', patch.title);
        const row = db.get(
          `UPDATE documents SET ${sets.fragments.join(', ')} WHERE id = ? RETURNING *`,
          ...sets.values,
          checkId('document id', id),
        );
        return row ? documentFromRow(row) : null;
      });
    },
    remove(id) {
      return db.groupWrite(() => {
        // Chunks go with it (ON DELETE CASCADE).
        return db.run('DELETE FROM documents WHERE id = ?', checkId('document id', id)) === 1;
      });
    },
    replaceChunks(docId, chunks) {
      // All or nothing: each group write is a savepoint of its own.
      return db.groupWrite(() => {
        checkId('document id', docId);
        db.run('DELETE FROM chunks WHERE doc_id = ?', docId);
        for (const c of chunks)
          db.run('INSERT INTO chunks (doc_id, idx, text) VALUES (?, ?, ?)', docId, c.index, c.text);
        // Vectors of the chunks that are left stay: their hashes tell the vector index which still fit.
        db.run(
          'DELETE FROM chunk_embeddings WHERE doc_id = ? AND idx NOT IN (SELECT idx FROM chunks WHERE doc_id = ?)',
          docId,
          docId,
        );
      });
    },
    async chunks(filter = {}) {
      const where = documentWhere({ ...filter, state: 'ready' }, 'd.');
      return db
        .all(
          `SELECT c.doc_id, c.idx, c.text, d.title, d.scope, d.item_id FROM chunks c
           JOIN documents d ON d.id = c.doc_id ${where.where()} ORDER BY d.created_at, d.rowid, c.idx`,
          ...where.values,
        )
        .map((r) => ({
          docId: String(r.doc_id),
          index: Number(r.idx),
          text: String(r.text),
          title: String(r.title),
          scope: r.scope as 'general' | 'item',
          itemId: r.item_id === null ? null : String(r.item_id),
        }));
    },
    async embeddings() {
      return db
        .all(
          `SELECT e.doc_id, e.idx, e.model, e.text_hash, e.vector FROM chunk_embeddings e
           JOIN documents d ON d.id = e.doc_id WHERE d.state = 'ready' ORDER BY e.doc_id, e.idx`,
        )
        .map((r) => ({
          docId: String(r.doc_id),
          index: Number(r.idx),
          model: String(r.model),
          textHash: String(r.text_hash),
          vector: vectorFromBytes(r.vector as Uint8Array),
        }));
    },
    async saveEmbeddings(rows) {
      const checked = rows.map(checkEmbedding);
      await db.groupWrite(() => {
        for (const e of checked) {
          // Only for a chunk that still exists: the document may be gone or re-chunked meanwhile.
          db.run(
            `INSERT INTO chunk_embeddings (doc_id, idx, model, text_hash, vector)
             SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM chunks WHERE doc_id = ? AND idx = ?)
             ON CONFLICT (doc_id, idx) DO UPDATE SET
               model = excluded.model, text_hash = excluded.text_hash, vector = excluded.vector`,
            e.docId,
            e.index,
            e.model,
            e.textHash,
            vectorBytes(e.vector),
            e.docId,
            e.index,
          );
        }
      });
    },
  };
}
