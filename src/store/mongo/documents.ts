/** The `documents` and `chunks` collections: the knowledge base and the local index's text. */
import type { Models } from '../../models/mongo-schemas.js';
import type { KnowledgeDocument } from '../../models/records.js';
import type { DocumentFilter, DocumentRepository } from '../port.js';
import { checkEmbedding, newDocument, vectorBytes, vectorFromBytes } from '../records.js';
import { checkId, checkKey } from '../validate.js';
import { definedOnly, type Doc, plain, toBytes } from './lean.js';

function documentQuery(filter: DocumentFilter): Record<string, string> {
  const q: Record<string, string> = {};
  if (filter.scope !== undefined) q.scope = filter.scope;
  if (filter.itemId !== undefined) q.itemId = filter.itemId;
  if (filter.state !== undefined) q.state = filter.state;
  if (filter.origin !== undefined) q.origin = filter.origin;
  return q;
}

export function documents(m: Models, now: () => Date): DocumentRepository {
  return {
    async save(input) {
      const previous = input.id
        ? plain<KnowledgeDocument>(await m.Document.findById(input.id).lean<Doc>())
        : null;
      const doc = newDocument(input, now(), previous?.createdAt);
      const { id, ...rest } = doc;
      await m.Document.replaceOne({ _id: id }, rest, { upsert: true });
      return doc;
    },
    async get(id) {
      return plain<KnowledgeDocument>(await m.Document.findById(checkId('document id', id)).lean<Doc>());
    },
    async findBySource(origin, sourceKey) {
      const doc = await m.Document.findOne({ origin, sourceKey: checkKey('sourceKey', sourceKey) })
        .sort({ updatedAt: -1 })
        .lean<Doc>();
      return plain<KnowledgeDocument>(doc);
    },
    async list(filter = {}) {
      const docs = await m.Document.find(documentQuery(filter)).sort({ createdAt: 1 }).lean<Doc[]>();
      return docs.map((d) => plain<KnowledgeDocument>(d)!);
    },
    async update(id, patch) {
      const doc = await m.Document.findByIdAndUpdate(
        checkId('document id', id),
        { $set: { ...definedOnly(patch), updatedAt: now() } },
        { returnDocument: 'after' },
      ).lean<Doc>();
      return plain<KnowledgeDocument>(doc);
    },
    async remove(id) {
      checkId('document id', id);
      const res = await m.Document.deleteOne({ _id: id });
      await m.Chunk.deleteMany({ docId: id });
      await m.ChunkEmbedding.deleteMany({ docId: id });
      return res.deletedCount === 1;
    },
    async replaceChunks(docId, chunks) {
      checkId('document id', docId);
      await m.Chunk.deleteMany({ docId });
      if (chunks.length > 0)
        await m.Chunk.insertMany(chunks.map((c) => ({ docId, index: c.index, text: c.text })));
      // Vectors of the chunks that are left stay: their hashes tell the vector index which still fit.
      await m.ChunkEmbedding.deleteMany({ docId, index: { $nin: chunks.map((c) => c.index) } });
    },
    async chunks(filter = {}) {
      const docs = await m.Document.find({ ...documentQuery(filter), state: 'ready' })
        .sort({ createdAt: 1 })
        .lean<Doc[]>();
      const byId = new Map(docs.map((d) => [String(d._id), plain<KnowledgeDocument>(d)!]));
      const chunks = await m.Chunk.find({ docId: { $in: [...byId.keys()] } })
        .sort({ docId: 1, index: 1 })
        .lean<Doc[]>();
      const order = [...byId.keys()];
      return chunks
        .map((c) => {
          const d = byId.get(String(c.docId))!;
          return {
            docId: d.id,
            index: Number(c.index),
            text: String(c.text),
            title: d.title,
            scope: d.scope,
            itemId: d.itemId,
          };
        })
        .sort((a, b) => order.indexOf(a.docId) - order.indexOf(b.docId) || a.index - b.index);
    },
    async embeddings() {
      const ready = await m.Document.find({ state: 'ready' }, { _id: 1 }).lean<Doc[]>();
      const rows = await m.ChunkEmbedding.find({ docId: { $in: ready.map((d) => String(d._id)) } })
        .sort({ docId: 1, index: 1 })
        .lean<Doc[]>();
      return rows.map((r) => ({
        docId: String(r.docId),
        index: Number(r.index),
        model: String(r.model),
        textHash: String(r.textHash),
        vector: vectorFromBytes(toBytes(r.vector)),
      }));
    },
    async saveEmbeddings(rows) {
      const checked = rows.map(checkEmbedding);
      if (checked.length === 0) return;
      // Only for chunks that still exist: the document may be gone or re-chunked meanwhile.
      const existing = await m.Chunk.find(
        { $or: checked.map((e) => ({ docId: e.docId, index: e.index })) },
        { docId: 1, index: 1 },
      ).lean<Doc[]>();
      const present = new Set(existing.map((c) => `${String(c.docId)}:${Number(c.index)}`));
      const ops = checked
        .filter((e) => present.has(`${e.docId}:${e.index}`))
        .map((e) => ({
          updateOne: {
            filter: { docId: e.docId, index: e.index },
            update: {
              $set: { model: e.model, textHash: e.textHash, vector: Buffer.from(vectorBytes(e.vector)) },
            },
            upsert: true,
          },
        }));
      if (ops.length > 0) await m.ChunkEmbedding.bulkWrite(ops, { ordered: false });
    },
  };
}
