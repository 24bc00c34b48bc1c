/**
 * The `sales_documents`, `document_links`, `lead_orders` and `document_files` collections: documents, buyers'
 * links, orders, and the issued documents' PDFs (Binary).
 */
import type { Models } from '../../models/mongo-schemas.js';
import type { DocumentLink, SalesDocument } from '../../models/records.js';
import { checkDocumentFile, checkFileKind } from '../integration-records.js';
import type { SalesDocumentRepository } from '../port.js';
import {
  checkDocumentLink,
  checkDocumentStatus,
  checkSalesDocument,
  checkSalesDocumentPatch,
  checkTokenHash,
} from '../sales-document-records.js';
import { checkDate, checkId, checkKey } from '../validate.js';
import { type Doc, plain, toBytes } from './lean.js';

const toDocument = (doc: Doc | null): SalesDocument | null => {
  const record = plain<SalesDocument>(doc);
  return record ? { ...record, order: record.order ?? null, sentAt: record.sentAt ?? null } : null;
};

const toLink = (doc: Doc): DocumentLink => ({
  tokenHash: String(doc._id),
  documentId: String(doc.documentId),
  leadId: String(doc.leadId),
  kind: String(doc.kind) as DocumentLink['kind'],
  number: String(doc.number),
  expiresAt: doc.expiresAt as Date,
});

export function salesDocuments(m: Models, now: () => Date): SalesDocumentRepository {
  return {
    async create(input) {
      const { id, ...doc } = checkSalesDocument(input);
      await m.SalesDocument.create({ _id: id, ...doc });
    },
    async get(id) {
      return toDocument(await m.SalesDocument.findById(checkId('document id', id)).lean<Doc>());
    },
    async update(id, from, input) {
      const states = from.map(checkDocumentStatus);
      const patch = checkSalesDocumentPatch(input);
      const updated = await m.SalesDocument.findOneAndUpdate(
        { _id: checkId('document id', id), status: { $in: states } },
        { $set: patch },
        { returnDocument: 'after' },
      ).lean<Doc>();
      return toDocument(updated);
    },
    async addLink(input) {
      const { tokenHash, ...link } = checkDocumentLink(input);
      await m.DocumentLink.create({ _id: tokenHash, ...link });
    },
    async findLink(tokenHash) {
      const doc = await m.DocumentLink.findOne({
        _id: checkTokenHash(tokenHash),
        expiresAt: { $gt: now() },
      }).lean<Doc>();
      return doc ? toLink(doc) : null;
    },
    async removeExpiredLinks(before) {
      const res = await m.DocumentLink.deleteMany({ expiresAt: { $lte: checkDate('before', before) } });
      return res.deletedCount;
    },
    async setOrder(leadId, order) {
      await m.LeadOrder.updateOne(
        { _id: checkId('lead id', leadId) },
        { $set: { order: order ?? null, updatedAt: now() } },
        { upsert: true },
      );
    },
    async getOrder(leadId) {
      const doc = await m.LeadOrder.findById(checkId('lead id', leadId)).lean<Doc>();
      return doc ? (doc.order ?? null) : null;
    },
    async saveFile(input) {
      const file = checkDocumentFile(input);
      await m.DocumentFile.updateOne(
        { kind: file.kind, number: file.number },
        { $set: { pdf: Buffer.from(file.pdf), createdAt: file.createdAt } },
        { upsert: true },
      );
    },
    async getFile(kind, number) {
      const doc = await m.DocumentFile.findOne({
        kind: checkFileKind(kind),
        number: checkKey('document number', number),
      }).lean<Doc>();
      return doc
        ? {
            kind: checkFileKind(doc.kind),
            number: String(doc.number),
            pdf: new Uint8Array(toBytes(doc.pdf, 'document file')),
            createdAt: doc.createdAt as Date,
          }
        : null;
    },
  };
}
