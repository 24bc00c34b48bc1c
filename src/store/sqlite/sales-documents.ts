/**
 * The `sales_documents`, `document_links`, `lead_orders` and `document_files` tables: the owner's documents, the
 * buyers' links, the orders, and the issued documents' PDFs (bytes in a BLOB).
 */
import type { DocumentFile, DocumentLink, SalesDocument } from '../../models/records.js';
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
import type { Row, SqliteDatabase } from './database.js';

const toDocument = (row: Row): SalesDocument => ({
  id: String(row.id),
  leadId: String(row.lead_id),
  kind: String(row.kind) as SalesDocument['kind'],
  number: String(row.number),
  title: String(row.title),
  total: Number(row.total),
  order: JSON.parse(String(row.order_json)) as unknown,
  status: checkDocumentStatus(row.status),
  fileName: String(row.file_name),
  pages: Number(row.pages),
  bytes: Number(row.bytes),
  createdAt: new Date(Number(row.created_at)),
  sentAt: row.sent_at === null ? null : new Date(Number(row.sent_at)),
});

const toLink = (row: Row): DocumentLink => ({
  tokenHash: String(row.token_hash),
  documentId: String(row.document_id),
  leadId: String(row.lead_id),
  kind: String(row.kind) as DocumentLink['kind'],
  number: String(row.number),
  expiresAt: new Date(Number(row.expires_at)),
});

const toFile = (row: Row): DocumentFile => ({
  kind: checkFileKind(row.kind),
  number: String(row.number),
  pdf: new Uint8Array(row.pdf as Uint8Array),
  createdAt: new Date(Number(row.created_at)),
});

export function salesDocuments(db: SqliteDatabase, now: () => Date): SalesDocumentRepository {
  const read = (id: string) => {
    const row = db.get('SELECT * FROM sales_documents WHERE id = ?', id);
    return row ? toDocument(row) : null;
  };
  return {
    async create(input) {
      const doc = checkSalesDocument(input);
      await db.groupWrite(() => {
        db.run(
          `INSERT INTO sales_documents
             (id, lead_id, kind, number, title, total, order_json, status, file_name, pages, bytes, created_at, sent_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          doc.id,
          doc.leadId,
          doc.kind,
          doc.number,
          doc.title,
          doc.total,
          JSON.stringify(doc.order ?? null),
          doc.status,
          doc.fileName,
          doc.pages,
          doc.bytes,
          doc.createdAt.getTime(),
          doc.sentAt?.getTime() ?? null,
        );
      });
    },
    async get(id) {
      return read(checkId('document id', id));
    },
    async update(id, from, input) {
      checkId('document id', id);
      const states = from.map(checkDocumentStatus);
      const patch = checkSalesDocumentPatch(input);
      return db.groupWrite(() => {
        const current = read(id);
        if (!current || !states.includes(current.status)) return null;
        const next = { ...current, ...patch };
        db.run(
          'UPDATE sales_documents SET status = ?, sent_at = ?, total = ?, pages = ?, bytes = ? WHERE id = ?',
          next.status,
          next.sentAt?.getTime() ?? null,
          next.total,
          next.pages,
          next.bytes,
          id,
        );
        return next;
      });
    },
    async addLink(input) {
      const link = checkDocumentLink(input);
      await db.groupWrite(() => {
        db.run(
          `INSERT INTO document_links (token_hash, document_id, lead_id, kind, number, expires_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
          link.tokenHash,
          link.documentId,
          link.leadId,
          link.kind,
          link.number,
          link.expiresAt.getTime(),
        );
      });
    },
    async findLink(tokenHash) {
      const row = db.get(
        'SELECT * FROM document_links WHERE token_hash = ? AND expires_at > ?',
        checkTokenHash(tokenHash),
        now().getTime(),
      );
      return row ? toLink(row) : null;
    },
    async removeExpiredLinks(before) {
      const at = checkDate('before', before).getTime();
      return db.groupWrite(() => db.run('DELETE FROM document_links WHERE expires_at <= ?', at));
    },
    async setOrder(leadId, order) {
      const id = checkId('lead id', leadId);
      await db.groupWrite(() => {
        db.run(
          `INSERT INTO lead_orders (lead_id, order_json, updated_at) VALUES (?, ?, ?)
           ON CONFLICT (lead_id) DO UPDATE SET order_json = excluded.order_json, updated_at = excluded.updated_at`,
          id,
          JSON.stringify(order ?? null),
          now().getTime(),
        );
      });
    },
    async getOrder(leadId) {
      const row = db.get('SELECT order_json FROM lead_orders WHERE lead_id = ?', checkId('lead id', leadId));
      return row ? (JSON.parse(String(row.order_json)) as unknown) : null;
    },
    async saveFile(input) {
      const file = checkDocumentFile(input);
      await db.groupWrite(
        () =>
          db.run(
            `INSERT INTO document_files (kind, number, pdf, created_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (kind, number) DO UPDATE SET pdf = excluded.pdf, created_at = excluded.created_at`,
            file.kind,
            file.number,
            file.pdf,
            file.createdAt.getTime(),
          ),
        { oneStatement: true },
      );
    },
    async getFile(kind, number) {
      const row = db.get(
        'SELECT * FROM document_files WHERE kind = ? AND number = ?',
        checkFileKind(kind),
        checkKey('document number', number),
      );
      return row ? toFile(row) : null;
    },
  };
}
