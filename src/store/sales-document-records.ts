import {
  type DocumentLink,
  SALES_DOCUMENT_STATUSES,
  type SalesDocument,
  type SalesDocumentStatus,
} from '../models/records.js';
import type { SalesDocumentPatch } from './port.js';
import { checkDate, checkId, checkKey, StoreValidationError } from './validate.js';

/** Checking the owner's documents and the buyers' links before a write, shared by both adapters. */

const KINDS = ['offer', 'contract', 'invoice'] as const;

function checkKind(value: unknown): SalesDocument['kind'] {
  if (!KINDS.includes(value as SalesDocument['kind']))
    throw new StoreValidationError(
      'document kind',
      `expected one of ${KINDS.join(', ')}, got ${String(value)}`,
    );
  return value as SalesDocument['kind'];
}

export function checkDocumentStatus(value: unknown): SalesDocumentStatus {
  if (!SALES_DOCUMENT_STATUSES.includes(value as SalesDocumentStatus))
    throw new StoreValidationError(
      'document status',
      `expected one of ${SALES_DOCUMENT_STATUSES.join(', ')}, got ${String(value)}`,
    );
  return value as SalesDocumentStatus;
}

function checkCount(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw new StoreValidationError(field, `expected a whole number from 0, got ${String(value)}`);
  return value;
}

export function checkSalesDocument(doc: SalesDocument): SalesDocument {
  return {
    id: checkId('document id', doc.id),
    leadId: checkId('lead id', doc.leadId),
    kind: checkKind(doc.kind),
    number: checkKey('document number', doc.number),
    title: checkKey('document title', doc.title),
    total: checkCount('document total', doc.total),
    order: doc.order ?? null,
    status: checkDocumentStatus(doc.status),
    fileName: checkKey('document file name', doc.fileName),
    pages: checkCount('document pages', doc.pages),
    bytes: checkCount('document bytes', doc.bytes),
    createdAt: checkDate('document createdAt', doc.createdAt),
    sentAt: doc.sentAt === null ? null : checkDate('document sentAt', doc.sentAt),
  };
}

export function checkSalesDocumentPatch(patch: SalesDocumentPatch): SalesDocumentPatch {
  return {
    ...(patch.status !== undefined ? { status: checkDocumentStatus(patch.status) } : {}),
    ...(patch.sentAt !== undefined
      ? { sentAt: patch.sentAt === null ? null : checkDate('document sentAt', patch.sentAt) }
      : {}),
    ...(patch.total !== undefined ? { total: checkCount('document total', patch.total) } : {}),
    ...(patch.pages !== undefined ? { pages: checkCount('document pages', patch.pages) } : {}),
    ...(patch.bytes !== undefined ? { bytes: checkCount('document bytes', patch.bytes) } : {}),
  };
}

const HASH = /^[0-9a-f]{64}$/;

export function checkTokenHash(value: unknown): string {
  if (typeof value !== 'string' || !HASH.test(value))
    throw new StoreValidationError('link token hash', 'expected a SHA-256 in hex');
  return value;
}

export function checkDocumentLink(link: DocumentLink): DocumentLink {
  return {
    tokenHash: checkTokenHash(link.tokenHash),
    documentId: checkId('document id', link.documentId),
    leadId: checkId('lead id', link.leadId),
    kind: checkKind(link.kind),
    number: checkKey('document number', link.number),
    expiresAt: checkDate('link expiresAt', link.expiresAt),
  };
}
